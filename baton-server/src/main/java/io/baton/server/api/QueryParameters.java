package io.baton.server.api;

import io.baton.server.api.ApiServer.ApiException;

/** Reads whole-number query parameters, rejecting a bad value with Baton's 400 error naming the parameter and range. */
final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * Returns the parameter {@code name} given as {@code text}, or {@code defaultValue} when it is absent or blank.
     *
     * @throws ApiException with {@link ErrorCode#INVALID_PARAMETER} when it is not a whole number from {@code min} to {@code max}
     */
    static int wholeNumber(String name, String text, int defaultValue, int min, int max) {
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid " + name + " '" + text + "': expected a whole number from " + min
                + " to " + max, name);
    }
}

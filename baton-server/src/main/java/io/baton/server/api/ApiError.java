package io.baton.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The one error body of the API: a code, the field at fault when there is one, and what to do. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String message, String field) {
}

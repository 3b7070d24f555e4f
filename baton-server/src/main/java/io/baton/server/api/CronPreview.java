package io.baton.server.api;

import io.baton.core.schedule.CronExpression;
import io.baton.core.schedule.CronSchedule;
import io.baton.core.schedule.SlotTimes;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The next slots of a cron expression before it is saved, so that an operator sees what a schedule
 * will do, daylight-saving changes included, before deploying it.
 */
record CronPreview(String expression, String timeZone, List<String> nextSlots) {

    static CronPreview of(String expression, String timeZone, int count) {
        if (expression == null || expression.isBlank()) {
            throw new ApiServer.ApiException(ErrorCode.INVALID_PARAMETER,
                    "parameter 'expression' is missing; give a cron expression such as '0 30 2 * * *'", "expression");
        }
        CronExpression cron;
        try {
            cron = CronExpression.parse(expression);
        } catch (IllegalArgumentException e) {
            throw new ApiServer.ApiException(ErrorCode.INVALID_PARAMETER,
                    "cron expression '" + expression + "' is invalid: " + e.getMessage(), "expression");
        }
        ZoneId zone;
        String zoneText = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone;
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw new ApiServer.ApiException(ErrorCode.INVALID_PARAMETER,
                    "time zone '" + zoneText + "' is unknown; use an ID such as Europe/Berlin, America/New_York or UTC", "timeZone");
        }

        CronSchedule schedule = new CronSchedule(cron, zone);
        List<String> slots = new ArrayList<>();
        for (Instant s = schedule.nextAfter(Instant.now()); s != null && slots.size() < count; s = schedule.nextAfter(s)) {
            slots.add(SlotTimes.format(s, zone));
        }
        return new CronPreview(cron.toString(), zone.getId(), slots);
    }
}

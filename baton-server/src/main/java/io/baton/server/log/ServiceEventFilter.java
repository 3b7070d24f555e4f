package io.baton.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/** Lets through only events logged for a service (MDC key {@code service}), for the per-service logs. */
public final class ServiceEventFilter extends Filter<ILoggingEvent> {

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String service = event.getMDCPropertyMap().get("service");
        return service == null || service.isEmpty() ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}

package io.baton.server.alert;

import io.baton.core.config.AlertRoute;
import io.baton.core.config.AlertsConfig;
import java.util.List;

/**
 * Chooses the channels and recipients of an alert from {@code alerts.routes}. The first route that
 * matches decides; an alert that no route matches goes to every configured channel and to
 * {@code alerts.email.to}.
 */
final class AlertRouter {

    private final AlertsConfig config;

    AlertRouter(AlertsConfig config) {
        this.config = config;
    }

    Notice.Route route(Alert alert) {
        boolean webhookOn = config.webhook() != null;
        List<String> defaultTo = config.email() == null ? List.of() : config.email().to();
        for (AlertRoute r : config.routes()) {
            if (!r.matches(alert.kind().text(), alert.service())) {
                continue;
            }
            boolean allChannels = r.channels().isEmpty();
            boolean webhook = webhookOn && (allChannels || r.channels().contains("webhook"));
            boolean email = config.email() != null && (allChannels || r.channels().contains("email"));
            List<String> to = r.email().isEmpty() ? defaultTo : r.email();
            return new Notice.Route(webhook, email ? to : List.of());
        }
        return new Notice.Route(webhookOn, defaultTo);
    }
}

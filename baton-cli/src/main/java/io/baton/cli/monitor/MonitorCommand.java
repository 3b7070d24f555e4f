package io.baton.cli.monitor;

import io.baton.cli.DurationConverter;
import io.baton.core.config.AlertsConfig;
import io.baton.core.config.ConfigException;
import io.baton.server.alert.AlertEngine;
import io.baton.server.alert.SilenceStore;
import io.baton.server.api.TlsTrust;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code baton monitor}: watches a cluster from outside it, for the failure that no node can report about
 * itself: no node is active (all are down or hung), or two are.
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Polls each node's /health/active (no login needed) from a machine outside the cluster, and alerts when no node "
                + "has been active for the grace period, or at once when nodes with different ids are active together. Resolves each "
                + "alert when the condition clears. Alerts go to the log and to the channels of --alerts or --webhook.",
            "Runs until stopped; with --once, checks once and exits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:with --once: exactly one node is active", "1:with --once: an alert is open; or the monitor failed", "2:usage error"})
public final class MonitorCommand implements Callable<Integer> {

    /**
     * Holds the logger until the first log line. Picocli builds every command when {@code baton} starts, and a
     * logger made then would configure logback before {@code baton node} points it at conf/logback.xml.
     */
    private static final class Lazy {
        static final Logger log = LoggerFactory.getLogger(MonitorCommand.class);
    }

    /** How long --once waits for the webhook and e-mail deliveries before it exits. */
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--cluster", arity = "1..*", required = true, paramLabel = "URL",
            description = "API address of each node, such as http://node-a:8491 (the api.host and api.port of its conf/node.yaml)")
    List<String> urls;

    @Option(names = "--alerts", paramLabel = "FILE",
            description = "YAML file with alert settings in the format of the alerts: section of cluster.yaml (webhook, email, routes, "
                    + "repeatInterval); cluster.yaml itself works too")
    Path alertsFile;

    @Option(names = "--webhook", paramLabel = "URL", description = "send alerts as JSON to this http or https URL (a shortcut for a webhook in --alerts)")
    String webhookUrl;

    @Option(names = "--interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "pause between two polls of all nodes (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--grace", defaultValue = "30s", converter = DurationConverter.class,
            description = "how long no node may be active before the alert (default: ${DEFAULT-VALUE}); make it longer than the "
                    + "cluster's lease.duration (default 8s), because a failover takes up to one lease duration")
    Duration grace;

    @Option(names = "--timeout", defaultValue = "3s", converter = DurationConverter.class,
            description = "how long one request to a node may take before the node counts as down (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "PEM file with the certificates to trust for https addresses, such as a node's run/api.crt "
                    + "(default: the JVM's trust store)")
    Path trustFile;

    @Option(names = "--name", description = "names this monitor in alerts (default: monitor@HOST)")
    String name;

    @Option(names = "--once", description = "check once and exit: 0 when exactly one node is active, 1 when an alert is raised; "
            + "waits up to the grace period for an active node")
    boolean once;

    @Override
    public Integer call() throws InterruptedException {
        List<URI> nodes = parseUrls();
        AlertsConfig alerts = alertsConfig();
        HealthProbe probe = new HealthProbe(timeout, trust());
        String monitorName = name != null ? name : "monitor@" + hostName();

        AlertEngine engine = AlertEngine.start(alerts, SilenceStore.none(), Clock.systemUTC());
        ClusterWatch watch = new ClusterWatch(engine, monitorName, grace, Clock.systemUTC());
        Lazy.log.info("Monitor {} started: {} node(s) {}, every {} ms, grace {} ms, channels: {}", monitorName, nodes.size(), nodes,
                interval.toMillis(), grace.toMillis(), channels(alerts));

        if (once) {
            return checkOnce(nodes, probe, watch, engine);
        }
        while (true) {
            try {
                watch.observe(pollAll(nodes, probe), System.nanoTime());
            } catch (RuntimeException e) {
                // A monitor that stopped on one bad poll would fall silent exactly when it is needed.
                Lazy.log.error("Monitor {}: a poll failed; polling goes on", monitorName, e);
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** Polls until a node is active or the grace period is over; returns the exit code. */
    private int checkOnce(List<URI> nodes, HealthProbe probe, ClusterWatch watch, AlertEngine engine) throws InterruptedException {
        ClusterWatch.Verdict verdict = watch.observe(pollAll(nodes, probe), System.nanoTime());
        while (verdict == ClusterWatch.Verdict.NO_ACTIVE_IN_GRACE) {
            Thread.sleep(interval.toMillis());
            verdict = watch.observe(pollAll(nodes, probe), System.nanoTime());
        }

        if (!engine.awaitDelivery(DELIVERY_WAIT)) {
            Lazy.log.error("Monitor: notices were still waiting for the webhook or e-mail after {} s; the log has them", DELIVERY_WAIT.toSeconds());
        }
        return verdict == ClusterWatch.Verdict.HEALTHY ? 0 : 1;
    }

    private static List<NodeHealth> pollAll(List<URI> nodes, HealthProbe probe) throws InterruptedException {
        List<NodeHealth> poll = new ArrayList<>();
        for (URI node : nodes) {
            poll.add(probe.probe(node));
        }
        return poll;
    }

    /** Checks each --cluster value and returns it without a trailing slash. */
    private List<URI> parseUrls() {
        List<URI> parsed = new ArrayList<>();
        for (String url : urls) {
            URI uri = httpUrl("--cluster", url, "http://HOST:PORT or https://HOST:PORT of a node's API, such as http://node-a:8491");
            String text = uri.toString();
            parsed.add(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text));
        }
        return parsed;
    }

    private URI httpUrl(String option, String url, String expected) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "invalid " + option + " URL '" + url + "' (" + e.getReason() + "): expected " + expected);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getQuery() != null) {
            throw new ParameterException(spec.commandLine(), "invalid " + option + " URL '" + url + "': expected " + expected);
        }
        return uri;
    }

    /** Reads --alerts and adds --webhook; with neither, alerts go to the log only. */
    private AlertsConfig alertsConfig() {
        AlertsConfig config = AlertsConfig.DEFAULTS;
        if (alertsFile != null) {
            try {
                config = AlertsConfig.parse(alertsFile, Files.readString(alertsFile, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                throw new ParameterException(spec.commandLine(), "--alerts file " + alertsFile + " not found");
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read the --alerts file " + alertsFile + ": " + e.getMessage());
            } catch (ConfigException e) {
                throw new ParameterException(spec.commandLine(), "invalid --alerts file: " + e.getMessage());
            }
        }
        if (webhookUrl == null) {
            return config;
        }
        if (config.webhook() != null) {
            throw new ParameterException(spec.commandLine(), "--webhook and a webhook in the --alerts file " + alertsFile
                    + " both set the webhook; keep one of them");
        }
        URI hook = httpUrl("--webhook", webhookUrl, "an http or https URL with a host, such as https://alerts.example.com/baton");
        AlertsConfig.Webhook webhook = new AlertsConfig.Webhook(hook, Duration.ofSeconds(5), 3, Duration.ofSeconds(1), null, null);
        return new AlertsConfig(config.repeatInterval(), config.diskMinFreePercent(), config.diskCheckEvery(), webhook, config.email(),
                config.routes());
    }

    private SSLContext trust() {
        if (trustFile == null) {
            return null;
        }
        try {
            return TlsTrust.trustingPem(trustFile);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "--trust file " + trustFile + " not found");
        } catch (IOException | GeneralSecurityException e) {
            throw new ParameterException(spec.commandLine(), "invalid --trust file " + trustFile + ": " + e.getMessage()
                    + "; expected PEM certificates, such as a node's run/api.crt");
        }
    }

    private static String channels(AlertsConfig alerts) {
        List<String> on = new ArrayList<>(List.of("log"));
        if (alerts.webhook() != null) {
            on.add("webhook " + alerts.webhook().url());
        }
        if (alerts.email() != null) {
            on.add("email to " + alerts.email().to());
        }
        return String.join(", ", on);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}

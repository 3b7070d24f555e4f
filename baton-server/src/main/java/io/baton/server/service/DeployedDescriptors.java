package io.baton.server.service;

import io.baton.core.config.ConfigException;
import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The deployed descriptors, read from the data directory on first use. Publish actions that a lost node
 * committed are replayed before the services load, and a remote action needs its service's connection
 * settings, so recovery reads them here.
 */
final class DeployedDescriptors {

    private final ActiveContext ctx;
    private final DescriptorParser parser;
    private final Map<String, ServiceDescriptor> read = new HashMap<>();

    DeployedDescriptors(ActiveContext ctx) {
        this.ctx = ctx;
        this.parser = new DescriptorParser(ctx.data().root());
    }

    /** Always returns {@code d} for its own service: a run publishes with the descriptor it runs. */
    static DeployedDescriptors of(ActiveContext ctx, ServiceDescriptor d) {
        DeployedDescriptors descriptors = new DeployedDescriptors(ctx);
        descriptors.read.put(d.name(), d);
        return descriptors;
    }

    /**
     * Returns the descriptor of a service.
     *
     * @throws IOException when it cannot be read or is invalid, naming the file and the fix
     */
    ServiceDescriptor get(String service) throws IOException {
        ServiceDescriptor known = read.get(service);
        if (known != null) {
            return known;
        }
        Path file = ctx.data().service(service).resolve("service.yaml");
        try {
            ServiceDescriptor d = parser.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            read.put(service, d);
            return d;
        } catch (ConfigException e) {
            throw new IOException("the descriptor of service " + service + " is invalid, so its remote connection settings are"
                    + " unknown: " + e.getMessage() + "; deploy a valid descriptor, and the next run finishes the action", e);
        } catch (IOException e) {
            throw new IOException("the descriptor " + file + " of service " + service + " cannot be read (" + e + "), so its remote"
                    + " connection settings are unknown; deploy the service again, and the next run finishes the action", e);
        }
    }
}

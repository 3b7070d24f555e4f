package io.baton.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.ReadinessSpec;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server whose listing returns hostile names. No real server returns names with slashes, so a
 * scripted session takes its place. It records every path the source requests.
 */
class HostileNamesTest {

    static final List<String> LISTING = List.of("../../tmp/pwned.csv", "..\\..\\evil.csv", "/etc/cron.d/x", "sub/../../x.csv", ".", "..",
            "line\nbreak.csv", "ok.csv");

    /** Lists {@link #LISTING} as regular files and records every other request. */
    static final class HostileSession implements RemoteSession {
        final List<String> requested = new ArrayList<>();

        @Override
        public List<RemoteFile> list(String folder) {
            return LISTING.stream().map(n -> new RemoteFile(n, 10, 1_000_000_000L, true)).toList();
        }

        @Override
        public RemoteFile stat(String path) {
            requested.add("stat " + path);
            return new RemoteFile(path.substring(path.lastIndexOf('/') + 1), 10, 1_000_000_000L, true);
        }

        @Override
        public long download(String path, Path local) {
            requested.add("download " + path);
            return 10;
        }

        @Override
        public void upload(Path local, String path) {
            requested.add("upload " + path);
        }

        @Override
        public void rename(String from, String to) {
            requested.add("rename " + from + " " + to);
        }

        @Override
        public void delete(String path) {
            requested.add("delete " + path);
        }

        @Override
        public void createFolders(String folder) {
            requested.add("mkdir " + folder);
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    @Test
    void onlySafeNameListed() throws Exception {
        HostileSession session = new HostileSession();
        RemoteSpec spec = RemoteSpecs.withKey("u", 22, "/outbound", Path.of("key"), Path.of("known_hosts"));
        SourceSpec sourceSpec = new SourceSpec(null, List.of("*"), List.of(), false, FileOrder.NAME, 1000, true,
                new ReadinessSpec(null, null), StandardCharsets.UTF_8, spec);
        RemoteConnector connector = new RemoteConnector() {
            @Override
            public RemoteSession open(RemoteSpec s) {
                return session;
            }

            @Override
            public void close() {
            }
        };

        try (RemoteConnection connection = new RemoteConnection(connector, spec, "test")) {
            RemoteSource source = new RemoteSource("test", sourceSpec, connection);
            assertThat(source.list()).extracting(c -> c.identity().relPath()).containsExactly("ok.csv");

            // Names derived from input names pass the same check: an archive name cannot climb out either.
            var ok = source.list().get(0).identity();
            assertThatThrownBy(() -> source.archive(ok, "/outbound/done", "../x.csv")).hasMessageContaining("is rejected");
            RemoteTarget target = new RemoteTarget(connection);
            assertThatThrownBy(() -> target.deliver(1, 0, 1, Path.of("x"), "../../etc/x", epoch -> { }))
                    .hasMessageContaining("is rejected");
        }
        assertThat(session.requested).isEmpty();
    }
}

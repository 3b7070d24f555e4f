package io.baton.transport.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.RemoteSpec;
import io.baton.transport.RemoteFile;
import io.baton.transport.RemoteSession;
import io.baton.transport.RemoteSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FTP client against an embedded Apache FtpServer 1.2, which offers MLST and MLSD, unlike vsftpd: the
 * listing and stat path that reads exact times, with UTF-8 names. Runs without root.
 */
class FtpAgainstEmbeddedServerTest {

    @TempDir
    Path dir;
    FtpServer server;
    int port;

    @BeforeEach
    void startServer() throws Exception {
        Files.createDirectories(dir.resolve("home/outbound"));
        BaseUser user = new BaseUser();
        user.setName("partner");
        user.setPassword("secret");
        user.setHomeDirectory(dir.resolve("home").toString());
        user.setAuthorities(List.of(new WritePermission()));
        FtpServerFactory factory = new FtpServerFactory();
        factory.getUserManager().save(user);
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        factory.addListener("default", listener.createListener());
        server = factory.createServer();
        server.start();
        port = factory.getListener("default").getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private RemoteSpec spec() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "secret\n");
        return RemoteSpecs.ftp("ftp", "partner", port, "/outbound", password);
    }

    @Test
    void mlstListsExactTimesAndNames() throws Exception {
        List<String> names = List.of("Überweisung_März.csv", "订单_2024.csv", "café ñ.csv", "empty.csv");
        Path local = Files.createDirectories(dir.resolve("local"));
        for (String name : names) {
            Files.writeString(local.resolve(name), name.equals("empty.csv") ? "" : "content of " + name, StandardCharsets.UTF_8);
        }
        Instant modified = Instant.parse("2024-01-02T03:04:05Z");

        try (RemoteSession s = new FtpConnector().open(spec())) {
            s.createFolders("/outbound/in");
            for (String name : names) {
                s.upload(local.resolve(name), "/outbound/in/.part");
                s.rename("/outbound/in/.part", "/outbound/in/" + name);
                Files.setLastModifiedTime(dir.resolve("home/outbound/in").resolve(name), FileTime.from(modified));
            }

            List<RemoteFile> listed = s.list("/outbound/in");
            assertThat(listed).extracting(RemoteFile::name).containsExactlyInAnyOrderElementsOf(names);
            for (RemoteFile f : listed) {
                assertThat(TimeUnit.NANOSECONDS.toSeconds(f.mtimeNanos())).as(f.name()).isEqualTo(modified.getEpochSecond());
                RemoteFile stat = s.stat("/outbound/in/" + f.name());
                assertThat(stat.identity()).as(f.name()).isEqualTo(f.identity());
                long bytes = s.download("/outbound/in/" + f.name(), dir.resolve("back"));
                assertThat(Files.readAllBytes(dir.resolve("back"))).isEqualTo(Files.readAllBytes(local.resolve(f.name())));
                assertThat(bytes).isEqualTo(f.size());
            }
            assertThat(s.stat("/outbound/in/missing.csv")).isNull();
            assertThat(s.stat("/outbound/in").regularFile()).isFalse();
        }
        try (var onDisk = Files.list(dir.resolve("home/outbound/in"))) {
            assertThat(onDisk.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(names);
        }
    }
}

package io.baton.transport;

import io.baton.transport.ftp.FtpConnector;
import io.baton.transport.sftp.SftpConnector;

/** Picks the client of a remote protocol, so that callers stay protocol-neutral. */
public final class RemoteConnectors {

    private RemoteConnectors() {
    }

    /**
     * Returns a new connector for {@code protocol}, the {@code RemoteSpec.protocol()} of a parsed descriptor.
     *
     * @throws IllegalArgumentException for a protocol without a client, which the descriptor parser already rejects
     */
    public static RemoteConnector forProtocol(String protocol) {
        return switch (protocol) {
            case "sftp" -> new SftpConnector();
            case "ftp", "ftps" -> new FtpConnector();
            default -> throw new IllegalArgumentException("no client for the remote protocol '" + protocol
                    + "'; expected sftp, ftp or ftps");
        };
    }
}

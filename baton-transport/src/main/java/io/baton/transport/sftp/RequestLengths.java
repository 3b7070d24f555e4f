package io.baton.transport.sftp;

import java.io.IOException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data length, in bytes, of one SFTP read request and of one write request on a connection.
 * Servers that offer the {@code limits@openssh.com} extension state their maximum: OpenSSH 9.2's
 * sftp-server states 261,120 bytes (256 KiB minus 1 KiB) for both. Other servers get 32 KiB, which
 * OpenSSH's sftp client also uses by default.
 */
record RequestLengths(int read, int write) {

    private static final Logger log = LoggerFactory.getLogger(RequestLengths.class);

    static final int PORTABLE = 32 * 1024;

    /** Upper bound, so that a server that states a huge limit cannot make one request allocate that much. */
    static final int MAX = 1024 * 1024;

    /** Asks the server for its limits, or returns the portable lengths when it does not offer them. */
    static RequestLengths of(SftpClient sftp, String server) throws IOException {
        OpenSSHLimitsExtension extension = sftp.getExtension(OpenSSHLimitsExtension.class);
        if (extension == null || !extension.isSupported()) {
            log.debug("{} offers no limits@openssh.com extension; SFTP requests carry {} bytes", server, PORTABLE);
            return new RequestLengths(PORTABLE, PORTABLE);
        }
        OpenSSHLimitsExtensionInfo limits = extension.limits();
        RequestLengths lengths = new RequestLengths(bounded(limits.maxReadLength), bounded(limits.maxWriteLength));
        log.debug("{} limits SFTP reads to {} and writes to {} bytes", server, lengths.read(), lengths.write());
        return lengths;
    }

    /** Returns the stated limit, at most MAX. A limit of 0 means that the server states none. */
    private static int bounded(long stated) {
        return stated <= 0 ? PORTABLE : (int) Math.min(MAX, stated);
    }
}

package io.baton.transport.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpInputStreamAsync;

/**
 * Copies one remote file into a stream. A file shorter than one read request takes four round
 * trips: open, the data, the end-of-file status, close. A longer one continues with MINA's
 * {@link SftpInputStreamAsync}, which keeps as many read requests in flight as the channel window
 * has room for: 8 requests of 255 KiB in MINA's default window of 2 MiB. MINA's own
 * {@code SftpClient.read(path)} opens that stream at once, which also sends a stat before the open
 * and more reads after a short one.
 */
final class SftpDownload {

    /** Plain requests before the pipelined stream takes over: enough for the data and the end of a short file. */
    private static final int PLAIN_REQUESTS = 2;

    private SftpDownload() {
    }

    /**
     * Copies {@code path} into {@code out} and returns the byte count. {@code progress} runs after each
     * chunk of data arrives.
     */
    static long copy(SftpClient sftp, String path, int readLength, OutputStream out, Runnable progress) throws IOException {
        byte[] buffer = new byte[readLength];
        long offset = 0;
        try (CloseableHandle handle = sftp.open(path, OpenMode.Read)) {
            for (int request = 0; request < PLAIN_REQUESTS; request++) {
                int n = sftp.read(handle, offset, buffer, 0, buffer.length);
                if (n < 0) {
                    return offset;
                }
                out.write(buffer, 0, n);
                offset += n;
                progress.run();
            }

            // The stream uses the size only to stop sending requests past the end, so a file that grows meanwhile is read to its new end.
            long size = sftp.stat(handle).getSize();
            try (InputStream in = new SftpInputStreamAsync((AbstractSftpClient) sftp, readLength, offset, size, path, handle)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    offset += n;
                    progress.run();
                }
            }
        }
        return offset;
    }
}

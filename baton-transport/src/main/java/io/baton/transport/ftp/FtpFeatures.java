package io.baton.transport.ftp;

import java.io.IOException;
import org.apache.commons.net.ftp.FTPClient;

/**
 * The optional commands a server lists in its FEAT reply (RFC 2389) that change how a session works.
 *
 * @param mlst MLST and MLSD (RFC 3659): machine-readable listings with exact times
 * @param mdtm MDTM (RFC 3659): a file's modification time in UTC, to the second or finer
 * @param utf8 UTF8 (RFC 2640): the server takes path names in UTF-8
 */
record FtpFeatures(boolean mlst, boolean mdtm, boolean utf8) {

    /** Sends FEAT once; a server without FEAT (a 5xx reply) offers none of them. */
    static FtpFeatures read(FTPClient client) throws IOException {
        return new FtpFeatures(client.hasFeature("MLST"), client.hasFeature("MDTM"), client.hasFeature("UTF8"));
    }
}

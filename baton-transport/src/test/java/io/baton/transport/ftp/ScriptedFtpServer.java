package io.baton.transport.ftp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A small FTP server on 127.0.0.1 for faults a real server does not produce on demand: it has no UTF8
 * feature and passes name bytes through unchanged (commands and listings are read and written as
 * ISO-8859-1, so each char of a name is one byte), and a file named in {@link #stallAfter} sends that many
 * bytes and then stops sending without closing. Serves one folder, {@link #FOLDER}, passive mode only,
 * one client at a time. Files are keyed by name, each char one byte.
 */
final class ScriptedFtpServer implements AutoCloseable {

    static final String FOLDER = "/outbound";

    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<String, Integer> stallAfter = new ConcurrentHashMap<>();
    /** Every command received, in order, so that a test can check what was never sent. */
    final List<String> commands = new CopyOnWriteArrayList<>();
    /** Counted down when a stalling download has sent its bytes. */
    final CountDownLatch stalled = new CountDownLatch(1);
    private final ServerSocket listener;
    private final Thread thread;
    private volatile boolean closed;

    ScriptedFtpServer() throws IOException {
        listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "scripted-ftp-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve() {
        while (!closed) {
            try (Socket control = listener.accept()) {
                session(control);
            } catch (IOException e) {
                // The client went away or the server closed; the next client gets a new session.
            }
        }
    }

    private void session(Socket control) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = control.getOutputStream();
        reply(out, "220 scripted server ready");
        ServerSocket passive = null;
        String renameFrom = null;
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            int space = line.indexOf(' ');
            String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
            String argument = space < 0 ? "" : line.substring(space + 1);
            String name = argument.startsWith(FOLDER + "/") ? argument.substring(FOLDER.length() + 1) : argument;
            switch (verb) {
                case "USER" -> reply(out, "331 password please");
                case "PASS" -> reply(out, "230 logged in");
                case "FEAT" -> reply(out, "211-Features:\r\n MDTM\r\n SIZE\r\n211 End");
                case "SYST" -> reply(out, "215 UNIX Type: L8");
                case "TYPE" -> reply(out, "200 type set");
                case "CWD" -> reply(out, argument.equals(FOLDER) ? "250 ok" : "550 no such folder");
                case "PASV" -> {
                    passive = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    int p = passive.getLocalPort();
                    reply(out, "227 Entering Passive Mode (127,0,0,1," + (p / 256) + "," + (p % 256) + ")");
                }
                case "LIST" -> transfer(out, passive, listing());
                case "MDTM" -> reply(out, files.containsKey(name) ? "213 20240102030405" : "550 no such file");
                case "RETR" -> {
                    if (files.containsKey(name)) {
                        transfer(out, passive, files.get(name), stallAfter.getOrDefault(name, -1));
                    } else {
                        reply(out, "550 no such file");
                    }
                }
                case "STOR" -> {
                    try (Socket data = passive.accept()) {
                        reply(out, "150 send it");
                        files.put(name, data.getInputStream().readAllBytes());
                    }
                    reply(out, "226 stored");
                }
                case "RNFR" -> {
                    renameFrom = name;
                    reply(out, files.containsKey(name) ? "350 ready" : "550 no such file");
                }
                case "RNTO" -> {
                    files.put(name, files.remove(renameFrom));
                    reply(out, "250 renamed");
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "502 not implemented");
            }
        }
    }

    private byte[] listing() {
        StringBuilder lines = new StringBuilder();
        files.forEach((name, content) -> lines.append("-rw-r--r--    1 1000     1000     ").append(content.length)
                .append(" Jan 02 03:04 ").append(name).append("\r\n"));
        return lines.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void transfer(OutputStream out, ServerSocket passive, byte[] content) throws IOException {
        transfer(out, passive, content, -1);
    }

    /** Sends {@code content} on the passive data connection; with {@code stallAfter >= 0}, sends that many bytes and waits. */
    private void transfer(OutputStream out, ServerSocket passive, byte[] content, int stallAfter) throws IOException {
        try (passive; Socket data = passive.accept()) {
            reply(out, "150 here it comes");
            if (stallAfter < 0) {
                data.getOutputStream().write(content);
            } else {
                data.getOutputStream().write(content, 0, stallAfter);
                data.getOutputStream().flush();
                stalled.countDown();
                // Silent but open, until the client gives up and closes the connection.
                while (!closed && data.getInputStream().read() >= 0) {
                    Thread.onSpinWait();
                }
                return;
            }
        }
        reply(out, "226 done");
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}

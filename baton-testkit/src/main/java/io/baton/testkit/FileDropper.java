package io.baton.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Delivers files into an inbox on a thread of its own, one every {@code intervalMillis}, as a partner
 * system would: each file is written under a {@code .part} name and renamed into place, so a service
 * that excludes {@code *.part} never lists half a file. Remembers every delivered name with its content.
 */
public final class FileDropper implements AutoCloseable {

    private final Path inbox;
    private final long intervalMillis;
    private final Map<String, String> delivered = new TreeMap<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile IOException failure;
    private int ownerUid = -1;
    private int ownerGid = -1;

    public FileDropper(Path inbox, long intervalMillis) throws IOException {
        this.inbox = Files.createDirectories(inbox);
        this.intervalMillis = intervalMillis;
        this.thread = Thread.ofPlatform().name("file-dropper").daemon().unstarted(this::dropLoop);
    }

    /**
     * Gives each file to this user and group before it is renamed into place, for a node that runs as
     * an unprivileged user: the kernel lets a user hard-link (archive) only files it owns or may write.
     */
    public FileDropper owner(int uid, int gid) {
        this.ownerUid = uid;
        this.ownerGid = gid;
        return this;
    }

    public FileDropper start() {
        thread.start();
        return this;
    }

    private void dropLoop() {
        int next = 0;
        while (!stopped) {
            String name = String.format("drop-%05d.txt", next);
            // Contents differ in length, so a mixed-up or truncated output shows in its content.
            String content = "delivery " + next + "\n" + "x".repeat(50 + next % 200) + "\n";
            try {
                Path part = inbox.resolve(name + ".part");
                Files.writeString(part, content, StandardCharsets.UTF_8);
                if (ownerUid >= 0) {
                    Files.setAttribute(part, "unix:uid", ownerUid);
                    Files.setAttribute(part, "unix:gid", ownerGid);
                }
                Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                failure = e;
                return;
            }
            synchronized (delivered) {
                delivered.put(name, content);
            }
            next++;
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops delivering and waits for the thread; fails when a delivery failed. */
    public void stop() throws IOException, InterruptedException {
        // No interrupt: it could close the channel of a write in progress and leave a .part file behind.
        stopped = true;
        thread.join(10_000 + intervalMillis);
        if (failure != null) {
            throw new IOException("delivering a file into " + inbox + " failed", failure);
        }
    }

    /** Returns the delivered file names with their contents, in name order. */
    public Map<String, String> delivered() {
        synchronized (delivered) {
            return new TreeMap<>(delivered);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }
}

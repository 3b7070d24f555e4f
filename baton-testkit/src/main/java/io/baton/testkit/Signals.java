package io.baton.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real process signals and worker discovery, for tests that kill and pause nodes and workers. */
public final class Signals {

    private Signals() {
    }

    public static void send(String signal, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends a signal to a whole process group (a worker and everything it started). */
    public static void sendToGroup(String signal, long pgid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).inheritIO().start();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Live worker processes of any node on the given data directory. */
    public static List<ProcessHandle> workersOf(Path data) {
        String dataArg = data.toAbsolutePath().normalize().toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).filter(p -> {
            String[] args = p.info().arguments().orElse(new String[0]);
            boolean worker = false;
            boolean ours = false;
            for (int i = 0; i < args.length; i++) {
                worker |= args[i].equals("io.baton.worker.WorkerMain");
                ours |= args[i].equals("--data") && i + 1 < args.length && args[i + 1].equals(dataArg);
            }
            return worker && ours;
        }).toList();
    }

    /** Kills every worker left on a data directory; tests call it when they clean up. */
    public static void killWorkersOf(Path data) {
        for (ProcessHandle p : workersOf(data)) {
            p.destroyForcibly();
        }
    }
}

package io.baton.server.service;

import io.baton.core.DataDirectory;
import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.journal.Journal;
import io.baton.core.source.FolderSource;
import io.baton.core.source.ReadinessTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Measures one poll of a folder source whose files are all not ready yet (a {@code stableFor} rule
 * that no file meets): the same {@link RunExecutor} call a scheduled tick makes, with a real journal
 * on disk. Beside it, in the same trial, it times the listing alone ({@link FolderSource#list}) and
 * two commands on the same folder: {@code ls -l} (a listing plus one lstat per file) and
 * {@code find DIR -newer REF}. The commands' times include starting a process.
 *
 * <p>Run by {@code bench/poll.sh}, which documents the arguments; prints one tab-separated row per
 * value: trial, metric, value, unit. Not a test: it asserts nothing about time.
 */
public final class PollBenchmark {

    private PollBenchmark() {
    }

    /** Arguments: WORK_FOLDER (new, empty) FILES TRIALS. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: PollBenchmark WORK_FOLDER FILES TRIALS");
            System.exit(2);
        }
        Path work = Path.of(args[0]);
        int files = Integer.parseInt(args[1]);
        int trials = Integer.parseInt(args[2]);

        DataDirectory data = DataDirectory.init(work.resolve("data"));
        Path inbox = data.root().resolve("inbox");
        createFiles(inbox, files);
        Path reference = work.resolve("reference");
        Files.writeString(reference, "");

        ServiceDescriptor d = new DescriptorParser(data.root()).parse("poll-bench/service.yaml", """
                name: poll-bench
                source: { path: inbox, ready: { stableFor: 1h } }
                process: [ { type: copy } ]
                targets: [ { path: outbox } ]
                """);
        Journal journal = Journal.openAndTakeGuard(data.journalFile(), 1, "bench", false, 5_000, e -> { });
        ActiveContext ctx = new ActiveContext("bench", 1, data, work, journal, () -> true, Clock.systemDefaultZone());
        ReadinessTracker readiness = new ReadinessTracker(d.source().ready());
        FolderSource source = new FolderSource(d.source());

        try {
            for (int trial = 1; trial <= trials; trial++) {
                long start = System.nanoTime();
                RunOutcome outcome = new RunExecutor(d, ctx, null, null, () -> false, new io.baton.transport.StopRequest(), readiness, new RunDeadline(null, d.stopGracePeriod()))
                        .execute("schedule (benchmark)", false);
                row(trial, "poll_ms", start);
                if (outcome != null || readiness.waiting().size() != files) {
                    throw new IllegalStateException("the poll claimed files or missed some: outcome " + outcome + ", "
                            + readiness.waiting().size() + " of " + files + " waiting");
                }

                start = System.nanoTime();
                int listed = source.list().size();
                row(trial, "list_ms", start);
                if (listed != files) {
                    throw new IllegalStateException("listed " + listed + " of " + files + " files");
                }

                start = System.nanoTime();
                command("ls", "-l", inbox.toString());
                row(trial, "ls_l_ms", start);

                start = System.nanoTime();
                command("find", inbox.toString(), "-newer", reference.toString());
                row(trial, "find_newer_ms", start);
            }
        } finally {
            journal.close();
        }
    }

    private static void createFiles(Path inbox, int files) throws IOException {
        Files.createDirectories(inbox);
        for (int i = 0; i < files; i++) {
            Files.writeString(inbox.resolve(String.format("f%06d.csv", i)), "id,value\n" + i + ",x\n");
        }
    }

    private static void command(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(argv)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int status = p.waitFor();
        if (status != 0) {
            throw new IOException(String.join(" ", argv) + " failed with exit status " + status);
        }
    }

    private static void row(int trial, String metric, long startNanos) {
        double millis = (System.nanoTime() - startNanos) / 1e6;
        System.out.printf("%d\t%s\t%.3f\tms%n", trial, metric, millis);
    }
}

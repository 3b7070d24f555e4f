import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.Credentials;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import io.baton.transport.RemoteFile;
import io.baton.transport.RemoteSession;
import io.baton.transport.TransportException;
import io.baton.transport.sftp.SftpConnector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Times SFTP downloads and uploads with Baton's {@code SftpSession} beside OpenSSH's {@code sftp -b}
 * client, against one sshd on 127.0.0.1 that {@code bench/sftp.sh} starts. Each round runs every case
 * once with each tool and alternates which tool goes first, so a slow phase of the shared machine
 * hits both. Each timed transfer opens its own connection, as {@code sftp} does, and the time
 * includes the connect and the login.
 *
 * <p>Folders under {@code --work}: {@code local/large.bin} and {@code local/small/} are the upload
 * sources, {@code remote/large.bin} and {@code remote/small/} the download sources, {@code down/} and
 * {@code remote/up/} the destinations, emptied before each transfer and checked after it.
 *
 * <p>Usage: {@code java -cp CLASSPATH bench/SftpBench.java --port P --user U --key FILE --known-hosts FILE
 * --work DIR --rounds N --results FILE.tsv}, or {@code --probe} in place of the last two to make one
 * connection with each tool and transfer nothing.
 */
public final class SftpBench {

    private enum Tool { BATON, OPENSSH }

    /** One measured case: a direction and a data set, with the unit its rate is quoted in. */
    private enum Case {
        DOWNLOAD_LARGE("download, 1 large file", "MiB/s"),
        UPLOAD_LARGE("upload, 1 large file", "MiB/s"),
        DOWNLOAD_SMALL("download, small files", "files/s"),
        UPLOAD_SMALL("upload, small files", "files/s");

        final String title;
        final String unit;

        Case(String title, String unit) {
            this.title = title;
            this.unit = unit;
        }

        boolean large() {
            return this == DOWNLOAD_LARGE || this == UPLOAD_LARGE;
        }

        boolean download() {
            return this == DOWNLOAD_LARGE || this == DOWNLOAD_SMALL;
        }
    }

    private final Map<String, String> options;
    private final Path work;
    private final RemoteSpec spec;
    private final SftpConnector connector = new SftpConnector();

    private SftpBench(Map<String, String> options) {
        this.options = options;
        this.work = Path.of(required("work")).toAbsolutePath();
        Credentials key = new Credentials(null, null, Path.of(required("key")), null, null);
        // Generous timeouts: they only bound a hung server, and never fire in a healthy run.
        this.spec = new RemoteSpec("sftp", "127.0.0.1", Integer.parseInt(required("port")), required("user"), work + "/remote", key,
                Path.of(required("known-hosts")), HostKeyPolicy.STRICT, AlgorithmPolicy.MODERN, Duration.ofSeconds(30),
                Duration.ofSeconds(60), 0, Duration.ofSeconds(1), null);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        SftpBench bench = new SftpBench(options);
        if (options.containsKey("probe")) {
            bench.probe();
            return;
        }
        int rounds = Integer.parseInt(bench.required("rounds"));
        try (PrintStream results = new PrintStream(Files.newOutputStream(Path.of(bench.required("results"))), true,
                StandardCharsets.UTF_8)) {
            bench.run(rounds, results);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i]
                        + "': every option starts with --, see the usage in bench/SftpBench.java");
            }
            String name = args[i].substring(2);
            boolean flag = name.equals("probe");
            if (!flag && i + 1 >= args.length) {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
            options.put(name, flag ? "true" : args[++i]);
        }
        return options;
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("option --" + name + " is missing; see the usage in bench/SftpBench.java");
        }
        return value;
    }

    /** Connects once with each tool and lists the remote folder, so that the sshd log records both key exchanges. */
    private void probe() throws Exception {
        try (RemoteSession session = connector.open(spec)) {
            session.list(spec.folder());
        }
        runSftp("ls " + quote(spec.folder()) + "\n");
    }

    private void run(int rounds, PrintStream results) throws Exception {
        results.println("round\tcase\ttool\tseconds\tamount\tunit\trate");
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Case c : Case.values()) {
                // Odd rounds start with Baton, even rounds with OpenSSH.
                List<Tool> order = round % 2 == 1 ? List.of(Tool.BATON, Tool.OPENSSH) : List.of(Tool.OPENSSH, Tool.BATON);
                for (Tool tool : order) {
                    prepare(c);
                    double seconds = time(c, tool);
                    double amount = check(c);
                    double rate = amount / seconds;
                    results.printf(Locale.ROOT, "%d\t%s\t%s\t%.4f\t%.0f\t%s\t%.2f%n", round, c, tool, seconds, amount, c.unit, rate);
                    System.out.printf(Locale.ROOT, "round %d  %-24s %-8s %8.3f s  %10.1f %s%n", round, c.title, tool, seconds, rate,
                            c.unit);
                    rates.computeIfAbsent(c + "/" + tool, k -> new ArrayList<>()).add(rate);
                }
            }
        }
        printSummary(rates, rounds);
    }

    private void printSummary(Map<String, List<Double>> rates, int rounds) {
        System.out.println();
        System.out.printf("Medians of %d rounds%n%n", rounds);
        System.out.println("| Case | Unit | Baton | OpenSSH sftp | Baton / OpenSSH |");
        System.out.println("|---|---|---|---|---|");
        for (Case c : Case.values()) {
            double baton = median(rates.get(c + "/" + Tool.BATON));
            double openssh = median(rates.get(c + "/" + Tool.OPENSSH));
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f |%n", c.title, c.unit, baton, openssh, baton / openssh);
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Empties the destination of a case and flushes earlier writes, outside the timed part. */
    private void prepare(Case c) throws IOException, InterruptedException {
        Path destination = destination(c);
        deleteTree(destination);
        Files.createDirectories(c.large() ? destination : destination.resolve("small"));
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (sync.waitFor() != 0) {
            throw new IOException("sync failed with exit code " + sync.exitValue());
        }
    }

    private Path destination(Case c) {
        return c.download() ? work.resolve("down") : work.resolve("remote/up");
    }

    private Path source(Case c) {
        Path side = c.download() ? work.resolve("remote") : work.resolve("local");
        return c.large() ? side.resolve("large.bin") : side.resolve("small");
    }

    private double time(Case c, Tool tool) throws Exception {
        long start = System.nanoTime();
        if (tool == Tool.BATON) {
            transferWithBaton(c);
        } else {
            runSftp(sftpBatch(c));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void transferWithBaton(Case c) throws TransportException, IOException {
        Path source = source(c);
        Path destination = destination(c);
        try (RemoteSession session = connector.open(spec)) {
            switch (c) {
                case DOWNLOAD_LARGE -> session.download(source.toString(), destination.resolve("large.bin"));
                case UPLOAD_LARGE -> session.upload(source, destination.resolve("large.bin").toString());
                case DOWNLOAD_SMALL -> {
                    for (RemoteFile file : session.list(source.toString())) {
                        session.download(source + "/" + file.name(), destination.resolve("small").resolve(file.name()));
                    }
                }
                case UPLOAD_SMALL -> {
                    for (Path file : sortedFiles(source)) {
                        session.upload(file, destination + "/small/" + file.getFileName());
                    }
                }
            }
        }
    }

    /** Returns the batch of sftp commands for a case; a glob makes sftp transfer the files one after another, as Baton does. */
    private String sftpBatch(Case c) {
        Path source = source(c);
        Path destination = destination(c);
        return switch (c) {
            case DOWNLOAD_LARGE -> "get " + quote(source) + " " + quote(destination.resolve("large.bin")) + "\n";
            case UPLOAD_LARGE -> "put " + quote(source) + " " + quote(destination.resolve("large.bin")) + "\n";
            case DOWNLOAD_SMALL -> "get " + quote(source) + "/* " + quote(destination.resolve("small")) + "/\n";
            case UPLOAD_SMALL -> "put " + quote(source) + "/* " + quote(destination.resolve("small")) + "/\n";
        };
    }

    private void runSftp(String batch) throws IOException, InterruptedException {
        Path batchFile = work.resolve("sftp-batch.txt");
        Files.writeString(batchFile, batch);
        Path log = work.resolve("sftp.log");
        List<String> command = List.of("sftp", "-q", "-F", "/dev/null", "-b", batchFile.toString(), "-i", required("key"),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + required("known-hosts"), "-P", required("port"), required("user") + "@127.0.0.1");
        Process sftp = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!sftp.waitFor(10, TimeUnit.MINUTES)) {
            sftp.destroyForcibly();
            throw new IOException("sftp did not finish within 10 minutes; see " + log);
        }
        if (sftp.exitValue() != 0) {
            throw new IOException("sftp failed with exit code " + sftp.exitValue() + ": " + Files.readString(log));
        }
    }

    private static String quote(Object path) {
        return "\"" + path + "\"";
    }

    /**
     * Checks that the destination matches the source and returns the amount the rate is quoted in:
     * MiB for the large file, files for the small ones. The large file is compared by size and by
     * three 1 MiB samples (start, middle, end), because a full comparison would double the run time.
     */
    private double check(Case c) throws IOException {
        Path source = source(c);
        Path destination = destination(c);
        if (c.large()) {
            Path copy = destination.resolve("large.bin");
            long size = Files.size(source);
            if (Files.size(copy) != size) {
                throw new IOException(c + ": " + copy + " has " + Files.size(copy) + " bytes, expected " + size);
            }
            for (long offset : new long[] {0, size / 2, Math.max(0, size - (1 << 20))}) {
                if (!Arrays.equals(sample(source, offset), sample(copy, offset))) {
                    throw new IOException(c + ": " + copy + " differs from " + source + " in the 1 MiB at offset " + offset);
                }
            }
            return size / (1024.0 * 1024.0);
        }
        List<Path> expected = sortedFiles(source);
        List<Path> copies = sortedFiles(destination.resolve("small"));
        if (copies.size() != expected.size()) {
            throw new IOException(c + ": " + destination.resolve("small") + " has " + copies.size() + " files, expected " + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(Files.readAllBytes(expected.get(i)), Files.readAllBytes(copies.get(i)))) {
                throw new IOException(c + ": " + copies.get(i) + " differs from " + expected.get(i));
            }
        }
        return expected.size();
    }

    private static byte[] sample(Path file, long offset) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.min(1 << 20, in.length() - offset)];
            in.seek(offset);
            in.readFully(bytes);
            return bytes;
        }
    }

    private static List<Path> sortedFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }
}

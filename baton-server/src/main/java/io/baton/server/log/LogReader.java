package io.baton.server.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the logs of the data directory's {@code logs/} folder, which every node of the cluster writes:
 * the node logs for a query without a service, the service's log otherwise. Reads each file from its end,
 * at most {@link #MAX_BYTES_PER_FILE}, so that a query never reads gigabytes; rolled-over files are read
 * only when {@code since} reaches back to their day.
 */
public final class LogReader {

    private static final Logger log = LoggerFactory.getLogger(LogReader.class);

    /** Bytes read from the end of one file. Older entries of a larger file are not searched, and the result is marked truncated. */
    static final long MAX_BYTES_PER_FILE = 16L * 1024 * 1024;

    /** A rolled-over file: NAME.yyyy-MM-dd.N.log. */
    private static final Pattern ROLLED = Pattern.compile("^(.+)\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)\\.log$");

    private final Path folder;

    public LogReader(Path folder) {
        this.folder = folder;
    }

    /**
     * The newest entries that match, oldest first.
     *
     * @param truncated whether some file was longer than what was read, so older matches may exist
     */
    public record Result(List<LogEntry> entries, boolean truncated) {
    }

    public Result read(LogQuery query) throws IOException {
        List<LogEntry> matching = new ArrayList<>();
        boolean truncated = false;
        for (Path file : files(query)) {
            truncated |= readFile(file, query, matching);
        }
        matching.sort(Comparator.comparing(LogEntry::at));
        if (LogQuery.EVERY_LOG.equals(query.service())) {
            // The daemon writes a line about a service to its node log and to the service's log; show it once.
            java.util.Set<List<Object>> seen = new java.util.HashSet<>();
            matching.removeIf(e -> !seen.add(java.util.Arrays.asList(e.at(), e.level(), e.node(), e.thread(), e.message())));
        }
        int from = Math.max(0, matching.size() - query.limit());
        return new Result(List.copyOf(matching.subList(from, matching.size())), truncated);
    }

    /** Lists the current files of the logs the query reads, and their rolled-over files when {@code since} reaches back to their day. */
    private List<Path> files(LogQuery query) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        LocalDate firstDay = query.since() == null ? null : query.since().atZone(ZoneOffset.UTC).toLocalDate().minusDays(1);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.list(folder)) {
            for (Path file : all.sorted().toList()) {
                String name = file.getFileName().toString();
                Matcher rolled = ROLLED.matcher(name);
                String base = rolled.matches() ? rolled.group(1) : name.endsWith(".log") ? name.substring(0, name.length() - 4) : null;
                if (base == null || !isLogOf(base, query)) {
                    continue;
                }
                if (rolled.matches() && (firstDay == null || LocalDate.parse(rolled.group(2)).isBefore(firstDay))) {
                    continue;
                }
                files.add(file);
            }
        }
        return files;
    }

    private static boolean isLogOf(String base, LogQuery query) {
        if (LogQuery.EVERY_LOG.equals(query.service())) {
            return base.startsWith("service-") || (query.node() != null ? base.equals("node-" + query.node()) : base.startsWith("node-"));
        }
        if (query.service() != null) {
            return base.equals("service-" + query.service());
        }
        return query.node() != null ? base.equals("node-" + query.node()) : base.startsWith("node-");
    }

    /** Adds the matching entries of one file; returns whether the file was longer than what was read. */
    private static boolean readFile(Path file, LogQuery query, List<LogEntry> matching) {
        String name = file.getFileName().toString();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.max(0, length - MAX_BYTES_PER_FILE);
            byte[] bytes = new byte[(int) (length - start)];
            in.seek(start);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            // A read from the middle of a file starts inside an entry, which is dropped.
            Deque<LogEntry> entries = parse(start > 0 ? text.substring(text.indexOf('\n') + 1) : text, name);
            for (LogEntry e : entries) {
                if (query.matches(e)) {
                    matching.add(e);
                }
            }
            return start > 0;
        } catch (IOException e) {
            // A log that rolled over between listing and reading is gone, so the other files are still read.
            log.warn("Cannot read the log file {}: {}", file, e.toString());
            return false;
        }
    }

    private static Deque<LogEntry> parse(String text, String file) {
        Deque<LogEntry> entries = new ArrayDeque<>();
        for (String line : text.split("\n", -1)) {
            LogEntry first = LogLineParser.parse(line, file);
            if (first != null) {
                entries.add(first);
            } else if (!entries.isEmpty() && !line.isEmpty()) {
                LogEntry last = entries.removeLast();
                entries.add(new LogEntry(last.at(), last.level(), last.node(), last.service(), last.run(), last.thread(), last.logger(),
                        last.message() + "\n" + line, last.file()));
            }
        }
        return entries;
    }
}

package io.baton.server.alert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open alerts of the active node, in {@code state/alerts.json} of the data directory, so that the node that
 * becomes active next resolves the conditions that the old one raised and counts their repeats instead of
 * notifying anew. Only the active node writes the file, and each write replaces it atomically. The epoch stored
 * with the list shows a writer that a newer active node has taken over, so that it leaves the file alone.
 */
final class OpenAlertFile {

    private static final Logger log = LoggerFactory.getLogger(OpenAlertFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    /** The file's content: the epoch and node that wrote it and the open alerts. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stored(long epoch, String node, String written, List<Entry> open) {
    }

    /**
     * One open alert as stored, instants in ISO-8601 text.
     *
     * @param lastEmitted when the latest firing notice was sent or logged as silenced, or null when none was
     * @param unsentRepeats occurrences since the latest firing notice that was sent
     * @param notified whether a firing notice was sent, so that a resolved notice may follow
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(String key, String kind, String service, String node, long run, String message, String since, String lastRaised,
            String lastEmitted, int occurrences, int unsentRepeats, boolean notified) {
    }

    OpenAlertFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /**
     * Reads the stored alerts; an absent file is an empty list. A file that cannot be parsed is moved aside to
     * {@code alerts.json.unreadable}, so that it is kept for inspection, and read as an empty list.
     */
    List<AlertEngine.Open> read() throws IOException {
        Stored stored;
        try {
            stored = JSON.readValue(file.toFile(), Stored.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return List.of();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.error("Cannot parse the open alerts in {}: {}; moved it to {} and starting with no open alert, so conditions"
                    + " raised before the takeover get no resolved notice", file, e.getOriginalMessage(), aside);
            return List.of();
        }

        List<AlertEngine.Open> alerts = new ArrayList<>();
        for (Entry e : stored.open() == null ? List.<Entry>of() : stored.open()) {
            AlertKind kind = AlertKind.fromText(e.kind());
            if (kind == null) {
                log.warn("Skipping the open alert {} in {}: unknown alert kind '{}' (written by another Baton version?)", e.key(), file,
                        e.kind());
                continue;
            }
            try {
                alerts.add(open(kind, e));
            } catch (java.time.format.DateTimeParseException | NullPointerException ex) {
                log.warn("Skipping the open alert {} in {}: a time is missing or invalid ({})", e.key(), file, ex.getMessage());
            }
        }
        return alerts;
    }

    /** Returns the epoch of the node that wrote the file last, or 0 when there is no file or it cannot be parsed. */
    long storedEpoch() throws IOException {
        try {
            return JSON.readValue(file.toFile(), Stored.class).epoch();
        } catch (NoSuchFileException | java.io.FileNotFoundException | com.fasterxml.jackson.core.JacksonException e) {
            return 0;
        }
    }

    void write(long epoch, String node, List<AlertEngine.Open> alerts, Instant now) throws IOException {
        List<Entry> entries = alerts.stream().map(OpenAlertFile::entry).toList();
        AtomicFile.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Stored(epoch, node, now.toString(), entries)));
    }

    private static Entry entry(AlertEngine.Open o) {
        Alert a = o.latest;
        return new Entry(a.key(), a.kind().text(), a.service(), a.node(), a.run(), a.message(), o.since.toString(), o.lastRaised.toString(),
                o.lastEmitted == null ? null : o.lastEmitted.toString(), o.total, o.unsentRepeats, o.firingSent);
    }

    private static AlertEngine.Open open(AlertKind kind, Entry e) {
        AlertEngine.Open o = new AlertEngine.Open();
        Instant lastRaised = Instant.parse(e.lastRaised());
        o.latest = new Alert(kind, e.service(), e.node(), e.run(), e.key(), e.message(), lastRaised);
        o.since = Instant.parse(e.since());
        o.lastRaised = lastRaised;
        o.lastEmitted = e.lastEmitted() == null ? null : Instant.parse(e.lastEmitted());
        o.firingSent = e.notified();
        o.unsentRepeats = e.unsentRepeats();
        o.total = e.occurrences();
        return o;
    }
}

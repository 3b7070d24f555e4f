package io.baton.server.service;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.core.BatonVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A service version as one zip archive, written by {@code baton export} and read by {@code baton deploy
 * FILE}. It contains exactly {@code baton-service.json} (the manifest: service, version, Baton version and
 * the SHA-256 of every other entry), {@code service.yaml}, {@code lib/*.jar} and, when the service has settings,
 * {@code settings.json} with every secret masked ({@link ArchivedSettings}). The reader rejects any
 * other entry, so a secret file beside a service can never travel in an archive, and it rejects a path
 * that would leave the service folder (zip-slip) even though it extracts nothing to disk.
 *
 * <p>The writer is deterministic: the same version gives the same bytes, because entries are sorted and
 * dated with the version's deploy time.
 */
public final class ServiceArchive {

    public static final String MANIFEST = "baton-service.json";

    /** Version of the archive layout; a reader rejects any other. */
    static final int FORMAT = 1;

    /** Maximum number of entries, and of bytes after decompression, that the reader accepts. */
    static final int MAX_ENTRIES = 1_000;
    static final long MAX_BYTES = 256L << 20;

    /** Maximum size of an archive file that the node accepts. */
    public static final long MAX_ARCHIVE_BYTES = 256L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIX = "export the service again with 'baton export', or deploy its folder";

    /**
     * The manifest of an archive.
     *
     * @param sha256 SHA-256 of every entry but the manifest, by entry name, lower-case hex
     */
    public record Manifest(int format, String service, int version, String batonVersion, String deployedAt,
            Map<String, String> sha256) {
    }

    /** The content of an archive: its manifest, the service's files, and its settings or null. */
    public record Contents(Manifest manifest, ServiceContent content, ArchivedSettings settings) {
    }

    private ServiceArchive() {
    }

    /**
     * Writes a version's files, with the service's settings when {@code settings} is not null, and their manifest as
     * zip bytes. The settings are the current ones, whichever version is written.
     */
    public static byte[] write(ServiceVersion record, ServiceContent content, ArchivedSettings settings) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put(VersionStore.DESCRIPTOR, content.descriptor().getBytes(StandardCharsets.UTF_8));
        if (settings != null) {
            entries.put(ArchivedSettings.ENTRY, settings.toJson());
        }
        content.jars().forEach((name, bytes) -> entries.put(VersionStore.LIB + "/" + name, bytes));

        Map<String, String> hashes = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> hashes.put(name, ServiceContent.sha256(bytes)));
        Manifest manifest = new Manifest(FORMAT, record.service(), record.version(), BatonVersion.get(), record.deployedAt(), hashes);

        LocalDateTime time = LocalDateTime.ofInstant(Instant.parse(record.deployedAt()), ZoneOffset.UTC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest), time);
            for (var e : entries.entrySet()) {
                put(zip, e.getKey(), e.getValue(), time);
            }
        }
        return out.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes, LocalDateTime time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(time);
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    /**
     * Reads and checks an archive: every entry allowed, none twice, the manifest complete and every hash
     * matching. Nothing is written anywhere.
     *
     * @throws InvalidArchiveException naming the entry at fault and the fix
     */
    public static Contents read(byte[] archive) {
        Map<String, byte[]> entries = unzip(archive);

        byte[] manifestBytes = entries.remove(MANIFEST);
        if (manifestBytes == null) {
            throw new InvalidArchiveException(MANIFEST, "the archive has no " + MANIFEST + ", so it is not a Baton service archive;"
                    + " " + FIX);
        }
        Manifest manifest = manifest(manifestBytes);
        checkHashes(manifest, entries);

        byte[] descriptor = entries.remove(VersionStore.DESCRIPTOR);
        byte[] settings = entries.remove(ArchivedSettings.ENTRY);
        Map<String, byte[]> jars = new TreeMap<>();
        entries.forEach((name, bytes) -> jars.put(name.substring(VersionStore.LIB.length() + 1), bytes));
        return new Contents(manifest, ServiceContent.of(new String(descriptor, StandardCharsets.UTF_8), jars),
                settings == null ? null : ArchivedSettings.parse(settings));
    }

    private static Map<String, byte[]> unzip(byte[] archive) {
        Map<String, byte[]> entries = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        long total = 0;
        String current = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                current = entry.getName();
                checkName(current);
                if (!seen.add(current)) {
                    throw new InvalidArchiveException(current, "entry '" + current + "' appears twice in the archive; " + FIX);
                }
                if (seen.size() > MAX_ENTRIES) {
                    throw new InvalidArchiveException(current, "the archive has more than " + MAX_ENTRIES + " entries; " + FIX);
                }
                if (entry.isDirectory()) {
                    continue;
                }
                byte[] bytes = readBounded(zip, current, MAX_BYTES - total);
                total += bytes.length;
                entries.put(current, bytes);
            }
        } catch (ZipException e) {
            throw damaged(current, e);
        } catch (IOException e) {
            // ZipInputStream reads from memory, so an IOException here is a truncated or corrupt stream.
            throw damaged(current, e);
        }
        if (seen.isEmpty()) {
            throw new InvalidArchiveException(null, "the file is not a zip archive or is empty; " + FIX);
        }
        return entries;
    }

    private static InvalidArchiveException damaged(String entry, IOException e) {
        String where = entry == null ? "" : " at entry '" + entry + "'";
        return new InvalidArchiveException(entry, "the archive is damaged" + where + " (" + e.getMessage() + "); copy it again, or " + FIX);
    }

    /** Rejects an entry name that would leave the service folder, and any entry a service archive does not contain. */
    static void checkName(String name) {
        boolean escapes = name.startsWith("/") || name.contains("\\") || name.contains(":")
                || java.util.Arrays.asList(name.split("/")).contains("..");
        if (escapes) {
            throw new InvalidArchiveException(name, "entry '" + name + "' has a path that would leave the service folder (zip-slip);"
                    + " the archive was not made by 'baton export' or was changed, and nothing was deployed; " + FIX);
        }
        boolean allowed = name.equals(MANIFEST) || name.equals(VersionStore.DESCRIPTOR) || name.equals(ArchivedSettings.ENTRY)
                || name.equals(VersionStore.LIB + "/")
                || name.matches(VersionStore.LIB + "/" + ServiceContent.JAR_NAME);
        if (!allowed) {
            throw new InvalidArchiveException(name, "entry '" + name + "' does not belong in a service archive, which contains only "
                    + MANIFEST + ", service.yaml, " + ArchivedSettings.ENTRY + " and lib/*.jar; remove the entry, or " + FIX);
        }
    }

    private static byte[] readBounded(InputStream in, String entry, long budget) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, budget + 1));
        if (bytes.length > budget) {
            throw new InvalidArchiveException(entry, "the archive contains more than " + (MAX_BYTES >> 20) + " MiB after decompression"
                    + " (reached at entry '" + entry + "'); deploy the service folder instead");
        }
        return bytes;
    }

    private static Manifest manifest(byte[] bytes) {
        Manifest m;
        try {
            m = JSON.readValue(bytes, Manifest.class);
        } catch (JacksonException e) {
            throw new InvalidArchiveException(MANIFEST, MANIFEST + " is not a valid manifest: " + e.getOriginalMessage() + "; " + FIX);
        } catch (IOException e) {
            throw new InvalidArchiveException(MANIFEST, "cannot read " + MANIFEST + ": " + e.getMessage() + "; " + FIX);
        }
        if (m.format() != FORMAT) {
            throw new InvalidArchiveException(MANIFEST, MANIFEST + " has format " + m.format() + ", but this Baton ("
                    + BatonVersion.get() + ") reads format " + FORMAT + "; export the service with this version of Baton");
        }
        if (m.service() == null || m.service().isBlank() || m.sha256() == null) {
            throw new InvalidArchiveException(MANIFEST, MANIFEST + " has no service name or no sha256 list; " + FIX);
        }
        return m;
    }

    private static void checkHashes(Manifest manifest, Map<String, byte[]> entries) {
        if (!entries.containsKey(VersionStore.DESCRIPTOR)) {
            throw new InvalidArchiveException(VersionStore.DESCRIPTOR, "the archive has no service.yaml; " + FIX);
        }
        for (String listed : manifest.sha256().keySet()) {
            if (!entries.containsKey(listed)) {
                throw new InvalidArchiveException(listed, "entry '" + listed + "' is listed in " + MANIFEST + " but missing from the"
                        + " archive; " + FIX);
            }
        }
        for (var e : entries.entrySet()) {
            String expected = manifest.sha256().get(e.getKey());
            if (expected == null) {
                throw new InvalidArchiveException(e.getKey(), "entry '" + e.getKey() + "' is not listed in " + MANIFEST
                        + ", so it was added after the export; " + FIX);
            }
            String actual = ServiceContent.sha256(e.getValue());
            if (!actual.equalsIgnoreCase(expected)) {
                throw new InvalidArchiveException(e.getKey(), "entry '" + e.getKey() + "' has SHA-256 " + actual + ", but " + MANIFEST
                        + " records " + expected + ": the archive was changed after the export; " + FIX);
            }
        }
    }
}

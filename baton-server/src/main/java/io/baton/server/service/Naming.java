package io.baton.server.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZonedDateTime;
import java.util.HexFormat;

/**
 * Final names of outputs, archived and quarantined inputs, all kept inside their folders.
 *
 * <p>Every name made here fits in {@link #NAME_MAX} bytes of UTF-8, the limit of one file name on Linux
 * file systems. A name that would be longer keeps its extension and its Baton tag ({@code .run-42}), and
 * its stem is cut and followed by {@code ~} and a hash of the whole name, so two long names that share a
 * prefix still get different names.
 */
final class Naming {

    /** The maximum length of one file name, in bytes, on Linux file systems (NAME_MAX in limits.h). */
    static final int NAME_MAX = 255;

    /** The suffix of the file that the publisher writes beside a quarantined input. */
    static final String REASON_SUFFIX = ".reason.txt";

    /** Hex digits of the SHA-256 of the whole name that a shortened name carries: 32 bits. */
    private static final int HASH_DIGITS = 8;

    /** The minimum length, in bytes, of a shortened stem. An extension that leaves less room becomes part of the stem. */
    private static final int MIN_STEM_BYTES = 16;

    private Naming() {
    }

    /** Expands a target name template for one input; see the descriptor's target {@code name}. */
    static String outputName(String template, String fileName, long runId, long epoch) {
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String ext = dot > 0 ? fileName.substring(dot + 1) : "";
        String name = template.replace("{name}", fileName).replace("{basename}", base).replace("{ext}", ext)
                .replace("{run}", Long.toString(runId)).replace("{epoch}", Long.toString(epoch));
        return fit(name, "", NAME_MAX);
    }

    /** Returns the quarantine name of an input, short enough that its reason file's name fits too. */
    static String quarantineName(String fileName, long itemId) {
        return unique(fileName, "item-" + itemId, NAME_MAX - utf8Length(REASON_SUFFIX));
    }

    /** Expands the date placeholders of an archive folder template. */
    static Path archiveFolder(String template, ZonedDateTime now) {
        return Path.of(template.replace("{yyyy}", String.format("%04d", now.getYear()))
                .replace("{MM}", String.format("%02d", now.getMonthValue()))
                .replace("{dd}", String.format("%02d", now.getDayOfMonth())));
    }

    /** Inserts a unique tag before the extension: {@code a.csv} becomes {@code a.run-42.csv}. */
    static String unique(String fileName, String tag) {
        return unique(fileName, tag, NAME_MAX);
    }

    private static String unique(String fileName, String tag, int maxBytes) {
        return fit(fileName, "." + tag, maxBytes);
    }

    /**
     * Returns {@code name} with {@code tag} inserted before its extension, shortened to at most
     * {@code maxBytes} of UTF-8 when it is longer.
     */
    private static String fit(String name, String tag, int maxBytes) {
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        if (utf8Length(stem) + utf8Length(tag) + utf8Length(ext) <= maxBytes) {
            return stem + tag + ext;
        }

        String mark = "~" + hash(name);
        int room = maxBytes - utf8Length(tag + ext) - mark.length();
        if (room < MIN_STEM_BYTES) {
            // An extension this long is no extension: cut the whole name instead.
            stem = name;
            ext = "";
            room = maxBytes - utf8Length(tag) - mark.length();
        }
        return truncate(stem, room) + mark + tag + ext;
    }

    /** Returns the longest prefix of {@code text} that takes at most {@code maxBytes} of UTF-8, whole code points only. */
    private static String truncate(String text, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = utf8Length(new String(Character.toChars(cp)));
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end);
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Returns a name for a remote folder, or refuses one that could leave it ({@code ..}, a slash, a
     * backslash, a control character), with the name escaped in the message.
     */
    static String checkedName(String name) {
        String problem = io.baton.transport.RemoteNames.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("the output name " + io.baton.transport.RemoteNames.escape(name) + " is rejected: " + problem);
        }
        return name;
    }

    /**
     * Resolves a relative folder and a name under a root, and refuses any result outside the root, so
     * that no input name can make Baton write elsewhere.
     */
    static Path inside(Path root, String relDir, String name) {
        Path folder = relDir.isEmpty() ? root : root.resolve(relDir);
        Path result = folder.resolve(name).normalize();
        if (!result.startsWith(root.normalize()) || result.equals(root.normalize())) {
            throw new IllegalArgumentException("the name '" + name.replace("\n", "\\n") + "' would leave the folder " + root);
        }
        return result;
    }
}

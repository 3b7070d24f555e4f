package io.baton.server.service;

import java.nio.file.Path;
import java.time.ZonedDateTime;

/** Final names of outputs, archived and quarantined inputs, all kept inside their folders. */
final class Naming {

    private Naming() {
    }

    /** Expands a target name template for one input; see the descriptor's target {@code name}. */
    static String outputName(String template, String fileName, long runId, long epoch) {
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String ext = dot > 0 ? fileName.substring(dot + 1) : "";
        return template.replace("{name}", fileName).replace("{basename}", base).replace("{ext}", ext)
                .replace("{run}", Long.toString(runId)).replace("{epoch}", Long.toString(epoch));
    }

    /** Expands the date placeholders of an archive folder template. */
    static Path archiveFolder(String template, ZonedDateTime now) {
        return Path.of(template.replace("{yyyy}", String.format("%04d", now.getYear()))
                .replace("{MM}", String.format("%02d", now.getMonthValue()))
                .replace("{dd}", String.format("%02d", now.getDayOfMonth())));
    }

    /** Inserts a unique tag before the extension: {@code a.csv} becomes {@code a.run-42.csv}. */
    static String unique(String fileName, String tag) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) + "." + tag + fileName.substring(dot) : fileName + "." + tag;
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

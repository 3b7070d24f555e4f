package io.baton.core.config;

import io.baton.core.config.ServiceDescriptor.DispositionKind;
import io.baton.core.config.ServiceDescriptor.DispositionSpec;
import io.baton.core.config.ServiceDescriptor.FailurePolicy;
import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.JvmSettings;
import io.baton.core.config.ServiceDescriptor.RestartPolicy;
import io.baton.core.config.ServiceDescriptor.RunLimits;
import io.baton.core.config.ServiceDescriptor.ScheduleSpec;
import io.baton.core.schedule.CronExpression;
import io.baton.core.schedule.MisfirePolicy;
import java.time.ZoneId;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import io.baton.core.config.ServiceDescriptor.StepSpec;
import io.baton.core.config.ServiceDescriptor.TargetSpec;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a service descriptor. Every field is checked, and the first fault found is
 * reported as a {@link ConfigException} with the file, the field, the value and what is expected.
 *
 * <p>Relative folder paths are resolved against the data directory, so that a descriptor names the
 * same folders on every node of the cluster.
 */
public final class DescriptorParser {

    public static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final Set<String> STEP_TYPES = Set.of("copy", "gzip", "gunzip", "csv-to-jsonl", "class");
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> NAME_PLACEHOLDERS = Set.of("name", "basename", "ext", "run", "epoch");
    private static final Set<String> ARCHIVE_PLACEHOLDERS = Set.of("yyyy", "MM", "dd");
    /** Shortest keepFor of archived and quarantined inputs; short values are for tests. */
    private static final Duration MIN_KEEP_FOR = Duration.ofSeconds(1);

    /** The step property through which {@code source.charset} reaches the steps. */
    public static final String CHARSET_PROPERTY = "charset";

    private final Path dataDirectory;
    private final RemoteSpecParser remotes;

    public DescriptorParser(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        this.remotes = new RemoteSpecParser(this::resolve);
    }

    public ServiceDescriptor parse(String file, String yaml) {
        YamlFields root = YamlFields.parse(file, yaml);
        root.rejectUnknown(Set.of("name", "description", "autoStart", "restart", "jvm", "schedule", "source",
                "process", "targets", "onSuccess", "onFailure", "properties", "stopGracePeriod", "limits"));

        String name = root.requiredString("name", "a service name of lower-case letters, digits and '-'");
        if (!SERVICE_NAME.matcher(name).matches()) {
            throw root.error("name", name, "1 to 63 lower-case letters, digits and '-', starting with a letter or digit");
        }

        SourceSpec source = source(root.object("source"), root);
        List<TargetSpec> targets = targets(root);
        DispositionSpec onSuccess = disposition(root.object("onSuccess"), source.remote() != null);
        FailurePolicy onFailure = failure(root.object("onFailure"), name);
        checkOutsideInternals(root, source, targets, onSuccess, onFailure);
        checkFolders(root, source, targets, onSuccess);
        checkQuarantine(root, source, onFailure);
        Duration stopGracePeriod = root.duration("stopGracePeriod", Duration.ofSeconds(10), Duration.ofMillis(100));

        return new ServiceDescriptor(
                name,
                root.string("description", ""),
                root.bool("autoStart", false),
                restart(root.object("restart")),
                jvm(root.object("jvm")),
                schedule(root.object("schedule")),
                source,
                steps(root),
                targets,
                onSuccess,
                onFailure,
                root.stringMap("properties"),
                stopGracePeriod,
                limits(root.object("limits"), stopGracePeriod));
    }

    /**
     * Reads {@code limits}. The maximum run duration must be longer than the grace period, because a run
     * stopped at its limit is killed once the grace period has passed: with a shorter limit, the kill
     * would come before the run could reach a commit point.
     */
    private static RunLimits limits(YamlFields f, Duration stopGracePeriod) {
        f.rejectUnknown(Set.of("maxRunDuration"));
        Duration max = f.duration("maxRunDuration", null, Duration.ofSeconds(1));
        if (max != null && max.compareTo(stopGracePeriod) <= 0) {
            throw f.error("maxRunDuration", f.string("maxRunDuration", null), "a duration longer than stopGracePeriod ("
                    + Durations.format(stopGracePeriod) + "), because a run that reaches its limit is killed once stopGracePeriod has passed");
        }
        return new RunLimits(max);
    }

    private RestartPolicy restart(YamlFields f) {
        f.rejectUnknown(Set.of("automatic", "minimumUptime"));
        return new RestartPolicy(f.bool("automatic", true), f.duration("minimumUptime", Duration.ofSeconds(30), Duration.ZERO));
    }

    private JvmSettings jvm(YamlFields f) {
        f.rejectUnknown(Set.of("heap", "options"));
        String heap = f.string("heap", "256m");
        if (!HEAP.matcher(heap).matches()) {
            throw f.error("heap", heap, "a heap size such as 64m or 2g");
        }
        List<String> options = f.strings("options");
        for (String option : options) {
            if (!option.startsWith("-")) {
                throw f.error("options", option, "JVM options that start with '-'");
            }
        }
        return new JvmSettings(heap, options);
    }

    private ScheduleSpec schedule(YamlFields f) {
        f.rejectUnknown(Set.of("every", "cron", "timeZone", "misfire"));
        if (f.has("cron") && f.has("every")) {
            throw f.error("every", f.string("every", ""), "either 'every' or 'cron', not both");
        }
        String misfireText = f.string("misfire", MisfirePolicy.RUN_ONCE.text());
        MisfirePolicy misfire = MisfirePolicy.of(misfireText);
        if (misfire == null) {
            throw f.error("misfire", misfireText, "run-once or skip");
        }
        if (f.has("cron")) {
            return new ScheduleSpec(null, cron(f), zone(f), misfire);
        }
        if (f.has("timeZone")) {
            throw f.error("timeZone", f.string("timeZone", ""), "no time zone with 'every' (an interval is elapsed time); use 'cron' for times of day");
        }
        if (!f.has("every")) {
            if (f.has("misfire")) {
                throw f.error("every", null, "'every' or 'cron' beside 'misfire'");
            }
            return null;
        }
        return new ScheduleSpec(f.duration("every", null, Duration.ofMillis(100)), null, null, misfire);
    }

    private static CronExpression cron(YamlFields f) {
        String text = f.requiredString("cron", "a cron expression such as \"0 30 2 * * *\"");
        try {
            return CronExpression.parse(text);
        } catch (IllegalArgumentException e) {
            throw f.error("cron", text, "a valid cron expression (second minute hour day-of-month month day-of-week): "
                    + e.getMessage());
        }
    }

    private static ZoneId zone(YamlFields f) {
        String text = f.string("timeZone", "UTC");
        try {
            return ZoneId.of(text);
        } catch (java.time.DateTimeException e) {
            throw f.error("timeZone", text, "a time zone ID such as Europe/Berlin, America/New_York or UTC");
        }
    }

    private SourceSpec source(YamlFields f, YamlFields root) {
        if (!root.has("source")) {
            throw root.error("source", null, "a source folder, for example source: { path: inbox/orders }");
        }
        Set<String> fields = new java.util.HashSet<>(Set.of("type", "path", "include", "exclude", "recursive", "order", "maxFilesPerRun",
                "acceptEmptyFiles", "ready", "charset"));
        fields.addAll(RemoteSpecParser.FIELDS);
        f.rejectUnknown(fields);
        String type = f.string("type", "folder");
        RemoteSpec remote = type.equals("folder") ? null : remotes.parse(f, type);
        if (remote != null && f.bool("recursive", false)) {
            throw f.error("recursive", "true", "no recursive listing for a remote source; name the remote folder in uri");
        }
        Path path = remote == null ? folder(f, "path") : null;
        List<String> include = f.strings("include");
        if (include.isEmpty()) {
            include = List.of("*");
        }
        List<String> exclude = f.strings("exclude");
        for (String glob : include) {
            checkGlob(f, "include", glob);
        }
        for (String glob : exclude) {
            checkGlob(f, "exclude", glob);
        }
        String order = f.string("order", "name");
        FileOrder fileOrder = switch (order) {
            case "name" -> FileOrder.NAME;
            case "modified" -> FileOrder.MODIFIED;
            default -> throw f.error("order", order, "'name' or 'modified'");
        };
        return new SourceSpec(path, include, exclude, f.bool("recursive", false), fileOrder,
                f.integer("maxFilesPerRun", 1000, 1, 1_000_000), f.bool("acceptEmptyFiles", false), readiness(f.object("ready")),
                charset(f), remote);
    }

    /** Reads {@code source.charset}, default UTF-8; a name this JVM does not support is rejected here, at deploy. */
    private static Charset charset(YamlFields f) {
        String name = f.string("charset", StandardCharsets.UTF_8.name());
        try {
            return Charset.forName(name.strip());
        } catch (IllegalArgumentException e) {
            throw f.error("charset", name, "a charset name this JVM supports, such as UTF-8, UTF-16, UTF-16LE or windows-1252");
        }
    }

    private static ServiceDescriptor.ReadinessSpec readiness(YamlFields f) {
        f.rejectUnknown(Set.of("stableFor", "doneFile", "temporaryNames"));
        Duration stableFor = f.duration("stableFor", null, Duration.ZERO);
        List<String> temporaryNames = f.strings("temporaryNames");
        for (String glob : temporaryNames) {
            checkGlob(f, "temporaryNames", glob);
        }
        String doneFile = f.string("doneFile", null);
        if (doneFile != null) {
            checkTemplate(f, "doneFile", doneFile, Set.of("name", "basename"));
            if (!doneFile.contains("{name}") && !doneFile.contains("{basename}")) {
                throw f.error("doneFile", doneFile, "a name template with {name} or {basename}, such as {name}.done");
            }
            if (doneFile.contains("/") || doneFile.contains("\\") || doneFile.equals("{name}")) {
                throw f.error("doneFile", doneFile, "a file name beside the input, other than the input's own name, such as {name}.done");
            }
        }
        return new ServiceDescriptor.ReadinessSpec(stableFor, doneFile, temporaryNames);
    }

    private static void checkGlob(YamlFields f, String key, String glob) {
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (java.util.regex.PatternSyntaxException e) {
            // The JDK's message spans three lines (text, pattern, caret): one line with the position is enough.
            throw f.error(key, glob, "a glob pattern such as *.csv (" + e.getDescription() + " at character "
                    + (e.getIndex() + 1) + "; quote [ { and \\ with a backslash to match them literally)");
        } catch (RuntimeException e) {
            throw f.error(key, glob, "a glob pattern such as *.csv (" + e.getMessage() + ")");
        }
    }

    private List<StepSpec> steps(YamlFields root) {
        List<YamlFields> list = root.objects("process");
        if (list.isEmpty()) {
            throw root.error("process", root.has("process") ? "[]" : null,
                    "a list of at least one step, for example process: [ { type: copy } ]");
        }
        List<StepSpec> steps = new ArrayList<>();
        for (YamlFields f : list) {
            f.rejectUnknown(Set.of("type", "class", "settings"));
            String type = f.requiredString("type", "one of " + STEP_TYPES.stream().sorted().toList());
            if (!STEP_TYPES.contains(type)) {
                throw f.error("type", type, "one of " + STEP_TYPES.stream().sorted().toList());
            }
            String className = f.string("class", null);
            if (type.equals("class") && (className == null || className.isBlank())) {
                throw f.error("class", null, "the fully qualified name of a class that implements io.baton.api.Step");
            }
            if (!type.equals("class") && className != null) {
                throw f.error("class", className, "no class for the built-in step type '" + type + "'");
            }
            steps.add(new StepSpec(type, className, f.stringMap("settings")));
        }
        return steps;
    }

    private List<TargetSpec> targets(YamlFields root) {
        List<YamlFields> list = root.objects("targets");
        if (list.isEmpty()) {
            throw root.error("targets", root.has("targets") ? "[]" : null, "a list of at least one target folder");
        }
        List<TargetSpec> targets = new ArrayList<>();
        for (YamlFields f : list) {
            Set<String> fields = new java.util.HashSet<>(Set.of("type", "path", "name"));
            fields.addAll(RemoteSpecParser.FIELDS);
            f.rejectUnknown(fields);
            String type = f.string("type", "folder");
            RemoteSpec remote = type.equals("folder") ? null : remotes.parse(f, type);
            String template = f.string("name", "{name}");
            if (template.isBlank()) {
                throw f.error("name", template, "a file name template such as {name} or {basename}.jsonl");
            }
            checkTemplate(f, "name", template, NAME_PLACEHOLDERS);
            if (template.contains("/") || template.contains("\\") || template.equals("..") || template.equals(".")) {
                throw f.error("name", template, "a file name without '/', '\\\\' or '..'");
            }
            targets.add(new TargetSpec(remote == null ? folder(f, "path") : null, template, remote));
        }
        return targets;
    }

    private DispositionSpec disposition(YamlFields f, boolean remoteSource) {
        f.rejectUnknown(Set.of("archive", "delete", "keep", "keepFor"));
        int chosen = (f.has("archive") ? 1 : 0) + (f.bool("delete", false) ? 1 : 0) + (f.bool("keep", false) ? 1 : 0);
        if (chosen > 1) {
            throw f.error("archive", f.string("archive", ""), "only one of archive, delete: true or keep: true");
        }
        Duration keepFor = f.duration("keepFor", null, MIN_KEEP_FOR);
        if (f.bool("delete", false) || f.bool("keep", false)) {
            if (keepFor != null) {
                throw f.error("keepFor", Durations.format(keepFor), "no keepFor unless inputs are archived; keepFor sets how long archived inputs are kept");
            }
            return new DispositionSpec(f.bool("delete", false) ? DispositionKind.DELETE : DispositionKind.KEEP, null, null);
        }
        if (remoteSource) {
            // The archive of a remote source is a folder on the same server, so it is never resolved locally.
            String template = f.requiredString("archive", "a remote archive folder such as /outbound/done/{yyyy}, or delete: true, or keep: true");
            checkTemplate(f, "archive", template, ARCHIVE_PLACEHOLDERS);
            if (!template.startsWith("/") || template.contains("..") || template.contains("\\")) {
                throw f.error("archive", template, "an absolute remote folder path without '..', such as /outbound/done/{yyyy}");
            }
            if (keepFor != null) {
                throw f.error("keepFor", Durations.format(keepFor), "no keepFor for a remote archive folder: Baton expires local"
                        + " folders only; let the server's owner expire " + template);
            }
            return new DispositionSpec(DispositionKind.ARCHIVE, template, keepFor);
        }
        String template = f.string("archive", "archive/{yyyy}/{MM}/{dd}");
        checkTemplate(f, "archive", template, ARCHIVE_PLACEHOLDERS);
        return new DispositionSpec(DispositionKind.ARCHIVE, resolve(template).toString(), keepFor);
    }

    private FailurePolicy failure(YamlFields f, String service) {
        f.rejectUnknown(Set.of("quarantine", "retries", "backoff", "keepFor"));
        Path quarantine = f.has("quarantine") ? folder(f, "quarantine") : dataDirectory.resolve("quarantine").resolve(service);
        return new FailurePolicy(quarantine, f.integer("retries", 3, 0, 100), f.duration("backoff", Duration.ofSeconds(30), Duration.ZERO),
                f.duration("keepFor", null, MIN_KEEP_FOR));
    }

    private void checkFolders(YamlFields root, SourceSpec source, List<TargetSpec> targets, DispositionSpec onSuccess) {
        if (source.remote() != null) {
            return;
        }
        for (int i = 0; i < targets.size(); i++) {
            Path target = targets.get(i).path();
            if (target != null && overlaps(target, source.path())) {
                throw new ConfigException(root.file(), "targets[" + i + "].path", target,
                        "a folder outside the source folder " + source.path() + ", or outputs would be picked up as inputs");
            }
        }
        if (onSuccess.kind() == DispositionKind.ARCHIVE) {
            Path archiveRoot = RealPaths.of(archiveRoot(onSuccess));
            if (overlaps(archiveRoot, source.path()) && (source.recursive() || archiveRoot.equals(RealPaths.of(source.path())))) {
                throw new ConfigException(root.file(), "onSuccess.archive", onSuccess.archiveTemplate(),
                        "a folder outside the source folder " + source.path() + ", or archived inputs would be picked up again");
            }
        }
    }

    /** The folders of the data directory that only Baton may read and write. */
    private static final List<String> INTERNAL = List.of("state", "work", "services", "logs");

    /**
     * Rejects service folders that are, contain or lie inside the data directory's own folders: a source
     * there would take Baton's files as inputs and dispose of them, a target would write among them.
     */
    private void checkOutsideInternals(YamlFields root, SourceSpec source, List<TargetSpec> targets, DispositionSpec onSuccess,
            FailurePolicy onFailure) {
        Map<String, Path> folders = new java.util.LinkedHashMap<>();
        boolean remoteSource = source.remote() != null;
        if (!remoteSource) {
            folders.put("source.path", source.path());
        }
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).path() != null) {
                folders.put("targets[" + i + "].path", targets.get(i).path());
            }
        }
        // A remote source's archive folder is on the server.
        if (onSuccess.kind() == DispositionKind.ARCHIVE && !remoteSource) {
            folders.put("onSuccess.archive", archiveRoot(onSuccess));
        }
        folders.put("onFailure.quarantine", onFailure.quarantine());

        Path data = RealPaths.of(dataDirectory);
        for (Map.Entry<String, Path> e : folders.entrySet()) {
            Path folder = RealPaths.of(e.getValue());
            for (String internal : INTERNAL) {
                Path inner = data.resolve(internal);
                if (folder.startsWith(inner) || inner.startsWith(folder)) {
                    throw new ConfigException(root.file(), e.getKey(), e.getValue(), "a folder that neither is, contains nor lies inside"
                            + " the data directory's own folder " + inner + ", which only Baton may read and write");
                }
            }
        }
    }

    private static Path archiveRoot(DispositionSpec onSuccess) {
        return Path.of(onSuccess.archiveTemplate().replaceAll("\\{[^}]*}.*$", ""));
    }

    private static void checkQuarantine(YamlFields root, SourceSpec source, FailurePolicy onFailure) {
        if (source.remote() != null) {
            return;
        }
        Path quarantine = RealPaths.of(onFailure.quarantine());
        Path inbox = RealPaths.of(source.path());
        boolean pickedUpAgain = quarantine.equals(inbox) || (source.recursive() && quarantine.startsWith(inbox));
        if (pickedUpAgain) {
            throw new ConfigException(root.file(), "onFailure.quarantine", onFailure.quarantine(),
                    "a folder outside the source folder " + source.path() + ", or quarantined inputs would be picked up again");
        }
    }

    private static boolean overlaps(Path a, Path b) {
        Path x = RealPaths.of(a);
        Path y = RealPaths.of(b);
        return x.startsWith(y) || y.startsWith(x);
    }

    private static void checkTemplate(YamlFields f, String key, String template, Set<String> allowed) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!allowed.contains(m.group(1))) {
                throw f.error(key, template, "placeholders among " + allowed.stream().sorted().map(p -> "{" + p + "}").toList()
                        + ", not {" + m.group(1) + "}");
            }
        }
    }

    private Path folder(YamlFields f, String key) {
        String text = f.requiredString(key, "a folder path, absolute or relative to the data directory");
        if (text.contains("\0")) {
            throw f.error(key, text.replace("\0", "\\0"), "a folder path without NUL characters");
        }
        return resolve(text);
    }

    private Path resolve(String text) {
        return dataDirectory.resolve(text).normalize();
    }

    /**
     * Returns the properties passed to one step: {@code charset} from {@code source.charset}, overridden by the
     * service's properties, overridden in turn by the step's own settings.
     */
    public static Map<String, String> stepProperties(ServiceDescriptor d, StepSpec step) {
        var merged = new java.util.LinkedHashMap<String, String>();
        merged.put(CHARSET_PROPERTY, d.source().charset().name());
        merged.putAll(d.properties());
        merged.putAll(step.settings());
        return merged;
    }
}

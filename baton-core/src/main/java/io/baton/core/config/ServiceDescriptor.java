package io.baton.core.config;

import io.baton.core.schedule.CronExpression;
import io.baton.core.schedule.CronSchedule;
import io.baton.core.schedule.IntervalSchedule;
import io.baton.core.schedule.MisfirePolicy;
import io.baton.core.schedule.Schedule;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The definition of a batch service, read from its {@code service.yaml}. A descriptor is only ever
 * built by {@link DescriptorParser}, which validates every field, so code that has one can trust it.
 */
public record ServiceDescriptor(
        String name,
        String description,
        boolean autoStart,
        RestartPolicy restart,
        JvmSettings jvm,
        ScheduleSpec schedule,
        SourceSpec source,
        List<StepSpec> process,
        List<TargetSpec> targets,
        DispositionSpec onSuccess,
        FailurePolicy onFailure,
        Map<String, String> properties,
        Duration stopGracePeriod,
        RunLimits limits) {

    /** Whether a worker that died unexpectedly is started again, and how long it must have lived for that. */
    public record RestartPolicy(boolean automatic, Duration minimumUptime) {
    }

    /**
     * Bounds on one run. {@code maxRunDuration} is null for no limit. A run that reaches it stops at a
     * commit point, and its worker is killed if the run has not ended within {@code stopGracePeriod}.
     */
    public record RunLimits(Duration maxRunDuration) {
    }

    /** Settings of the service's worker JVM. */
    public record JvmSettings(String heap, List<String> options) {
    }

    /**
     * When runs start by themselves; a service without a schedule runs only when triggered. Exactly one
     * of {@code every} and {@code cron} is set; {@code timeZone} applies to cron.
     */
    public record ScheduleSpec(Duration every, CronExpression cron, ZoneId timeZone, MisfirePolicy misfire) {

        /** The schedule that decides the slots. */
        public Schedule toSchedule() {
            return cron != null ? new CronSchedule(cron, timeZone) : new IntervalSchedule(every);
        }
    }

    /** Order in which listed files are claimed. */
    public enum FileOrder { NAME, MODIFIED }

    /**
     * Source folder of the input files, with pickup rules. {@code charset} is the declared encoding of
     * the files' content, which record steps use unless a step's own {@code charset} setting overrides it.
     * For a remote source {@code remote} is set and {@code path} is null: inputs are downloaded into staging.
     */
    public record SourceSpec(Path path, List<String> include, List<String> exclude, boolean recursive,
            FileOrder order, int maxFilesPerRun, boolean acceptEmptyFiles, ReadinessSpec ready, Charset charset,
            RemoteSpec remote) {

        public SourceSpec(Path path, List<String> include, List<String> exclude, boolean recursive,
                FileOrder order, int maxFilesPerRun, boolean acceptEmptyFiles, ReadinessSpec ready, Charset charset) {
            this(path, include, exclude, recursive, order, maxFilesPerRun, acceptEmptyFiles, ready, charset, null);
        }
    }

    /**
     * When a listed file counts as complete. {@code stableFor}: its size, modification and change times
     * unchanged for this long, as observed by this node's polls (never "the modification time is old
     * enough"). {@code doneFile}: a name template of a file whose presence marks the input as complete.
     * {@code temporaryNames}: globs of names a writer uses until it renames the finished file; such a file
     * waits, and shows why. Any may be null or empty; with none a file is ready as soon as it is listed.
     */
    public record ReadinessSpec(Duration stableFor, String doneFile, List<String> temporaryNames) {

        public ReadinessSpec(Duration stableFor, String doneFile) {
            this(stableFor, doneFile, List.of());
        }
    }

    /** One processing step: a built-in type, or a class from the service's jars. */
    public record StepSpec(String type, String className, Map<String, String> settings) {
    }

    /**
     * A folder that receives the outputs, with the template of their names. For a remote target
     * {@code remote} is set and {@code path} is null.
     */
    public record TargetSpec(Path path, String nameTemplate, RemoteSpec remote) {

        public TargetSpec(Path path, String nameTemplate) {
            this(path, nameTemplate, null);
        }
    }

    /** Disposition of an input once its outputs are committed. */
    public enum DispositionKind { ARCHIVE, DELETE, KEEP }

    /**
     * The disposition, with the archive folder template for {@link DispositionKind#ARCHIVE}.
     *
     * @param keepFor how long archived inputs are kept before housekeeping removes them; null keeps them for ever
     */
    public record DispositionSpec(DispositionKind kind, String archiveTemplate, Duration keepFor) {
    }

    /**
     * Retries of failed items and where rejected inputs go.
     *
     * @param keepFor how long quarantined inputs are kept before housekeeping removes them; null keeps them for ever
     */
    public record FailurePolicy(Path quarantine, int retries, Duration backoff, Duration keepFor) {
    }
}

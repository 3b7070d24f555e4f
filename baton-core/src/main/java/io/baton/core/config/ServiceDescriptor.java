package io.baton.core.config;

import java.nio.file.Path;
import java.time.Duration;
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

    /** When runs start by themselves; a service without a schedule runs only when triggered. */
    public record ScheduleSpec(Duration every) {
    }

    /** Order in which listed files are claimed. */
    public enum FileOrder { NAME, MODIFIED }

    /** Source folder of the input files, with pickup rules. */
    public record SourceSpec(Path path, List<String> include, List<String> exclude, boolean recursive,
            FileOrder order, int maxFilesPerRun, boolean acceptEmptyFiles, ReadinessSpec ready) {
    }

    /**
     * When a listed file counts as complete. {@code stableFor}: its size, modification and change times
     * unchanged for this long, as observed by this node's polls (never "the modification time is old
     * enough"). {@code doneFile}: a name template of a file whose presence marks the input as complete.
     * Either may be null; with both null a file is ready as soon as it is listed.
     */
    public record ReadinessSpec(Duration stableFor, String doneFile) {
    }

    /** One processing step: a built-in type, or a class from the service's jars. */
    public record StepSpec(String type, String className, Map<String, String> settings) {
    }

    /** A folder that receives the outputs, with the template of their names. */
    public record TargetSpec(Path path, String nameTemplate) {
    }

    /** Disposition of an input once its outputs are committed. */
    public enum DispositionKind { ARCHIVE, DELETE, KEEP }

    /** The disposition, with the archive folder template for {@link DispositionKind#ARCHIVE}. */
    public record DispositionSpec(DispositionKind kind, String archiveTemplate) {
    }

    /** Retries of failed items and where rejected inputs go. */
    public record FailurePolicy(Path quarantine, int retries, Duration backoff) {
    }
}

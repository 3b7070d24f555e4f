package io.baton.api;

import java.io.IOException;

/**
 * One processing step of a batch service, applied to one work item at a time.
 *
 * <p>A step reads its input and writes its single output through the {@link StepContext}. Both live
 * in the run's staging folder. A step must not write anywhere else, because only what is staged can be
 * committed and published exactly once; Baton does not enforce this for Java steps. Steps of one service run one after another, the output of
 * one being the input of the next.
 *
 * <p>Implementations need a public no-argument constructor. One instance serves every work item of a
 * worker process, one item at a time.
 *
 * <p>Failures are classified by what Baton should do with the input: throw {@link
 * RejectedInputException} when the input itself is bad (it goes to quarantine without retries); any
 * other exception counts as transient, and the item is retried by a later run up to the service's
 * retry limit.
 */
public interface Step {

    /**
     * Processes the current work item.
     *
     * @throws RejectedInputException when the input can never be processed
     * @throws IOException when reading the input or writing the output failed
     */
    void process(StepContext context) throws IOException;
}

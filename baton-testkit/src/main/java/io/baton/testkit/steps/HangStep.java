package io.baton.testkit.steps;

import io.baton.api.Step;
import io.baton.api.StepContext;

/** Never returns and ignores interrupts: service code that hangs and ignores a stop. */
public final class HangStep implements Step {

    @Override
    public void process(StepContext context) {
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // Ignored on purpose: this step stands for code that does not honour interrupts.
            }
        }
    }
}

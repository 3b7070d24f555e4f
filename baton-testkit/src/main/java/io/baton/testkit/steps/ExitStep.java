package io.baton.testkit.steps;

import io.baton.api.Step;
import io.baton.api.StepContext;

/** Calls {@code System.exit} with status {@code exitStatus} (default 42): service code that ends its JVM. */
public final class ExitStep implements Step {

    @Override
    public void process(StepContext context) {
        System.exit(Integer.parseInt(context.property("exitStatus").orElse("42")));
    }
}

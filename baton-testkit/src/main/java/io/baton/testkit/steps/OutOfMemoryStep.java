package io.baton.testkit.steps;

import io.baton.api.Step;
import io.baton.api.StepContext;
import java.util.ArrayList;
import java.util.List;

/** Allocates until the worker's heap is exhausted: service code that throws OutOfMemoryError. */
public final class OutOfMemoryStep implements Step {

    @Override
    public void process(StepContext context) {
        List<long[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new long[1 << 20]);
        }
    }
}

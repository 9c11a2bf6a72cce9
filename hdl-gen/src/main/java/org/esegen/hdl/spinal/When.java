package org.esegen.hdl.spinal;

import spinal.core.Bool;
import spinal.core.WhenContext;

/**
 * A {@code when} chain under construction: {@code when(a, ...).elseWhen(b, ...).otherwise(...)}.
 * Each branch body runs once, at elaboration, inside the branch's conditional scope, so every
 * assignment it makes is conditional on that branch. Later assignments win, as in SpinalHDL.
 */
public final class When {
    private final WhenContext context;

    When(WhenContext context) {
        this.context = context;
    }

    /** Adds a branch taken when every earlier condition is false and {@code condition} is true. */
    public When elseWhen(Bool condition, Runnable body) {
        When[] inner = new When[1];
        otherwise(() -> inner[0] = Hdl.when(condition, body));
        return inner[0];
    }

    /** Adds the branch taken when every earlier condition is false; ends the chain. */
    public void otherwise(Runnable body) {
        context.otherwise(Hdl.block(body));
    }
}

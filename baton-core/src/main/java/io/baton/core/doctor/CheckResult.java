package io.baton.core.doctor;

/**
 * The outcome of one doctor check.
 *
 * @param detail what was measured or found
 * @param fix what to change; null when the check passed
 */
public record CheckResult(String name, Status status, String detail, String fix) {

    /** PASS and WARN let {@code baton doctor} exit 0; FAIL makes it exit 1; SKIPPED checks could not run. */
    public enum Status { PASS, WARN, FAIL, SKIPPED }

    public static CheckResult pass(String name, String detail) {
        return new CheckResult(name, Status.PASS, detail, null);
    }

    public static CheckResult warn(String name, String detail, String fix) {
        return new CheckResult(name, Status.WARN, detail, fix);
    }

    public static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, Status.FAIL, detail, fix);
    }

    public static CheckResult skipped(String name, String why) {
        return new CheckResult(name, Status.SKIPPED, why, null);
    }
}

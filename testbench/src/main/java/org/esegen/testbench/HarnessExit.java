package org.esegen.testbench;

/** Exit codes of the Verilator harness (kept in sync with {@code exit_codes.h}). */
public enum HarnessExit {
    OK(0, "ok"),
    INTERNAL_ERROR(1, "internal harness error"),
    BAD_ARGUMENTS(2, "bad arguments or unreadable files"),
    AXI_VIOLATION(3, "AXI protocol violation by the DUT's AXI4 master"),
    TIMEOUT(4, "global cycle timeout (+timeout)"),
    WAIT_TIMEOUT(5, "register script 'wait' timed out"),
    AXI_LITE_ERROR(6, "AXI-Lite error response from the DUT"),
    DUT_FINISHED(7, "DUT called $finish before the script ended"),
    /** Not a harness code: the Java side killed the process after its wall-clock timeout. */
    WALL_CLOCK_TIMEOUT(-1, "killed after the wall-clock timeout"),
    /** Any other code, e.g. a crash (128 + signal). */
    UNKNOWN(Integer.MIN_VALUE, "unknown exit code");

    private final int code;
    private final String meaning;

    HarnessExit(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public static HarnessExit of(int code) {
        for (HarnessExit exit : values()) {
            if (exit.code == code) {
                return exit;
            }
        }
        return UNKNOWN;
    }
}

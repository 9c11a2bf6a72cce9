#pragma once

#include <stdexcept>
#include <string>

// Keep in sync with org.esegen.testbench.HarnessExit.
enum ExitCode : int {
    kExitOk = 0,
    kExitInternalError = 1,
    kExitBadArguments = 2,
    kExitAxiViolation = 3,
    kExitTimeout = 4,
    kExitWaitTimeout = 5,
    kExitAxiLiteError = 6,
    kExitDutFinished = 7,
};

struct HarnessError : std::runtime_error {
    HarnessError(ExitCode code, const std::string& message)
        : std::runtime_error(message), exitCode(code) {}
    ExitCode exitCode;
};

#pragma once

// AXI4-Lite master that executes a register script, one command per line:
//   write ADDR VALUE                  write a register
//   wait ADDR MASK VALUE MAXCYCLES    poll until (reg & MASK) == VALUE, else kExitWaitTimeout
//   read ADDR NAME                    read a register and record NAME=value
//   # comment                         (also after a command)
// Numbers are decimal or 0x-prefixed hex.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "exit_codes.h"

struct ScriptCommand {
    enum class Kind { Write, Wait, Read };
    Kind kind;
    uint32_t address;
    uint32_t value;
    uint32_t mask;
    uint64_t maxCycles;
    std::string name;
    int line;
};

inline uint64_t parseNumber(const std::string& text, const std::string& what) {
    bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const std::string digits = hex ? text.substr(2) : text;
    std::size_t used = 0;
    uint64_t value = 0;
    try {
        if (digits.empty() || digits[0] == '-' || digits[0] == '+') throw std::invalid_argument(text);
        value = std::stoull(digits, &used, hex ? 16 : 10);
    } catch (const std::logic_error&) {
        throw HarnessError(kExitBadArguments, what + ": '" + text + "' is not a decimal or 0x-hex number");
    }
    if (used != digits.size()) {
        throw HarnessError(kExitBadArguments, what + ": '" + text + "' is not a decimal or 0x-hex number");
    }
    return value;
}

inline std::vector<ScriptCommand> parseScript(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw HarnessError(kExitBadArguments, "cannot read script " + path);
    std::vector<ScriptCommand> commands;
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
        std::istringstream words(text.substr(0, text.find('#')));
        std::vector<std::string> tokens;
        for (std::string token; words >> token;) tokens.push_back(token);
        if (tokens.empty()) continue;

        const std::string where = "script " + path + " line " + std::to_string(line);
        auto number = [&](std::size_t index, uint64_t max) {
            uint64_t value = parseNumber(tokens[index], where);
            if (value > max) {
                throw HarnessError(kExitBadArguments, where + ": " + tokens[index] + " exceeds "
                                                          + std::to_string(max));
            }
            return value;
        };
        auto expectTokens = [&](std::size_t count, const char* usage) {
            if (tokens.size() != count) {
                throw HarnessError(kExitBadArguments, where + ": expected '" + usage + "'");
            }
        };

        ScriptCommand command{ScriptCommand::Kind::Write, 0, 0, 0, 0, "", line};
        if (tokens[0] == "write") {
            expectTokens(3, "write ADDR VALUE");
            command.address = number(1, 0xFFF);
            command.value = number(2, 0xFFFFFFFF);
        } else if (tokens[0] == "wait") {
            expectTokens(5, "wait ADDR MASK VALUE MAXCYCLES");
            command.kind = ScriptCommand::Kind::Wait;
            command.address = number(1, 0xFFF);
            command.mask = number(2, 0xFFFFFFFF);
            command.value = number(3, 0xFFFFFFFF);
            command.maxCycles = number(4, UINT64_MAX);
        } else if (tokens[0] == "read") {
            expectTokens(3, "read ADDR NAME");
            command.kind = ScriptCommand::Kind::Read;
            command.address = number(1, 0xFFF);
            command.name = tokens[2];
            if (command.name.rfind("harness.", 0) == 0) {
                throw HarnessError(kExitBadArguments, where + ": names starting with 'harness.' are reserved");
            }
        } else {
            throw HarnessError(kExitBadArguments, where + ": unknown command '" + tokens[0]
                                                      + "' (write, wait, read)");
        }
        commands.push_back(command);
    }
    return commands;
}

template <class Top>
class AxiLiteDriver {
public:
    explicit AxiLiteDriver(std::vector<ScriptCommand> commands) : commands_(std::move(commands)) {}

    bool finished() const { return next_ == commands_.size() && phase_ == Phase::Idle; }

    void drive(Top& top) const {
        const ScriptCommand* command = phase_ == Phase::Idle ? nullptr : &commands_[next_];
        top.s_axil_awvalid = phase_ == Phase::Write && addressPending_;
        top.s_axil_wvalid = phase_ == Phase::Write && dataPending_;
        top.s_axil_bready = phase_ == Phase::WriteResponse;
        top.s_axil_arvalid = phase_ == Phase::ReadAddress;
        top.s_axil_rready = phase_ == Phase::ReadData;
        top.s_axil_awaddr = command ? command->address : 0;
        top.s_axil_araddr = top.s_axil_awaddr;
        top.s_axil_wdata = command ? command->value : 0;
        top.s_axil_wstrb = 0xF;
    }

    void clockEdge(const Top& top, uint64_t cycle) {
        switch (phase_) {
        case Phase::Idle:
            start(cycle);
            break;
        case Phase::Write:
            if (top.s_axil_awvalid && top.s_axil_awready) addressPending_ = false;
            if (top.s_axil_wvalid && top.s_axil_wready) dataPending_ = false;
            if (!addressPending_ && !dataPending_) phase_ = Phase::WriteResponse;
            break;
        case Phase::WriteResponse:
            if (top.s_axil_bvalid) {
                checkResponse("BRESP", top.s_axil_bresp);
                finish(cycle);
            }
            break;
        case Phase::ReadAddress:
            if (top.s_axil_arready) phase_ = Phase::ReadData;
            break;
        case Phase::ReadData:
            if (top.s_axil_rvalid) {
                checkResponse("RRESP", top.s_axil_rresp);
                readDone(top.s_axil_rdata, cycle);
            }
            break;
        }
    }

    const std::vector<std::pair<std::string, uint32_t>>& readResults() const { return readResults_; }

private:
    enum class Phase { Idle, Write, WriteResponse, ReadAddress, ReadData };

    void start(uint64_t cycle) {
        if (next_ == commands_.size()) return;
        commandStart_ = cycle;
        if (commands_[next_].kind == ScriptCommand::Kind::Write) {
            phase_ = Phase::Write;
            addressPending_ = true;
            dataPending_ = true;
        } else {
            phase_ = Phase::ReadAddress;
        }
    }

    void finish(uint64_t cycle) {
        phase_ = Phase::Idle;
        ++next_;
        start(cycle);
    }

    void readDone(uint32_t value, uint64_t cycle) {
        const ScriptCommand& command = commands_[next_];
        if (command.kind == ScriptCommand::Kind::Read) {
            readResults_.emplace_back(command.name, value);
        } else if ((value & command.mask) != command.value) {
            if (cycle - commandStart_ >= command.maxCycles) {
                std::ostringstream message;
                message << "script line " << command.line << ": wait timed out after " << command.maxCycles
                        << " cycles: register 0x" << std::hex << command.address << " = 0x" << value
                        << ", wanted (value & 0x" << command.mask << ") == 0x" << command.value;
                throw HarnessError(kExitWaitTimeout, message.str());
            }
            phase_ = Phase::ReadAddress;
            return;
        }
        finish(cycle);
    }

    void checkResponse(const char* what, unsigned response) const {
        if (response != 0) {
            std::ostringstream message;
            message << "script line " << commands_[next_].line << ": register 0x" << std::hex
                    << commands_[next_].address << std::dec << " answered " << what << "=" << response;
            throw HarnessError(kExitAxiLiteError, message.str());
        }
    }

    std::vector<ScriptCommand> commands_;
    std::size_t next_ = 0;
    Phase phase_ = Phase::Idle;
    bool addressPending_ = false;
    bool dataPending_ = false;
    uint64_t commandStart_ = 0;
    std::vector<std::pair<std::string, uint32_t>> readResults_;
};

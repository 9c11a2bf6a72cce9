// esegen Verilator harness. It only moves data: it loads an image into an AXI4 memory model,
// runs a register script over AXI4-Lite, then dumps memory and counters. Java compares.
//
// Built by org.esegen.testbench.VerilatorBuild with harness_top.h defining TOP (the Verilated
// class), AXI_DATA_BITS and AXI_ADDR_BITS.
//
// Arguments (all +key=value; numbers decimal or 0x-hex):
//   +script=FILE                  register script (required; see axil_driver.h)
//   +image=FILE                   binary image loaded at address 0
//   +mem_bytes=N                  memory size (default: image size rounded up to 4 KiB, plus 1 MiB)
//   +dump=FILE:ADDR:BYTES         after the script, write memory [ADDR, ADDR+BYTES) to FILE (repeatable)
//   +regs_out=FILE                'NAME VALUE' lines: script reads, then harness.* counters
//   +trace=FILE.fst               FST waveform (one time unit per clock edge)
//   +timeout=CYCLES               global limit including reset (default 100000000)
//   +latency=CYCLES               AR handshake to first R beat (default 40)
//   +write_latency=CYCLES         last W beat to B (default 20)
//   +read_beats_per_cycle=X       read bandwidth, 0 < X <= 1 (default 0.8)
//   +write_beats_per_cycle=X      write bandwidth, 0 < X <= 1 (default 0.8)
//   +max_outstanding=N            outstanding read bursts, and write bursts, each (default 8)
// Defaults model one DDR3 bank of an Alpha Data ADM-PCIE-KU3 (512-bit AXI at 200 MHz), assuming
// about 200 ns from AR to first data through the MIG controller and ~80 % bus efficiency.
//
// Exit codes: 0 ok, 1 internal error, 2 bad arguments or files, 3 AXI protocol violation by the
// DUT master, 4 global timeout, 5 script wait timeout, 6 AXI-Lite error response, 7 DUT called
// $finish. regs_out is written whenever the simulation ran, whatever the outcome; dumps only on 0.

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "verilated.h"
#include "verilated_fst_c.h"

#include "harness_top.h"

#include "axi_memory.h"
#include "axi_ports.h"
#include "axil_driver.h"
#include "exit_codes.h"
#include "verilator_ports.h"

namespace {

constexpr unsigned kBeatBytes = AXI_DATA_BITS / 8;
constexpr uint64_t kResetCycles = 16;

template <typename Port>
constexpr std::size_t portBytes = sizeof(std::remove_reference_t<Port>);
static_assert(AXI_DATA_BITS >= 32 && AXI_DATA_BITS <= 1024 && (AXI_DATA_BITS & (AXI_DATA_BITS - 1)) == 0,
              "AXI_DATA_BITS must be a power of two in 32..1024");
static_assert(AXI_ADDR_BITS >= 32 && AXI_ADDR_BITS <= 64, "AXI_ADDR_BITS must be in 32..64");
// Every AXI port of the contract (axi_ports.h, generated from the one signal table) exists at its width.
#define ESEGEN_CHECK_AXI_PORT(port, bits)                                                        \
    static_assert(portBytes<decltype(std::declval<TOP&>().port)> == verilatedPortBytes(bits), \
                  #port " differs in width from the AXI signal table");
ESEGEN_AXI_PORTS(ESEGEN_CHECK_AXI_PORT)
#undef ESEGEN_CHECK_AXI_PORT

struct Dump {
    std::string file;
    uint64_t address;
    uint64_t bytes;
};

struct Options {
    std::string script;
    std::string image;
    uint64_t memBytes = 0;
    std::vector<Dump> dumps;
    std::string regsOut;
    std::string trace;
    uint64_t timeout = 100000000;
    AxiMemoryConfig memory{40, 20, 0.8, 0.8, 8};
};

[[noreturn]] void badArgument(const std::string& message) {
    throw HarnessError(kExitBadArguments, message);
}

double parseRate(const std::string& key, const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used != text.size() || !(value > 0 && value <= 1)) {
        badArgument("+" + key + "=" + text + ": expected a number in (0, 1]");
    }
    return value;
}

Dump parseDump(const std::string& text) {
    std::size_t bytesColon = text.rfind(':');
    std::size_t addressColon = bytesColon == std::string::npos || bytesColon == 0
                                   ? std::string::npos
                                   : text.rfind(':', bytesColon - 1);
    if (addressColon == std::string::npos || addressColon == 0) {
        badArgument("+dump=" + text + ": expected FILE:ADDR:BYTES");
    }
    return {text.substr(0, addressColon),
            parseNumber(text.substr(addressColon + 1, bytesColon - addressColon - 1), "+dump address"),
            parseNumber(text.substr(bytesColon + 1), "+dump bytes")};
}

Options parseOptions(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("+verilator+", 0) == 0) continue;
        std::size_t equals = arg.find('=');
        if (arg[0] != '+' || equals == std::string::npos) badArgument("expected +key=value, got '" + arg + "'");
        const std::string key = arg.substr(1, equals - 1);
        const std::string value = arg.substr(equals + 1);
        auto number = [&](uint64_t min, uint64_t max) {
            uint64_t parsed = parseNumber(value, "+" + key);
            if (parsed < min || parsed > max) {
                badArgument("+" + key + "=" + value + ": expected " + std::to_string(min) + ".."
                            + std::to_string(max));
            }
            return parsed;
        };
        if (key == "script") options.script = value;
        else if (key == "image") options.image = value;
        else if (key == "mem_bytes") options.memBytes = number(4096, uint64_t(1) << 40);
        else if (key == "dump") options.dumps.push_back(parseDump(value));
        else if (key == "regs_out") options.regsOut = value;
        else if (key == "trace") options.trace = value;
        else if (key == "timeout") options.timeout = number(1, UINT64_MAX);
        else if (key == "latency") options.memory.readLatency = number(1, 1000000);
        else if (key == "write_latency") options.memory.writeLatency = number(1, 1000000);
        else if (key == "read_beats_per_cycle") options.memory.readBeatsPerCycle = parseRate(key, value);
        else if (key == "write_beats_per_cycle") options.memory.writeBeatsPerCycle = parseRate(key, value);
        else if (key == "max_outstanding") options.memory.maxOutstanding = number(1, 256);
        else badArgument("unknown argument +" + key);
    }
    if (options.script.empty()) badArgument("+script=FILE is required");
    return options;
}

std::vector<uint8_t> loadMemory(const Options& options) {
    std::vector<char> image;
    if (!options.image.empty()) {
        std::ifstream in(options.image, std::ios::binary);
        if (!in) badArgument("cannot read image " + options.image);
        image.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    uint64_t size = options.memBytes != 0 ? options.memBytes : (image.size() + 4095) / 4096 * 4096 + (1u << 20);
    if (image.size() > size) {
        badArgument("image " + options.image + " has " + std::to_string(image.size())
                    + " bytes, more than +mem_bytes=" + std::to_string(size));
    }
    std::vector<uint8_t> memory;
    try {
        memory.resize(size);
    } catch (const std::bad_alloc&) {
        badArgument("cannot allocate +mem_bytes=" + std::to_string(size));
    }
    std::copy(image.begin(), image.end(), memory.begin());
    return memory;
}

class Simulation {
public:
    Simulation(int argc, char** argv, const Options& options, std::vector<ScriptCommand> script)
        : options_(options), memoryBytes_(loadMemory(options)), memory_(memoryBytes_, options.memory),
          driver_(std::move(script)) {
        for (const Dump& dump : options.dumps) {
            if (dump.address > memoryBytes_.size() || dump.bytes > memoryBytes_.size() - dump.address) {
                badArgument("+dump=" + dump.file + ": range lies outside the memory of "
                            + std::to_string(memoryBytes_.size()) + " bytes");
            }
        }
        context_->commandArgs(argc, argv);
        context_->traceEverOn(!options.trace.empty());
        top_ = std::make_unique<TOP>(context_.get(), "top");
        if (!options.trace.empty()) {
            trace_ = std::make_unique<VerilatedFstC>();
            top_->trace(trace_.get(), 99);
            trace_->open(options.trace.c_str());
        }
    }

    ~Simulation() {
        top_->final();
        if (trace_) trace_->close();
    }

    void run() {
        while (!driver_.finished()) {
            if (cycle_ >= options_.timeout) {
                throw HarnessError(kExitTimeout, "timeout after " + std::to_string(cycle_) + " cycles (+timeout="
                                                     + std::to_string(options_.timeout) + ")");
            }
            step(cycle_ < kResetCycles);
        }
    }

    void writeDumps() const {
        for (const Dump& dump : options_.dumps) {
            std::ofstream out(dump.file, std::ios::binary);
            out.write(reinterpret_cast<const char*>(&memoryBytes_[dump.address]), std::streamsize(dump.bytes));
            if (!out) badArgument("cannot write dump " + dump.file);
        }
    }

    void writeRegsOut() const {
        if (options_.regsOut.empty()) return;
        std::ofstream out(options_.regsOut);
        for (const auto& [name, value] : driver_.readResults()) out << name << ' ' << value << '\n';
        const AxiMemoryCounters& counters = memory_.counters();
        const std::pair<const char*, int64_t> harness[] = {
            {"cycles", int64_t(cycle_)},
            {"reset_cycles", int64_t(kResetCycles)},
            {"read_bursts", int64_t(counters.readBursts)},
            {"read_beats", int64_t(counters.readBeats)},
            {"write_bursts", int64_t(counters.writeBursts)},
            {"write_beats", int64_t(counters.writeBeats)},
            {"ar_stall_cycles", int64_t(counters.arStallCycles)},
            {"r_backpressure_cycles", int64_t(counters.rBackpressureCycles)},
            {"aw_stall_cycles", int64_t(counters.awStallCycles)},
            {"w_stall_cycles", int64_t(counters.wStallCycles)},
            {"b_backpressure_cycles", int64_t(counters.bBackpressureCycles)},
            {"read_busy_cycles", int64_t(counters.readBusyCycles)},
            {"max_reads_outstanding", int64_t(counters.maxReadsOutstanding)},
            {"max_writes_outstanding", int64_t(counters.maxWritesOutstanding)},
            {"reads_outstanding_at_end", int64_t(memory_.readsOutstanding())},
            {"writes_outstanding_at_end", int64_t(memory_.writesOutstanding())},
            {"interrupt_cycles", int64_t(interruptCycles_)},
            {"first_interrupt_cycle", firstInterruptCycle_},
        };
        for (const auto& [name, value] : harness) out << "harness." << name << ' ' << value << '\n';
        if (!out) badArgument("cannot write " + options_.regsOut);
    }

private:
    // Inputs change while the clock is low; both sides sample the settled signals at the rising edge.
    void step(bool inReset) {
        top_->reset = inReset;
        memory_.drive(*top_, cycle_);
        driver_.drive(*top_);
        top_->clk = 0;
        top_->eval();
        if (trace_) trace_->dump(2 * cycle_);
        if (!inReset) {
            memory_.clockEdge(*top_, cycle_);
            driver_.clockEdge(*top_, cycle_);
            // Verilator renames the contract's `interrupt` port, a C++ common word.
            if (top_->__SYM__interrupt) {
                if (interruptCycles_++ == 0) firstInterruptCycle_ = int64_t(cycle_);
            }
        }
        top_->clk = 1;
        top_->eval();
        if (trace_) trace_->dump(2 * cycle_ + 1);
        ++cycle_;
        if (context_->gotFinish()) {
            throw HarnessError(kExitDutFinished, "DUT called $finish at cycle " + std::to_string(cycle_));
        }
    }

    const Options& options_;
    std::vector<uint8_t> memoryBytes_;
    AxiMemory<TOP, kBeatBytes> memory_;
    AxiLiteDriver<TOP> driver_;
    std::unique_ptr<VerilatedContext> context_ = std::make_unique<VerilatedContext>();
    std::unique_ptr<TOP> top_;
    std::unique_ptr<VerilatedFstC> trace_;
    uint64_t cycle_ = 0;
    uint64_t interruptCycles_ = 0;
    int64_t firstInterruptCycle_ = -1;
};

int run(int argc, char** argv) {
    const Options options = parseOptions(argc, argv);
    Simulation simulation(argc, argv, options, parseScript(options.script));
    ExitCode outcome = kExitOk;
    try {
        simulation.run();
    } catch (const HarnessError& error) {
        std::cerr << "harness: " << error.what() << '\n';
        outcome = error.exitCode;
    }
    simulation.writeRegsOut();
    if (outcome == kExitOk) simulation.writeDumps();
    return outcome;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const HarnessError& error) {
        std::cerr << "harness: " << error.what() << '\n';
        return error.exitCode;
    } catch (const std::exception& error) {
        std::cerr << "harness: internal error: " << error.what() << '\n';
        return kExitInternalError;
    }
}

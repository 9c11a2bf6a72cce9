#pragma once

// One DDR bank behind an AXI4 slave port. Reads return in order with a fixed latency from the
// AR handshake to the first R beat; read and write beats are throttled by token buckets; AR and
// AW are refused while the outstanding-burst limit is reached; B follows the last W beat after a
// fixed latency. Protocol rules it can check cheaply raise kExitAxiViolation.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <sstream>
#include <vector>

#include "exit_codes.h"
#include "verilator_ports.h"

struct AxiMemoryConfig {
    unsigned readLatency;
    unsigned writeLatency;
    double readBeatsPerCycle;
    double writeBeatsPerCycle;
    unsigned maxOutstanding;
};

struct AxiMemoryCounters {
    uint64_t readBursts = 0;
    uint64_t readBeats = 0;
    uint64_t writeBursts = 0;
    uint64_t writeBeats = 0;
    uint64_t arStallCycles = 0;
    uint64_t rBackpressureCycles = 0;
    uint64_t awStallCycles = 0;
    uint64_t wStallCycles = 0;
    uint64_t bBackpressureCycles = 0;
    uint64_t readBusyCycles = 0;
    uint64_t maxReadsOutstanding = 0;
    uint64_t maxWritesOutstanding = 0;
};

// Token bucket in millionths of a beat, holding at most two beats.
class BeatRate {
public:
    explicit BeatRate(double beatsPerCycle) : perCycle_(std::llround(beatsPerCycle * kUnit)) {}
    void tick() { credit_ = std::min(credit_ + perCycle_, 2 * kUnit); }
    bool available() const { return credit_ >= kUnit; }
    void take() { credit_ -= kUnit; }

private:
    static constexpr int64_t kUnit = 1000000;
    int64_t perCycle_;
    int64_t credit_ = 0;
};

template <class Top, unsigned BeatBytes>
class AxiMemory {
public:
    AxiMemory(std::vector<uint8_t>& bytes, const AxiMemoryConfig& config)
        : memory_(bytes), config_(config), readRate_(config.readBeatsPerCycle),
          writeRate_(config.writeBeatsPerCycle) {}

    // Sets the slave outputs for this cycle from state only, before the DUT settles.
    void drive(Top& top, uint64_t cycle) {
        readRate_.tick();
        writeRate_.tick();
        top.m_axi_arready = reads_.size() < config_.maxOutstanding;
        top.m_axi_awready = writesOutstanding_ < config_.maxOutstanding;

        if (!readBeatShown_ && !reads_.empty() && cycle >= reads_.front().firstBeatCycle
                && readRate_.available()) {
            readRate_.take();
            readBeatShown_ = true;
        }
        top.m_axi_rvalid = readBeatShown_;
        top.m_axi_rresp = 0;
        top.m_axi_rlast = 0;
        if (readBeatShown_) {
            const ReadBurst& burst = reads_.front();
            storeBytes(top.m_axi_rdata, &memory_[burst.address + uint64_t(burst.beatsDone) * BeatBytes],
                       BeatBytes);
            top.m_axi_rid = burst.id;
            top.m_axi_rlast = burst.beatsDone + 1 == burst.beats;
        }

        top.m_axi_wready = !writes_.empty() && writeRate_.available();

        bool responseReady = !responses_.empty() && cycle >= responses_.front().readyCycle;
        top.m_axi_bvalid = responseReady;
        top.m_axi_bresp = 0;
        top.m_axi_bid = responseReady ? responses_.front().id : 0;
    }

    // Applies the handshakes of this cycle's rising edge; call after the DUT has settled.
    void clockEdge(const Top& top, uint64_t cycle) {
        checkStable(top, cycle);
        countStalls(top);

        if (top.m_axi_rvalid && top.m_axi_rready) {
            ReadBurst& burst = reads_.front();
            ++counters_.readBeats;
            readBeatShown_ = false;
            if (++burst.beatsDone == burst.beats) reads_.pop_front();
        }
        if (top.m_axi_arvalid && top.m_axi_arready) {
            Burst burst = checkedBurst("AR", cycle, top.m_axi_araddr, top.m_axi_arlen, top.m_axi_arsize,
                                       top.m_axi_arburst, top.m_axi_arid);
            reads_.push_back({burst.address, burst.beats, burst.id, cycle + config_.readLatency, 0});
            ++counters_.readBursts;
            counters_.maxReadsOutstanding = std::max<uint64_t>(counters_.maxReadsOutstanding, reads_.size());
        }

        if (top.m_axi_wvalid && top.m_axi_wready) acceptWriteBeat(top, cycle);
        if (top.m_axi_awvalid && top.m_axi_awready) {
            Burst burst = checkedBurst("AW", cycle, top.m_axi_awaddr, top.m_axi_awlen, top.m_axi_awsize,
                                       top.m_axi_awburst, top.m_axi_awid);
            writes_.push_back({burst.address, burst.beats, burst.id, 0});
            ++writesOutstanding_;
            ++counters_.writeBursts;
            counters_.maxWritesOutstanding = std::max<uint64_t>(counters_.maxWritesOutstanding,
                                                                writesOutstanding_);
        }
        if (top.m_axi_bvalid && top.m_axi_bready) {
            responses_.pop_front();
            --writesOutstanding_;
        }
    }

    const AxiMemoryCounters& counters() const { return counters_; }
    uint64_t readsOutstanding() const { return reads_.size(); }
    uint64_t writesOutstanding() const { return writesOutstanding_; }

private:
    struct Burst {
        uint64_t address;
        unsigned beats;
        unsigned id;
    };
    struct ReadBurst {
        uint64_t address;
        unsigned beats;
        unsigned id;
        uint64_t firstBeatCycle;
        unsigned beatsDone;
    };
    struct WriteBurst {
        uint64_t address;
        unsigned beats;
        unsigned id;
        unsigned beatsDone;
    };
    struct WriteResponse {
        unsigned id;
        uint64_t readyCycle;
    };
    struct AddressRequest {
        uint64_t address;
        unsigned len;
        unsigned id;
        bool operator!=(const AddressRequest& other) const {
            return address != other.address || len != other.len || id != other.id;
        }
    };

    [[noreturn]] static void violation(const std::string& channel, uint64_t cycle, const std::string& what) {
        std::ostringstream message;
        message << "AXI protocol violation on " << channel << " at cycle " << cycle << ": " << what;
        throw HarnessError(kExitAxiViolation, message.str());
    }

    Burst checkedBurst(const char* channel, uint64_t cycle, uint64_t address, unsigned len, unsigned size,
                       unsigned burstType, unsigned id) const {
        unsigned beats = len + 1;
        uint64_t bytes = uint64_t(beats) * BeatBytes;
        std::ostringstream request;
        request << "address 0x" << std::hex << address << std::dec << ", len " << len << " (" << beats
                << " x " << BeatBytes << " bytes): ";
        if (burstType != 1) {
            violation(channel, cycle, request.str() + "burst type " + std::to_string(burstType)
                                          + ", only INCR (1) is supported");
        }
        if ((1u << size) != BeatBytes) {
            violation(channel, cycle, request.str() + "size " + std::to_string(size) + " ("
                                          + std::to_string(1u << size) + " bytes) does not match the "
                                          + std::to_string(BeatBytes) + "-byte data bus");
        }
        if (address % BeatBytes != 0) {
            violation(channel, cycle, request.str() + "address not aligned to the beat size");
        }
        if (address >= memory_.size() || bytes > memory_.size() - address) {
            violation(channel, cycle, request.str() + "outside the memory of "
                                          + std::to_string(memory_.size()) + " bytes");
        }
        if ((address & 0xFFF) + bytes > 4096) {
            violation(channel, cycle, request.str() + "crosses a 4 KiB boundary");
        }
        return {address, beats, id};
    }

    void acceptWriteBeat(const Top& top, uint64_t cycle) {
        WriteBurst& burst = writes_.front();
        bool lastExpected = burst.beatsDone + 1 == burst.beats;
        if (bool(top.m_axi_wlast) != lastExpected) {
            violation("W", cycle, "wlast " + std::to_string(bool(top.m_axi_wlast)) + " on beat "
                                      + std::to_string(burst.beatsDone + 1) + " of a "
                                      + std::to_string(burst.beats) + "-beat burst");
        }
        writeRate_.take();
        uint64_t base = burst.address + uint64_t(burst.beatsDone) * BeatBytes;
        for (unsigned i = 0; i < BeatBytes; ++i) {
            if (bitAt(top.m_axi_wstrb, i)) memory_[base + i] = byteAt(top.m_axi_wdata, i);
        }
        ++counters_.writeBeats;
        if (++burst.beatsDone == burst.beats) {
            responses_.push_back({burst.id, cycle + config_.writeLatency});
            writes_.pop_front();
        }
    }

    // A valid signal must stay high, with its payload unchanged, until its handshake.
    void checkStable(const Top& top, uint64_t cycle) {
        AddressRequest ar{top.m_axi_araddr, top.m_axi_arlen, top.m_axi_arid};
        AddressRequest aw{top.m_axi_awaddr, top.m_axi_awlen, top.m_axi_awid};
        if (pendingAr_ && (!top.m_axi_arvalid || *pendingAr_ != ar)) {
            violation("AR", cycle, "arvalid dropped or request changed before arready");
        }
        if (pendingAw_ && (!top.m_axi_awvalid || *pendingAw_ != aw)) {
            violation("AW", cycle, "awvalid dropped or request changed before awready");
        }
        if (pendingWlast_ && (!top.m_axi_wvalid || bool(top.m_axi_wlast) != *pendingWlast_)) {
            violation("W", cycle, "wvalid dropped or wlast changed before wready");
        }
        pendingAr_ = top.m_axi_arvalid && !top.m_axi_arready ? std::optional(ar) : std::nullopt;
        pendingAw_ = top.m_axi_awvalid && !top.m_axi_awready ? std::optional(aw) : std::nullopt;
        pendingWlast_ = top.m_axi_wvalid && !top.m_axi_wready ? std::optional(bool(top.m_axi_wlast))
                                                               : std::nullopt;
    }

    void countStalls(const Top& top) {
        counters_.arStallCycles += top.m_axi_arvalid && !top.m_axi_arready;
        counters_.rBackpressureCycles += top.m_axi_rvalid && !top.m_axi_rready;
        counters_.awStallCycles += top.m_axi_awvalid && !top.m_axi_awready;
        counters_.wStallCycles += top.m_axi_wvalid && !top.m_axi_wready;
        counters_.bBackpressureCycles += top.m_axi_bvalid && !top.m_axi_bready;
        counters_.readBusyCycles += !reads_.empty();
    }

    std::vector<uint8_t>& memory_;
    AxiMemoryConfig config_;
    BeatRate readRate_;
    BeatRate writeRate_;
    std::deque<ReadBurst> reads_;
    bool readBeatShown_ = false;
    std::deque<WriteBurst> writes_;
    std::deque<WriteResponse> responses_;
    uint64_t writesOutstanding_ = 0;
    std::optional<AddressRequest> pendingAr_;
    std::optional<AddressRequest> pendingAw_;
    std::optional<bool> pendingWlast_;
    AxiMemoryCounters counters_;
};

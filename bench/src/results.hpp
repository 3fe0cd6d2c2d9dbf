// Everything one run measures, and how it is written out.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "measure.hpp"
#include "p11.hpp"

namespace carta::bench {

// The three stacks, in the order the tables show them.
inline constexpr const char* kCarta = "carta";
inline constexpr const char* kSofthsm = "SoftHSM2";
inline constexpr const char* kOpenssl = "OpenSSL";

// What the stacks sign: 256 bytes as a rule (the size of the signed attributes an S/MIME
// client hands a token); a large message for the cells that show whether hashing on the
// host overlaps with the card's work for another session.
inline constexpr std::size_t kSampleMessageBytes = 256;
inline constexpr std::size_t kLargeMessageBytes = std::size_t{1} << 20;

// One throughput cell, measured `runs.size()` times (interleaved with the other
// cells, so that a busy machine weighs on every stack alike).
struct SignResult {
    std::string stack;
    SignMechanism mechanism;
    int sessions = 0;
    std::size_t message_bytes = 0;
    std::vector<Throughput> runs;
    double median_per_second() const;
    // Whether this is the cell of `stack` signing `message_bytes` with `mechanism` at `sessions`.
    bool is(const std::string& of_stack, SignMechanism of_mechanism, int at_sessions,
            std::size_t of_message_bytes) const {
        return stack == of_stack && mechanism == of_mechanism && sessions == at_sessions &&
               message_bytes == of_message_bytes;
    }
};

// A Thunderbird-like start, measured in a child process.
struct StartResult {
    double seconds = 0;
    std::optional<long> apdus;  // commands in the trace (carta only)
    // seconds of: load (dlopen), initialize (C_Initialize), slots (C_GetSlotList,
    // C_GetSlotInfo, C_GetTokenInfo), objects (sessions, finding and reading
    // certificates), finalize (C_Finalize, dlclose)
    std::map<std::string, double> phases;
    long tokens = 0, certificates = 0, certificate_bytes = 0;
};

// C_Login, finding the key, one C_SignInit+C_Sign, then `repeat` more
// signatures for the steady state; measured in a child process.
struct LoginSignResult {
    double login_seconds = 0, find_seconds = 0, sign_seconds = 0, repeat_seconds = 0;
    std::optional<long> login_apdus, find_apdus, sign_apdus, repeat_apdus;
    long repeat = 0;
    double first_total() const { return login_seconds + find_seconds + sign_seconds; }
};

// One journey on a card with a real card's timings (carta-sim --latency realistic): what the
// user waits for, the APDUs, and the floor (the card's own time for the APDUs a host cannot
// avoid, from the simulator's latency model).
struct JourneyResult {
    double seconds = 0;
    std::optional<long> apdus;
    double floor_seconds = 0;
};

struct Results {
    // about the run
    std::string date, cpu, commit, latency = "none";
    int cores = 0;
    bool quick = false;
    double seconds_per_cell = 0;

    std::optional<std::vector<double>> transport;  // seconds per round trip
    std::string transport_apdu;
    std::optional<std::vector<double>> floor_verify, floor_signature;  // seconds, see measure_card_floor
    std::optional<double> card_logic_cpu;  // CPU seconds per signature, card_logic.hpp

    std::string load_before, load_after;  // /proc/loadavg

    std::vector<SignResult> sign;
    // "carta cold", "carta warm", "carta no cache", "SoftHSM2": one entry per repetition
    std::map<std::string, std::vector<StartResult>> start;
    std::map<std::string, std::vector<LoginSignResult>> login_sign;  // per stack, one entry per repetition
    // kJourneys' names -> one entry per repetition; empty without a realistic card
    std::map<std::string, std::vector<JourneyResult>> journeys;
    std::map<std::string, std::map<unsigned, std::vector<double>>> keygen;  // stack -> bits -> seconds
    std::map<std::string, bool> verified;  // "stack mechanism" -> signature verified with OpenSSL

    SignResult& sign_cell(const std::string& stack, SignMechanism mechanism, int sessions,
                          std::size_t message_bytes = kSampleMessageBytes);
    // Median ops/s of a cell; nullopt if it was not measured.
    std::optional<double> ops(const std::string& stack, SignMechanism mechanism, int sessions,
                              std::size_t message_bytes = kSampleMessageBytes) const;
    std::vector<int> sessions() const;  // of the cells with the usual message
};

// `value` through printf's `fmt` (one double conversion), for the reports.
std::string format(const char* fmt, double value);

void write_json(const Results& results, const std::string& path);
// The Markdown report; also returned.
std::string write_markdown(const Results& results, const std::string& path);
// Columns: sessions, then ops/s for carta, SoftHSM2, OpenSSL, PKCS#1 v1.5 then PSS.
void write_plot_data(const Results& results, const std::string& path);

}  // namespace carta::bench

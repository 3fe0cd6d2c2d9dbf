// Timing of the real card (cryptoCertum 3.6.1, docs and cryptocertum facts): with
// `realistic`, the simulator sleeps so that each operation takes about as long as
// on the card, which makes the host's APDU count and caching visible in benchmarks.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "carta/sim/card_state.hpp"

namespace carta::sim {

enum class Latency { none, realistic };
std::optional<Latency> latency_from_name(std::string_view name);  // "none" / "realistic"

// What a command did, as far as its duration on the real card goes.
enum class CardOperation { other, verify_code, read_page, sign, decipher, generate_key };

// The real card's time for `operation` (with the key's algorithm where it matters).
std::chrono::milliseconds real_card_time(CardOperation operation, std::optional<KeyAlgorithm> algorithm);

class LatencyModel {
  public:
    // Waits; returns false if the card lost power meanwhile (carta-sim: the card was
    // pulled, the process told to stop, or vpcd went away), which abandons the command.
    using Sleeper = std::function<bool(std::chrono::milliseconds)>;
    // `sleeper` defaults to std::this_thread::sleep_for (never interrupted).
    explicit LatencyModel(Latency latency = Latency::none, Sleeper sleeper = {});

    // Sleeps the difference between the real card's time for the operation and
    // the time already spent since `started` (nothing with Latency::none).
    // False if the sleeper was interrupted by a power loss.
    bool pad(CardOperation operation, std::optional<KeyAlgorithm> algorithm,
             std::chrono::steady_clock::time_point started) const;

  private:
    Latency latency_;
    Sleeper sleeper_;
};

}  // namespace carta::sim

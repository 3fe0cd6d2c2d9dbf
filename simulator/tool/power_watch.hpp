// The card's power, as seen from inside a long command (realistic latency): a
// pull (SIGUSR1), a stop (SIGTERM/SIGINT) or vpcd going away cuts the card's
// power, and the command must be abandoned before it stores anything.
#pragma once

#include <chrono>
#include <deque>
#include <optional>

#include "signal_pipe.hpp"

namespace carta::sim::tool {

class PowerWatch {
  public:
    explicit PowerWatch(SignalFd& signals) : signals_(signals) {}

    // The vpcd connection whose hang-up means power loss (-1: none).
    void watch_connection(int fd) { connection_ = fd; }
    // The latency model's sleeper: waits `duration`; false if power was lost
    // meanwhile. Signals that arrive are kept for next_signal().
    bool sleep(std::chrono::milliseconds duration);
    // Signals seen during a sleep first, then new ones if `fd_ready` (poll said the signal
    // fd is readable: no read per APDU for signals that are not there).
    std::optional<int> next_signal(bool fd_ready);

  private:
    SignalFd& signals_;
    int connection_ = -1;
    std::deque<int> seen_;
};

}  // namespace carta::sim::tool

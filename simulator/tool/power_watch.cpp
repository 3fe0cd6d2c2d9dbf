#include "power_watch.hpp"

#include <poll.h>

#include <cerrno>
#include <csignal>

namespace carta::sim::tool {

bool PowerWatch::sleep(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return true;
        // POLLRDHUP without POLLIN: vpcd sends nothing while it waits for our answer,
        // so only its hang-up wakes us.
        pollfd watch[2] = {{signals_.fd(), POLLIN, 0}, {connection_, POLLRDHUP, 0}};
        const int result = ::poll(watch, connection_ >= 0 ? 2 : 1, static_cast<int>(left.count()));
        if (result < 0 && errno != EINTR) return true;  // cannot watch: just let the time pass
        if (connection_ >= 0 && (watch[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return false;
        while (const auto signal = signals_.next()) {
            seen_.push_back(*signal);
            if (*signal == SIGUSR1 || *signal == SIGTERM || *signal == SIGINT) return false;
        }
    }
}

std::optional<int> PowerWatch::next_signal(bool fd_ready) {
    if (!seen_.empty()) {
        const int signal = seen_.front();
        seen_.pop_front();
        return signal;
    }
    if (!fd_ready) return std::nullopt;
    return signals_.next();
}

}  // namespace carta::sim::tool

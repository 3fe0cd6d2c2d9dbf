// The signals carta-sim reacts to, delivered as readable events on a file
// descriptor (signalfd), so that the poll() loop sees them promptly and no
// handler runs in the middle of an APDU.
#pragma once

#include <optional>

namespace carta::sim::tool {

class SignalFd {
  public:
    // Blocks SIGINT, SIGTERM, SIGUSR1, SIGUSR2 for the process (call before any
    // thread starts) and ignores SIGPIPE (a vpcd that went away is seen by send()).
    SignalFd();
    ~SignalFd();
    SignalFd(const SignalFd&) = delete;
    SignalFd& operator=(const SignalFd&) = delete;

    int fd() const { return fd_; }
    // The next pending signal, if any (never blocks).
    std::optional<int> next();

  private:
    int fd_ = -1;
};

}  // namespace carta::sim::tool

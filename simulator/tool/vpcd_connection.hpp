// The TCP link to vsmartcard's vpcd (the virtual reader inside pcscd). Every
// message in both directions is a 2-byte big-endian length and a payload; a
// 1-byte payload from vpcd is a control (power off/on, reset, ATR request),
// anything longer a command APDU.
#pragma once

#include <optional>
#include <string>

#include "carta/apdu/bytes.hpp"

namespace carta::sim::tool {

struct Endpoint {
    std::string host;
    std::string port;
    // "HOST:PORT"; throws std::invalid_argument.
    static Endpoint parse(const std::string& text);
    std::string text() const { return host + ":" + port; }
};

class VpcdConnection {
  public:
    // Connected, or nullopt while vpcd is not listening (pcscd not up yet or
    // restarting). Throws std::runtime_error for an unresolvable host.
    static std::optional<VpcdConnection> connect(const Endpoint& endpoint);

    VpcdConnection(VpcdConnection&& other) noexcept;
    VpcdConnection& operator=(VpcdConnection&& other) noexcept;
    ~VpcdConnection();

    int fd() const { return fd_; }
    // Reads what has arrived; false when vpcd closed the connection.
    bool receive();
    // The next complete message, if one has arrived.
    std::optional<Bytes> next_message();
    // Sends one length-prefixed message; false if the connection is gone.
    bool send(ByteView payload);

  private:
    explicit VpcdConnection(int fd) : fd_(fd) {}
    bool has_whole_message() const;
    int fd_ = -1;
    Bytes buffer_;
};

}  // namespace carta::sim::tool

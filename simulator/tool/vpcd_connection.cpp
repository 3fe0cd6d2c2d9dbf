#include "vpcd_connection.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

namespace carta::sim::tool {

namespace {

void set_option(int fd, int level, int name) {
    const int on = 1;
    ::setsockopt(fd, level, name, &on, sizeof on);
}

}  // namespace

Endpoint Endpoint::parse(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
        throw std::invalid_argument("--vpcd must be HOST:PORT, not '" + text + "'");
    Endpoint endpoint{text.substr(0, colon), text.substr(colon + 1)};
    if (endpoint.port.find_first_not_of("0123456789") != std::string::npos || endpoint.port.size() > 5 ||
        std::stoul(endpoint.port) == 0 || std::stoul(endpoint.port) > 65535)
        throw std::invalid_argument("--vpcd port must be 1 to 65535, not '" + endpoint.port + "'");
    return endpoint;
}

std::optional<VpcdConnection> VpcdConnection::connect(const Endpoint& endpoint) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int error = ::getaddrinfo(endpoint.host.c_str(), endpoint.port.c_str(), &hints, &found);
    if (error != 0) throw std::runtime_error("cannot resolve " + endpoint.host + ": " + gai_strerror(error));
    std::optional<VpcdConnection> connection;
    for (addrinfo* address = found; address != nullptr && !connection; address = address->ai_next) {
        const int fd =
            ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0) {
            // vpcd writes the length and the payload in two send()s: without
            // NODELAY on our side and QUICKACK before each read, Nagle and delayed
            // ACKs add ~40 ms to every APDU.
            set_option(fd, IPPROTO_TCP, TCP_NODELAY);
            connection = VpcdConnection(fd);
        } else {
            ::close(fd);
        }
    }
    ::freeaddrinfo(found);
    return connection;
}

VpcdConnection::VpcdConnection(VpcdConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

VpcdConnection& VpcdConnection::operator=(VpcdConnection&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        buffer_ = std::move(other.buffer_);
    }
    return *this;
}

VpcdConnection::~VpcdConnection() {
    if (fd_ >= 0) ::close(fd_);
    secure_wipe(buffer_.data(), buffer_.size());
}

bool VpcdConnection::receive() {
    std::uint8_t chunk[4096];
    for (;;) {
        // vpcd sends a message's length and its payload in two segments; the first one's ACK
        // must not be delayed (Linux clears QUICKACK again after a while: set before the read
        // that starts a message). The payload's ACK rides on our answer.
        if (buffer_.empty()) set_option(fd_, IPPROTO_TCP, TCP_QUICKACK);
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
        if (n > 0) {
            buffer_.insert(buffer_.end(), chunk, chunk + n);
            secure_wipe(chunk, static_cast<std::size_t>(n));
            // A full chunk: more may wait. Only a length so far: the ACK this read sent
            // released vpcd's second segment, which loopback has delivered by now, so read
            // again instead of polling first (one system call less per APDU).
            if (static_cast<std::size_t>(n) < sizeof chunk && has_whole_message()) return true;
            continue;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

bool VpcdConnection::has_whole_message() const {
    return buffer_.size() >= 2 && buffer_.size() >= 2 + static_cast<std::size_t>(buffer_[0] << 8 | buffer_[1]);
}

std::optional<Bytes> VpcdConnection::next_message() {
    if (!has_whole_message()) return std::nullopt;
    const std::size_t length = static_cast<std::size_t>(buffer_[0] << 8 | buffer_[1]);
    Bytes message(buffer_.begin() + 2, buffer_.begin() + 2 + static_cast<std::ptrdiff_t>(length));
    secure_wipe(buffer_.data(), 2 + length);
    buffer_.erase(buffer_.begin(), buffer_.begin() + 2 + static_cast<std::ptrdiff_t>(length));
    return message;
}

bool VpcdConnection::send(ByteView payload) {
    if (payload.size() > 0xFFFF) return false;
    Bytes message;
    message.reserve(payload.size() + 2);
    message.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    message.push_back(static_cast<std::uint8_t>(payload.size()));
    message.insert(message.end(), payload.begin(), payload.end());
    std::size_t done = 0;
    bool ok = true;
    while (done < message.size()) {
        const ssize_t n = ::send(fd_, message.data() + done, message.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ok = false;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    secure_wipe(message.data(), message.size());
    return ok;
}

}  // namespace carta::sim::tool

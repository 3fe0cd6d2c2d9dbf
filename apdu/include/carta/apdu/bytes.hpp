// Byte buffers shared by every layer of carta.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace carta {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// "00 A4 04 00" style (sep = ' ') or "00a40400" (sep = 0). Upper case.
std::string to_hex(ByteView bytes, char sep = ' ');

// Accepts upper/lower case hex with optional spaces or colons between bytes.
// Throws std::invalid_argument on anything else (odd digit count, stray characters).
Bytes from_hex(std::string_view text);

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Overwrites memory in a way the optimiser may not remove.
void secure_wipe(void* data, std::size_t size);

// A byte buffer for secrets (PINs, PUKs, plaintexts): wiped on destruction and
// on every reallocation it controls. Move-only so that copies cannot linger.
class SecretBytes {
  public:
    SecretBytes() = default;
    explicit SecretBytes(ByteView bytes);
    explicit SecretBytes(std::string_view text) : SecretBytes(as_bytes(text)) {}
    // Takes over the buffer of `bytes` (no copy is made); `bytes` is left empty.
    explicit SecretBytes(Bytes&& bytes) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    ~SecretBytes();

    ByteView view() const { return {bytes_.data(), bytes_.size()}; }
    const std::uint8_t* data() const { return bytes_.data(); }
    std::size_t size() const { return bytes_.size(); }
    bool empty() const { return bytes_.empty(); }
    void clear();  // wipes and releases the buffer
    // Appends `more`; the old buffer is wiped before it is released.
    void append(ByteView more);

  private:
    Bytes bytes_;
};

}  // namespace carta

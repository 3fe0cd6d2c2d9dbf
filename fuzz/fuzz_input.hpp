// Reading a fuzzer's input as a stream of small decisions and length-prefixed
// chunks. Running out of input is not an error: every read then yields zeros or
// empty chunks, so that each input, however short, is a complete run.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carta/apdu/bytes.hpp"

namespace carta::fuzz {

class FuzzInput {
  public:
    FuzzInput(const std::uint8_t* data, std::size_t size) : rest_(data, size) {}

    bool empty() const { return rest_.empty(); }
    ByteView rest() const { return rest_; }

    std::uint8_t byte() {
        if (rest_.empty()) return 0;
        const std::uint8_t b = rest_[0];
        rest_ = rest_.subspan(1);
        return b;
    }
    std::uint16_t u16() { return static_cast<std::uint16_t>(byte() << 8 | byte()); }
    std::uint32_t u32() {
        const std::uint32_t high = u16();
        return high << 16 | u16();
    }
    bool flag() { return (byte() & 1) != 0; }

    // Up to `n` bytes (fewer at the end of the input).
    ByteView take(std::size_t n) {
        const auto taken = rest_.first(n < rest_.size() ? n : rest_.size());
        rest_ = rest_.subspan(taken.size());
        return taken;
    }
    // A chunk with a two-byte big-endian length in front: APDUs of every size
    // (extended ones included) fit, and the fuzzer can cut and splice them.
    Bytes chunk() {
        const auto n = u16();
        const auto bytes = take(n);
        return Bytes(bytes.begin(), bytes.end());
    }

  private:
    ByteView rest_;
};

// A property the code promises does not hold: stop like a crash, so libFuzzer
// saves the input.
[[noreturn]] inline void violated() {
    __builtin_trap();
}
inline void require(bool property) {
    if (!property) violated();
}

}  // namespace carta::fuzz

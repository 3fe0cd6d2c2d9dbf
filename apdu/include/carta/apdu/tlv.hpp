// Strict, bounds-checked BER-TLV (ISO/IEC 7816-4 clause 6.3 / X.690 subset):
// tags of 1-3 bytes, definite lengths of up to 3 length bytes (0x83 LL LL LL).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "carta/apdu/bytes.hpp"

namespace carta::tlv {

class TlvError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using Tag = std::uint32_t;  // the tag bytes as a big-endian number, e.g. 0x7F49

// One element. `value` points into the buffer given to the reader.
struct Tlv {
    Tag tag = 0;
    ByteView value;
    bool constructed() const;  // bit 6 of the first tag byte
};

// Reads a sequence of TLVs from a buffer. Rejects truncated tags, lengths and
// values, indefinite lengths, non-minimal long-form lengths and tags over 3 bytes.
// Padding bytes 00/FF between elements are NOT skipped: they are errors.
class TlvReader {
  public:
    explicit TlvReader(ByteView buffer) : buffer_(buffer) {}
    bool at_end() const { return pos_ >= buffer_.size(); }
    Tlv next();  // throws TlvError
    std::size_t position() const { return pos_; }

  private:
    ByteView buffer_;
    std::size_t pos_ = 0;
};

// Every element at this level; throws TlvError on any malformation.
std::vector<Tlv> parse_all(ByteView buffer);
// The first element with `tag` at this level (not searched recursively).
std::optional<Tlv> find(ByteView buffer, Tag tag);
// Like find, but throws TlvError("missing tag XX") when absent.
Tlv require(ByteView buffer, Tag tag);

// Encodes tags and minimal definite lengths.
void append_tag(Bytes& out, Tag tag);
void append_length(Bytes& out, std::size_t length);  // throws TlvError if > 0xFFFFFF
Bytes encode(Tag tag, ByteView value);

// Builds nested TLV structures:
//   TlvWriter w; w.begin(0x7F49); w.add(0x81, modulus); w.end(); Bytes b = w.finish();
class TlvWriter {
  public:
    TlvWriter& add(Tag tag, ByteView value);
    TlvWriter& add_byte(Tag tag, std::uint8_t value);
    TlvWriter& add_raw(ByteView already_encoded);
    TlvWriter& begin(Tag tag);
    TlvWriter& end();
    Bytes finish();  // throws TlvError if a begin() is still open

  private:
    Bytes out_;
    std::vector<std::pair<Tag, std::size_t>> open_;  // tag, start offset of content
};

}  // namespace carta::tlv

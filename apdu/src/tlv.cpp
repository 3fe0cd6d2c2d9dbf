#include "carta/apdu/tlv.hpp"

#include <cstdio>
#include <string>

namespace carta::tlv {

namespace {

std::string tag_hex(Tag tag) {
    char buf[16];
    if (tag > 0xFFFF) {
        std::snprintf(buf, sizeof buf, "%06X", static_cast<unsigned>(tag));
    } else if (tag > 0xFF) {
        std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(tag));
    } else {
        std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned>(tag));
    }
    return buf;
}

std::string at(std::size_t offset) {
    return " at offset " + std::to_string(offset);
}

// Number of bytes of `tag` if it is a well-formed 1-3 byte tag, else 0.
std::size_t tag_size(Tag tag) {
    if (tag == 0 || tag > 0xFFFFFF) return 0;
    if (tag <= 0xFF) {
        // A single byte must not announce continuation bytes; 00 and FF are padding.
        return (tag & 0x1F) == 0x1F || tag == 0xFF ? 0 : 1;
    }
    if (tag <= 0xFFFF) {
        const auto b0 = static_cast<std::uint8_t>(tag >> 8), b1 = static_cast<std::uint8_t>(tag);
        const bool ok = (b0 & 0x1F) == 0x1F && b0 != 0xFF && (b1 & 0x80) == 0;
        return ok ? 2 : 0;
    }
    const auto b0 = static_cast<std::uint8_t>(tag >> 16), b1 = static_cast<std::uint8_t>(tag >> 8),
               b2 = static_cast<std::uint8_t>(tag);
    const bool ok = (b0 & 0x1F) == 0x1F && b0 != 0xFF && (b1 & 0x80) != 0 && b1 != 0x80 && (b2 & 0x80) == 0;
    return ok ? 3 : 0;
}

std::uint8_t first_tag_byte(Tag tag) {
    if (tag > 0xFFFF) return static_cast<std::uint8_t>(tag >> 16);
    if (tag > 0xFF) return static_cast<std::uint8_t>(tag >> 8);
    return static_cast<std::uint8_t>(tag);
}

}  // namespace

bool Tlv::constructed() const {
    return (first_tag_byte(tag) & 0x20) != 0;
}

Tlv TlvReader::next() {
    const std::size_t start = pos_;
    const std::size_t size = buffer_.size();
    if (pos_ >= size) throw TlvError("no more TLV elements" + at(start));

    // Tag.
    const std::uint8_t b0 = buffer_[pos_++];
    if (b0 == 0x00 || b0 == 0xFF) {
        throw TlvError("padding byte " + tag_hex(b0) + at(start) + " where a tag was expected");
    }
    Tag tag = b0;
    if ((b0 & 0x1F) == 0x1F) {
        for (int i = 1;; ++i) {
            if (i == 3) throw TlvError("tag longer than 3 bytes" + at(start));
            if (pos_ >= size) throw TlvError("truncated tag" + at(start));
            const std::uint8_t b = buffer_[pos_++];
            if (i == 1 && b == 0x80) throw TlvError("non-minimal tag encoding" + at(start));
            tag = tag << 8 | b;
            if ((b & 0x80) == 0) break;
        }
    }

    // Length.
    if (pos_ >= size) throw TlvError("truncated length of tag " + tag_hex(tag) + at(start));
    const std::uint8_t l0 = buffer_[pos_++];
    std::size_t length = l0;
    if (l0 == 0x80)
        throw TlvError("indefinite length of tag " + tag_hex(tag) + at(start) + " is not allowed");
    if (l0 > 0x83) {
        throw TlvError("length field " + tag_hex(l0) + " of tag " + tag_hex(tag) + at(start) +
                       " announces more than 3 length bytes");
    }
    if (l0 > 0x80) {
        const std::size_t count = l0 & 0x7F;
        if (size - pos_ < count) throw TlvError("truncated length of tag " + tag_hex(tag) + at(start));
        length = 0;
        for (std::size_t i = 0; i < count; ++i) length = length << 8 | buffer_[pos_++];
        static constexpr std::size_t kMinimum[] = {0, 0x80, 0x100, 0x10000};
        if (length < kMinimum[count]) {
            throw TlvError("non-minimal length encoding (" + std::to_string(length) + " in " +
                           std::to_string(count + 1) + " bytes) of tag " + tag_hex(tag) + at(start));
        }
    }

    // Value.
    if (size - pos_ < length) {
        throw TlvError("truncated value of tag " + tag_hex(tag) + at(start) + ": length says " +
                       std::to_string(length) + " bytes but " + std::to_string(size - pos_) + " remain");
    }
    Tlv tlv;
    tlv.tag = tag;
    tlv.value = buffer_.subspan(pos_, length);
    pos_ += length;
    return tlv;
}

std::vector<Tlv> parse_all(ByteView buffer) {
    std::vector<Tlv> out;
    TlvReader reader(buffer);
    while (!reader.at_end()) out.push_back(reader.next());
    return out;
}

std::optional<Tlv> find(ByteView buffer, Tag tag) {
    TlvReader reader(buffer);
    while (!reader.at_end()) {
        Tlv tlv = reader.next();
        if (tlv.tag == tag) return tlv;
    }
    return std::nullopt;
}

Tlv require(ByteView buffer, Tag tag) {
    if (auto tlv = find(buffer, tag)) return *tlv;
    throw TlvError("missing tag " + tag_hex(tag));
}

void append_tag(Bytes& out, Tag tag) {
    const std::size_t n = tag_size(tag);
    if (n == 0) throw TlvError("invalid tag " + tag_hex(tag));
    for (std::size_t i = n; i-- > 0;) out.push_back(static_cast<std::uint8_t>(tag >> (8 * i)));
}

void append_length(Bytes& out, std::size_t length) {
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
    } else if (length <= 0xFF) {
        out.insert(out.end(), {0x81, static_cast<std::uint8_t>(length)});
    } else if (length <= 0xFFFF) {
        out.insert(out.end(),
                   {0x82, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
    } else if (length <= 0xFFFFFF) {
        out.insert(out.end(), {0x83, static_cast<std::uint8_t>(length >> 16),
                               static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
    } else {
        throw TlvError("length " + std::to_string(length) + " does not fit in 3 length bytes");
    }
}

Bytes encode(Tag tag, ByteView value) {
    Bytes out;
    out.reserve(value.size() + 8);
    append_tag(out, tag);
    append_length(out, value.size());
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

TlvWriter& TlvWriter::add(Tag tag, ByteView value) {
    Bytes header;
    append_tag(header, tag);
    append_length(header, value.size());
    out_.insert(out_.end(), header.begin(), header.end());
    out_.insert(out_.end(), value.begin(), value.end());
    return *this;
}

TlvWriter& TlvWriter::add_byte(Tag tag, std::uint8_t value) {
    return add(tag, ByteView(&value, 1));
}

TlvWriter& TlvWriter::add_raw(ByteView already_encoded) {
    out_.insert(out_.end(), already_encoded.begin(), already_encoded.end());
    return *this;
}

TlvWriter& TlvWriter::begin(Tag tag) {
    append_tag(out_, tag);
    open_.emplace_back(tag, out_.size());
    return *this;
}

TlvWriter& TlvWriter::end() {
    if (open_.empty()) throw TlvError("TlvWriter::end() without a matching begin()");
    const std::size_t start = open_.back().second;
    open_.pop_back();
    Bytes length;
    append_length(length, out_.size() - start);
    out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(start), length.begin(), length.end());
    return *this;
}

Bytes TlvWriter::finish() {
    if (!open_.empty()) {
        throw TlvError("TlvWriter::finish() with " + std::to_string(open_.size()) + " unclosed begin(" +
                       tag_hex(open_.back().first) + ")");
    }
    Bytes result = std::move(out_);
    out_.clear();
    return result;
}

}  // namespace carta::tlv

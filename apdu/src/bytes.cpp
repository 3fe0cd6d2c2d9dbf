#include "carta/apdu/bytes.hpp"

#include <stdexcept>
#include <utility>

namespace carta {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_separator(char c) {
    return c == ' ' || c == ':';
}

}  // namespace

std::string to_hex(ByteView bytes, char sep) {
    std::string out;
    out.reserve(bytes.size() * (sep != 0 ? 3 : 2));
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i != 0 && sep != 0) out.push_back(sep);
        out.push_back(kHexDigits[bytes[i] >> 4]);
        out.push_back(kHexDigits[bytes[i] & 0x0F]);
    }
    return out;
}

Bytes from_hex(std::string_view text) {
    Bytes out;
    out.reserve(text.size() / 2);
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_separator(text[i])) {
            ++i;
            continue;
        }
        const int high = hex_value(text[i]);
        if (high < 0) {
            throw std::invalid_argument("from_hex: invalid character '" + std::string(1, text[i]) +
                                        "' at offset " + std::to_string(i));
        }
        if (i + 1 >= text.size()) {
            throw std::invalid_argument("from_hex: odd number of hex digits");
        }
        const int low = hex_value(text[i + 1]);
        if (low < 0) {
            throw std::invalid_argument(is_separator(text[i + 1])
                                            ? "from_hex: separator inside a byte at offset " +
                                                  std::to_string(i + 1)
                                            : "from_hex: invalid character '" + std::string(1, text[i + 1]) +
                                                  "' at offset " + std::to_string(i + 1));
        }
        out.push_back(static_cast<std::uint8_t>(high << 4 | low));
        i += 2;
    }
    return out;
}

void secure_wipe(void* data, std::size_t size) {
    if (data == nullptr || size == 0) return;
    // Byte by byte through a volatile pointer, then a compiler barrier that claims to
    // read the memory: the optimiser may drop neither the stores nor the loop. Written
    // out here rather than taken from OpenSSL (OPENSSL_cleanse) so that the APDU layer,
    // and the card core above it, link without OpenSSL (a Windows minidriver has none).
    auto* bytes = static_cast<volatile unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = 0;
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(data) : "memory");
#endif
}

SecretBytes::SecretBytes(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::SecretBytes(Bytes&& bytes) noexcept : bytes_(std::move(bytes)) {
    bytes.clear();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    // std::vector's move constructor steals the buffer; make the source's state explicit.
    other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        clear();
        bytes_ = std::move(other.bytes_);
        other.bytes_.clear();
    }
    return *this;
}

SecretBytes::~SecretBytes() {
    secure_wipe(bytes_.data(), bytes_.capacity());
}

void SecretBytes::clear() {
    secure_wipe(bytes_.data(), bytes_.capacity());
    Bytes().swap(bytes_);
}

void SecretBytes::append(ByteView more) {
    if (more.empty()) return;
    Bytes grown;
    grown.reserve(bytes_.size() + more.size());
    grown.insert(grown.end(), bytes_.begin(), bytes_.end());
    grown.insert(grown.end(), more.begin(), more.end());
    clear();
    bytes_ = std::move(grown);
}

}  // namespace carta

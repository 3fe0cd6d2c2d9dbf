#include "template.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "errors.hpp"

namespace carta::pkcs11 {
namespace {

constexpr CK_ULONG kMaxAttributeValue = 0x8000;

}  // namespace

Template::Template(CK_ATTRIBUTE_PTR attributes, CK_ULONG count) {
    if (attributes == nullptr && count > 0) fail(CKR_ARGUMENTS_BAD, "NULL template with a count");
    if (!fits_in_memory(attributes, count, sizeof(CK_ATTRIBUTE)))
        fail(CKR_ARGUMENTS_BAD, "a template count past the end of memory");
    if (count > 0) attributes_ = {attributes, count};
}

const CK_ATTRIBUTE* Template::find(CK_ATTRIBUTE_TYPE type) const {
    for (const auto& attribute : attributes_)
        if (attribute.type == type) return &attribute;
    return nullptr;
}

std::optional<bool> Template::boolean(CK_ATTRIBUTE_TYPE type) const {
    const auto* a = find(type);
    if (a == nullptr) return std::nullopt;
    if (a->pValue == nullptr || a->ulValueLen != sizeof(CK_BBOOL))
        fail(CKR_ATTRIBUTE_VALUE_INVALID, "a CK_BBOOL attribute of the wrong size");
    return *static_cast<const CK_BBOOL*>(a->pValue) != CK_FALSE;
}

std::optional<CK_ULONG> Template::ulong(CK_ATTRIBUTE_TYPE type) const {
    const auto* a = find(type);
    if (a == nullptr) return std::nullopt;
    if (a->pValue == nullptr || a->ulValueLen != sizeof(CK_ULONG))
        fail(CKR_ATTRIBUTE_VALUE_INVALID, "a CK_ULONG attribute of the wrong size");
    CK_ULONG value = 0;
    std::memcpy(&value, a->pValue, sizeof value);
    return value;
}

std::optional<Bytes> Template::bytes(CK_ATTRIBUTE_TYPE type) const {
    const auto* a = find(type);
    if (a == nullptr) return std::nullopt;
    if (a->ulValueLen == 0) return Bytes{};
    if (a->pValue == nullptr || a->ulValueLen == CK_UNAVAILABLE_INFORMATION)
        fail(CKR_ATTRIBUTE_VALUE_INVALID, "an attribute without a value");
    // No value the card can hold is longer than a file (docs §6: under 32 KiB); a longer
    // claim is refused before anything is copied.
    if (a->ulValueLen > kMaxAttributeValue) fail(CKR_ATTRIBUTE_VALUE_INVALID, "an attribute value too long");
    const auto* p = static_cast<const std::uint8_t*>(a->pValue);
    return Bytes(p, p + a->ulValueLen);
}

Bytes bool_value(bool value) {
    return {static_cast<std::uint8_t>(value ? CK_TRUE : CK_FALSE)};
}

Bytes ulong_value(CK_ULONG value) {
    Bytes out(sizeof value);
    std::memcpy(out.data(), &value, sizeof value);
    return out;
}

Bytes text_value(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

CK_RV copy_out(ByteView value, CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
    if (out == nullptr) {
        *out_len = value.size();
        return CKR_OK;
    }
    if (*out_len < value.size()) {
        *out_len = value.size();
        return CKR_BUFFER_TOO_SMALL;
    }
    if (!value.empty()) std::memcpy(out, value.data(), value.size());
    *out_len = value.size();
    return CKR_OK;
}

bool fits_in_memory(const void* buffer, CK_ULONG count, std::size_t element_size) {
    const auto start = reinterpret_cast<std::uintptr_t>(buffer);
    const auto largest = std::min<std::uintptr_t>(std::numeric_limits<std::uintptr_t>::max() - start,
                                                  std::numeric_limits<std::ptrdiff_t>::max());
    return count <= largest / element_size;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max) {
    if (text.size() <= max) return text;
    std::size_t end = max;
    // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

void set_text(CK_UTF8CHAR* field, std::size_t size, std::string_view text) {
    std::memset(field, ' ', size);
    const auto fitting = utf8_prefix(text, size);
    std::memcpy(field, fitting.data(), fitting.size());
}

}  // namespace carta::pkcs11

// Reading an application's attribute template and writing into its buffers.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "carta/apdu/bytes.hpp"
#include "ck.hpp"

namespace carta::pkcs11 {

class Template {
  public:
    // Throws Pkcs11Error(CKR_ARGUMENTS_BAD) for a NULL template with count > 0.
    Template(CK_ATTRIBUTE_PTR attributes, CK_ULONG count);

    std::span<const CK_ATTRIBUTE> all() const { return attributes_; }
    const CK_ATTRIBUTE* find(CK_ATTRIBUTE_TYPE type) const;
    // Each throws Pkcs11Error(CKR_ATTRIBUTE_VALUE_INVALID) for a value of the wrong size.
    std::optional<bool> boolean(CK_ATTRIBUTE_TYPE type) const;
    std::optional<CK_ULONG> ulong(CK_ATTRIBUTE_TYPE type) const;
    std::optional<Bytes> bytes(CK_ATTRIBUTE_TYPE type) const;

  private:
    std::span<const CK_ATTRIBUTE> attributes_;
};

// Attribute values as PKCS#11 stores them.
Bytes bool_value(bool value);
Bytes ulong_value(CK_ULONG value);
Bytes text_value(std::string_view text);

// The length-query rule shared by every function with output (§5.2): a NULL
// buffer asks for the length only (CKR_OK); a short one gets CKR_BUFFER_TOO_SMALL
// and the length needed. `out_len` must not be NULL (checked by the caller).
CK_RV copy_out(ByteView value, CK_BYTE_PTR out, CK_ULONG_PTR out_len);

// A fixed-size, blank-padded, not NUL-terminated text field (CK_TOKEN_INFO...).
// Cut at a UTF-8 character boundary if too long.
template <std::size_t N>
void set_text(CK_UTF8CHAR (&field)[N], std::string_view text);
void set_text(CK_UTF8CHAR* field, std::size_t size, std::string_view text);
template <std::size_t N>
void set_text(CK_UTF8CHAR (&field)[N], std::string_view text) {
    set_text(field, N, text);
}

// False for a caller-given buffer of `count` elements that would reach past the end of
// the address space: a length no real buffer can have, such as (CK_ULONG)-1.
bool fits_in_memory(const void* buffer, CK_ULONG count, std::size_t element_size = 1);

// The longest prefix of `text` of at most `max` bytes that ends on a UTF-8 boundary.
std::string_view utf8_prefix(std::string_view text, std::size_t max);

}  // namespace carta::pkcs11

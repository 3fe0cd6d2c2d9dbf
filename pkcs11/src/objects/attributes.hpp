// Object attributes as tables: for each kind of object, which attributes it
// has, how each is computed, and whether it may be revealed (PKCS#11 §4).
// C_GetAttributeValue, C_FindObjects and C_SetAttributeValue all read them.
#pragma once

#include "carta/apdu/bytes.hpp"
#include "ck.hpp"
#include "object_store.hpp"
#include "template.hpp"

namespace carta::pkcs11 {

struct AttributeRead {
    enum class Result { Value, Sensitive, Invalid } result = Result::Invalid;
    Bytes value;
};

AttributeRead read_attribute(const Object& object, CK_ATTRIBUTE_TYPE type);

// C_GetAttributeValue for one object and a whole template, with the spec's
// per-attribute rules (§5.7): sensitive or unknown attributes and short
// buffers get CK_UNAVAILABLE_INFORMATION; the others are filled in.
CK_RV get_attribute_values(const Object& object, CK_ATTRIBUTE_PTR attributes, CK_ULONG count);

// Whether objects of this kind have the attribute at all (without computing it).
bool has_attribute(ObjectKind kind, CK_KEY_TYPE key_type, CK_ATTRIBUTE_TYPE type);

// C_FindObjects: every attribute of the template is there with exactly that value.
bool matches(const Object& object, const Template& search);

}  // namespace carta::pkcs11

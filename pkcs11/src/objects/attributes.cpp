#include "attributes.hpp"

#include <cstring>
#include <vector>

#include "mechanisms.hpp"

namespace carta::pkcs11 {
namespace {

using Getter = Bytes (*)(const Object&);

struct AttributeRule {
    CK_ATTRIBUTE_TYPE type;
    Getter get;  // nullptr: sensitive, never revealed
};

Bytes yes(const Object&) {
    return bool_value(true);
}
Bytes no(const Object&) {
    return bool_value(false);
}
Bytes empty(const Object&) {
    return {};
}

// Storage objects (§4.4).
const std::vector<AttributeRule> kStorage{
    {CKA_CLASS, [](const Object& o) { return ulong_value(o.object_class()); }},
    {CKA_TOKEN, yes},
    {CKA_PRIVATE, [](const Object& o) { return bool_value(o.is_private()); }},
    {CKA_MODIFIABLE, [](const Object& o) { return bool_value(o.modifiable()); }},
    {CKA_COPYABLE, no},
    {CKA_DESTROYABLE, [](const Object& o) { return bool_value(o.destroyable()); }},
    {CKA_LABEL, [](const Object& o) { return text_value(o.label); }},
};

// Keys (§4.7), public and private alike.
const std::vector<AttributeRule> kKey{
    {CKA_KEY_TYPE, [](const Object& o) { return ulong_value(o.key_type); }},
    {CKA_ID, [](const Object& o) { return o.id; }},
    {CKA_START_DATE, empty},
    {CKA_END_DATE, empty},
    {CKA_DERIVE, no},
    {CKA_LOCAL, [](const Object& o) { return bool_value(o.key->generated_on_card()); }},
    {CKA_KEY_GEN_MECHANISM,
     [](const Object& o) {
         if (!o.key->generated_on_card()) return ulong_value(CK_UNAVAILABLE_INFORMATION);
         return ulong_value(o.key_type == CKK_RSA ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN);
     }},
    {CKA_ALLOWED_MECHANISMS,
     [](const Object& o) {
         const auto list = allowed_mechanisms(o);
         Bytes out(list.size() * sizeof(CK_MECHANISM_TYPE));
         if (!list.empty()) std::memcpy(out.data(), list.data(), out.size());
         return out;
     }},
    {CKA_SUBJECT, [](const Object& o) { return o.subject; }},
    {CKA_PUBLIC_KEY_INFO, [](const Object& o) { return o.spki; }},
};

// Public keys (§4.8): what the card's key may do, seen from the public half.
const std::vector<AttributeRule> kPublicKey{
    {CKA_ENCRYPT, [](const Object& o) { return bool_value(o.key_type == CKK_RSA && o.can_decipher()); }},
    {CKA_VERIFY, [](const Object& o) { return bool_value(o.can_sign()); }},
    {CKA_VERIFY_RECOVER, no},
    {CKA_WRAP, [](const Object& o) { return bool_value(o.key_type == CKK_RSA && o.can_decipher()); }},
    {CKA_TRUSTED, no},
};

// Private keys (§4.9): generated or imported into the card, never leaving it.
const std::vector<AttributeRule> kPrivateKey{
    {CKA_SENSITIVE, yes},
    {CKA_DECRYPT, [](const Object& o) { return bool_value(o.key_type == CKK_RSA && o.can_decipher()); }},
    {CKA_SIGN, [](const Object& o) { return bool_value(o.can_sign()); }},
    {CKA_SIGN_RECOVER, no},
    {CKA_UNWRAP, [](const Object& o) { return bool_value(o.key_type == CKK_RSA && o.can_decipher()); }},
    {CKA_EXTRACTABLE, no},
    {CKA_ALWAYS_SENSITIVE, yes},
    {CKA_NEVER_EXTRACTABLE, yes},
    {CKA_WRAP_WITH_TRUSTED, no},
    {CKA_ALWAYS_AUTHENTICATE, no},
    {CKA_VALUE, nullptr},  // the key itself: never revealed (EC's private value; asked of RSA keys too)
};

const std::vector<AttributeRule> kRsa{
    {CKA_MODULUS, [](const Object& o) { return o.modulus; }},
    {CKA_MODULUS_BITS, [](const Object& o) { return ulong_value(o.key_bits); }},
    {CKA_PUBLIC_EXPONENT, [](const Object& o) { return o.public_exponent; }},
};

const std::vector<AttributeRule> kRsaPrivate{
    {CKA_PRIVATE_EXPONENT, nullptr}, {CKA_PRIME_1, nullptr},    {CKA_PRIME_2, nullptr},
    {CKA_EXPONENT_1, nullptr},       {CKA_EXPONENT_2, nullptr}, {CKA_COEFFICIENT, nullptr},
};

const std::vector<AttributeRule> kEc{
    {CKA_EC_PARAMS, [](const Object& o) { return o.ec_params; }},
    {CKA_EC_POINT, [](const Object& o) { return o.ec_point; }},
};

// X.509 certificates (§4.6).
const std::vector<AttributeRule> kCertificate{
    {CKA_CERTIFICATE_TYPE, [](const Object&) { return ulong_value(CKC_X_509); }},
    {CKA_TRUSTED, [](const Object& o) { return bool_value(o.trusted); }},
    {CKA_CERTIFICATE_CATEGORY, [](const Object& o) { return ulong_value(o.category); }},
    {CKA_CHECK_VALUE, [](const Object& o) { return o.check_value; }},
    {CKA_START_DATE, empty},
    {CKA_END_DATE, empty},
    {CKA_PUBLIC_KEY_INFO, [](const Object& o) { return o.spki; }},
    {CKA_SUBJECT, [](const Object& o) { return o.subject; }},
    {CKA_ID, [](const Object& o) { return o.id; }},
    {CKA_ISSUER, [](const Object& o) { return o.issuer; }},
    {CKA_SERIAL_NUMBER, [](const Object& o) { return o.serial_number; }},
    {CKA_VALUE, [](const Object& o) { return o.certificate->der; }},
    {CKA_URL, empty},
    {CKA_HASH_OF_SUBJECT_PUBLIC_KEY, empty},
    {CKA_HASH_OF_ISSUER_PUBLIC_KEY, empty},
    {CKA_JAVA_MIDP_SECURITY_DOMAIN, [](const Object&) { return ulong_value(0); }},
    {CKA_NAME_HASH_ALGORITHM, [](const Object&) { return ulong_value(CKM_SHA_1); }},
};

// Profile objects (3.0 §4.13).
const std::vector<AttributeRule> kProfile{
    {CKA_PROFILE_ID, [](const Object& o) { return ulong_value(o.profile_id); }},
};

using Schema = std::vector<const std::vector<AttributeRule>*>;

const Schema& schema_of(ObjectKind kind, CK_KEY_TYPE key_type) {
    static const Schema certificate{&kStorage, &kCertificate};
    static const Schema rsa_public{&kStorage, &kKey, &kPublicKey, &kRsa};
    static const Schema ec_public{&kStorage, &kKey, &kPublicKey, &kEc};
    static const Schema rsa_private{&kStorage, &kKey, &kPrivateKey, &kRsa, &kRsaPrivate};
    static const Schema ec_private{&kStorage, &kKey, &kPrivateKey, &kEc};
    static const Schema profile{&kStorage, &kProfile};
    switch (kind) {
        case ObjectKind::Certificate:
            return certificate;
        case ObjectKind::PublicKey:
            return key_type == CKK_RSA ? rsa_public : ec_public;
        case ObjectKind::PrivateKey:
            return key_type == CKK_RSA ? rsa_private : ec_private;
        case ObjectKind::Profile:
            return profile;
    }
    return certificate;
}

}  // namespace

AttributeRead read_attribute(const Object& object, CK_ATTRIBUTE_TYPE type) {
    for (const auto* group : schema_of(object.kind, object.key_type)) {
        for (const auto& rule : *group) {
            if (rule.type != type) continue;
            if (rule.get == nullptr) return {AttributeRead::Result::Sensitive, {}};
            return {AttributeRead::Result::Value, rule.get(object)};
        }
    }
    return {AttributeRead::Result::Invalid, {}};
}

bool has_attribute(ObjectKind kind, CK_KEY_TYPE key_type, CK_ATTRIBUTE_TYPE type) {
    for (const auto* group : schema_of(kind, key_type))
        for (const auto& rule : *group)
            if (rule.type == type) return true;
    return false;
}

CK_RV get_attribute_values(const Object& object, CK_ATTRIBUTE_PTR attributes, CK_ULONG count) {
    bool sensitive = false, invalid = false, too_small = false;
    for (CK_ULONG i = 0; i < count; ++i) {
        CK_ATTRIBUTE& attribute = attributes[i];
        const auto read = read_attribute(object, attribute.type);
        if (read.result != AttributeRead::Result::Value) {
            attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            (read.result == AttributeRead::Result::Sensitive ? sensitive : invalid) = true;
        } else if (attribute.pValue == nullptr) {
            attribute.ulValueLen = read.value.size();
        } else if (attribute.ulValueLen >= read.value.size()) {
            if (!read.value.empty()) std::memcpy(attribute.pValue, read.value.data(), read.value.size());
            attribute.ulValueLen = read.value.size();
        } else {
            attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            too_small = true;
        }
    }
    if (sensitive) return CKR_ATTRIBUTE_SENSITIVE;
    if (invalid) return CKR_ATTRIBUTE_TYPE_INVALID;
    if (too_small) return CKR_BUFFER_TOO_SMALL;
    return CKR_OK;
}

bool matches(const Object& object, const Template& search) {
    for (const auto& wanted : search.all()) {
        const auto read = read_attribute(object, wanted.type);
        if (read.result != AttributeRead::Result::Value) return false;
        if (wanted.ulValueLen != read.value.size()) return false;
        if (!read.value.empty() && (wanted.pValue == nullptr ||
                                    std::memcmp(wanted.pValue, read.value.data(), read.value.size()) != 0))
            return false;
    }
    return true;
}

}  // namespace carta::pkcs11

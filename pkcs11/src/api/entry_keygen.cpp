// PKCS#11 §5.14 Key management: C_GenerateKeyPair (on the card: RSA 2048/3072/
// 4096, EC P-256/P-384); C_GenerateKey, C_WrapKey, C_UnwrapKey, C_DeriveKey are
// not offered (the card holds no secret keys). NSS decrypts S/MIME without
// C_UnwrapKey: it decrypts the content key with C_Decrypt and imports it itself.
#include <algorithm>
#include <array>
#include <string_view>

#include "call.hpp"
#include "carta/card/types.hpp"
#include "guard.hpp"
#include "mech_params.hpp"
#include "mechanisms.hpp"
#include "template.hpp"

namespace carta::pkcs11 {
namespace {

using card::KeyAlgorithm;

KeyAlgorithm rsa_algorithm(const Template& pub) {
    const auto bits = pub.ulong(CKA_MODULUS_BITS);
    if (!bits) fail(CKR_TEMPLATE_INCOMPLETE, "CKA_MODULUS_BITS missing");
    if (*bits < kRsaMinBits || *bits > kRsaMaxBits)
        fail(CKR_KEY_SIZE_RANGE, "RSA keys are 2048, 3072 or 4096 bits");
    if (const auto exponent = pub.bytes(CKA_PUBLIC_EXPONENT)) {
        auto first = std::find_if(exponent->begin(), exponent->end(), [](std::uint8_t b) { return b != 0; });
        if (Bytes(first, exponent->end()) != Bytes{0x01, 0x00, 0x01})
            fail(CKR_ATTRIBUTE_VALUE_INVALID, "the card's RSA keys have the public exponent 65537");
    }
    if (const auto algorithm = card::rsa_key_algorithm(static_cast<unsigned>(*bits))) return *algorithm;
    fail(CKR_ATTRIBUTE_VALUE_INVALID, "RSA keys are 2048, 3072 or 4096 bits");
}

// CKA_EC_PARAMS: the curve's OID, or (PKCS#11 3.0) its name as a PrintableString.
KeyAlgorithm ec_algorithm(const Template& pub, const Template& priv) {
    auto params = pub.bytes(CKA_EC_PARAMS);
    if (!params) params = priv.bytes(CKA_EC_PARAMS);
    if (!params) fail(CKR_TEMPLATE_INCOMPLETE, "CKA_EC_PARAMS missing");
    if (const auto algorithm = card::ec_key_algorithm_by_oid(*params)) return *algorithm;
    if (params->size() > 2 && (*params)[0] == 0x13 && (*params)[1] == params->size() - 2) {
        const std::string_view name(reinterpret_cast<const char*>(params->data() + 2), params->size() - 2);
        if (const auto algorithm = card::ec_key_algorithm_by_curve(name)) return *algorithm;
    }
    fail(CKR_CURVE_NOT_SUPPORTED, "the card has P-256 and P-384");
}

void check_class_and_type(const Template& t, CK_OBJECT_CLASS object_class, CK_KEY_TYPE key_type) {
    if (t.ulong(CKA_CLASS).value_or(object_class) != object_class)
        fail(CKR_TEMPLATE_INCONSISTENT, "wrong CKA_CLASS in a key template");
    if (t.ulong(CKA_KEY_TYPE).value_or(key_type) != key_type)
        fail(CKR_TEMPLATE_INCONSISTENT, "CKA_KEY_TYPE does not match the mechanism");
    if (t.boolean(CKA_TOKEN) == false) fail(CKR_TEMPLATE_INCONSISTENT, "keys live on the card (CKA_TOKEN)");
}

// The card's usage flags from the templates; 0 lets the card choose (docs §5).
std::uint8_t usage_flags(const Template& pub, const Template& priv, bool rsa) {
    const std::array<std::optional<bool>, 2> sign{priv.boolean(CKA_SIGN), pub.boolean(CKA_VERIFY)};
    const std::array<std::optional<bool>, 4> decipher{priv.boolean(CKA_DECRYPT), priv.boolean(CKA_UNWRAP),
                                                      pub.boolean(CKA_ENCRYPT), pub.boolean(CKA_WRAP)};
    const auto any_set = [](const auto& values) {
        return std::any_of(values.begin(), values.end(), [](const auto& v) { return v.has_value(); });
    };
    const auto any_true = [](const auto& values) {
        return std::any_of(values.begin(), values.end(), [](const auto& v) { return v.value_or(false); });
    };
    if (!any_set(sign) && !any_set(decipher)) return 0;
    std::uint8_t flags = 0;
    if (any_true(sign)) flags |= card::key_flags::kSign;
    if (rsa && any_true(decipher)) flags |= card::key_flags::kDecipher;
    return flags;
}

std::string label_of(const Template& pub, const Template& priv) {
    auto label = priv.bytes(CKA_LABEL);
    if (!label) label = pub.bytes(CKA_LABEL);
    return label ? std::string(label->begin(), label->end()) : std::string();
}

CK_RV generate_key_pair(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism, CK_ATTRIBUTE_PTR pub_attributes,
                        CK_ULONG pub_count, CK_ATTRIBUTE_PTR priv_attributes, CK_ULONG priv_count,
                        CK_OBJECT_HANDLE_PTR pub_key, CK_OBJECT_HANDLE_PTR priv_key) {
    if (mechanism == nullptr || pub_key == nullptr || priv_key == nullptr) fail(CKR_ARGUMENTS_BAD);
    SessionCall call(handle);
    const Template pub(pub_attributes, pub_count);
    const Template priv(priv_attributes, priv_count);
    const MechanismSpec* spec = find_mechanism(mechanism->mechanism);
    if (spec == nullptr || (spec->flags & CKF_GENERATE_KEY_PAIR) == 0 ||
        !offered_on(*spec, call.slot().profile()))
        fail(CKR_MECHANISM_INVALID);
    require_no_parameter(*mechanism);
    const bool rsa = spec->family == KeyFamily::Rsa;
    check_class_and_type(pub, CKO_PUBLIC_KEY, rsa ? CKK_RSA : CKK_EC);
    check_class_and_type(priv, CKO_PRIVATE_KEY, rsa ? CKK_RSA : CKK_EC);
    const KeyAlgorithm algorithm = rsa ? rsa_algorithm(pub) : ec_algorithm(pub, priv);
    call.require_read_write();
    if (call.slot().login() != Login::User)
        fail(CKR_USER_NOT_LOGGED_IN, "the card generates keys after the PIN");
    // CKA_ID cannot be chosen: it is the key reference the card assigns.
    const auto [public_handle, private_handle] =
        call.slot().generate_key(algorithm, label_of(pub, priv), usage_flags(pub, priv, rsa));
    *pub_key = public_handle;
    *priv_key = private_handle;
    return CKR_OK;
}

}  // namespace
}  // namespace carta::pkcs11

using namespace carta::pkcs11;

// The card holds no secret keys, so no mechanism can make one.
CK_RV C_GenerateKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR) {
    return guarded("C_GenerateKey", [&] { return after_session_check(s, CKR_MECHANISM_INVALID); });
}

CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pub, CK_ULONG pub_n,
                        CK_ATTRIBUTE_PTR priv, CK_ULONG priv_n, CK_OBJECT_HANDLE_PTR pub_key,
                        CK_OBJECT_HANDLE_PTR priv_key) {
    return guarded("C_GenerateKeyPair",
                   [&] { return generate_key_pair(s, m, pub, pub_n, priv, priv_n, pub_key, priv_key); });
}

CK_RV C_WrapKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, CK_BYTE_PTR,
                CK_ULONG_PTR) {
    return guarded("C_WrapKey", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}

CK_RV C_UnwrapKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG,
                  CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR) {
    return guarded("C_UnwrapKey", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}

CK_RV C_DeriveKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG,
                  CK_OBJECT_HANDLE_PTR) {
    return guarded("C_DeriveKey", [&] { return after_session_check(s, CKR_FUNCTION_NOT_SUPPORTED); });
}

// What an application hands the PKCS#11 module through the function list,
// fuzzed at the functions that read it: attribute templates (C_FindObjectsInit,
// C_GetAttributeValue, C_GenerateKeyPair's reading of values) and mechanism
// parameters (C_SignInit, C_VerifyInit, C_EncryptInit, C_DecryptInit,
// C_DigestInit), against the objects of the template card of sim_card.hpp.
// The module reaches cards only through PC/SC, so these functions are linked
// from pkcs11/src directly; the checks the entry points make first are repeated.
//
// Input: [object][n] n attributes, then a mechanism, data and a signature.
//   attribute: [type selector][length mode][value bytes]
//   mechanism: [type selector][parameter length][parameter bytes]
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <vector>

#include "attributes.hpp"
#include "carta/apdu/in_process_transport.hpp"
#include "carta/card/card.hpp"
#include "ecdsa.hpp"
#include "errors.hpp"
#include "fuzz_input.hpp"
#include "mech_params.hpp"
#include "mechanisms.hpp"
#include "object_store.hpp"
#include "operations.hpp"
#include "sim_card.hpp"
#include "template.hpp"

namespace carta::fuzz {
namespace {

using namespace carta::pkcs11;

// The objects of the template card as the module builds them: read through the
// card library from the simulated card, once per process.
const ObjectStore& objects() {
    static const ObjectStore store = [] {
        auto sim_card = fresh_sim_card();
        apdu::InProcessTransport transport(*sim_card);
        card::Card card(transport, card::Profile::Common);
        const auto status = card.status();
        return ObjectStore(0, card::Profile::Common, card.contents(), status.change_counter);
    }();
    return store;
}

constexpr std::array<CK_ATTRIBUTE_TYPE, 40> kAttributeTypes{
    CKA_CLASS,
    CKA_TOKEN,
    CKA_PRIVATE,
    CKA_LABEL,
    CKA_ID,
    CKA_KEY_TYPE,
    CKA_MODULUS,
    CKA_MODULUS_BITS,
    CKA_PUBLIC_EXPONENT,
    CKA_EC_PARAMS,
    CKA_EC_POINT,
    CKA_SIGN,
    CKA_VERIFY,
    CKA_DECRYPT,
    CKA_ENCRYPT,
    CKA_SENSITIVE,
    CKA_EXTRACTABLE,
    CKA_ALLOWED_MECHANISMS,
    CKA_SUBJECT,
    CKA_ISSUER,
    CKA_SERIAL_NUMBER,
    CKA_VALUE,
    CKA_CERTIFICATE_TYPE,
    CKA_CERTIFICATE_CATEGORY,
    CKA_CHECK_VALUE,
    CKA_TRUSTED,
    CKA_PUBLIC_KEY_INFO,
    CKA_MODIFIABLE,
    CKA_DESTROYABLE,
    CKA_LOCAL,
    CKA_KEY_GEN_MECHANISM,
    CKA_WRAP,
    CKA_UNWRAP,
    CKA_PRIVATE_EXPONENT,
    CKA_PRIME_1,
    CKA_ALWAYS_AUTHENTICATE,
    CKA_START_DATE,
    CKA_URL,
    CKA_NAME_HASH_ALGORITHM,
    CKA_VENDOR_DEFINED,
};

CK_ULONG type_of(FuzzInput& input, const auto& table) {
    const auto selector = input.byte();
    if (selector < table.size()) return table[selector];
    return input.u32();
}

// An application's template: each value in a buffer of exactly its declared
// length (or NULL), so that ASan sees any read or write past what the
// application gave.
struct FuzzTemplate {
    std::vector<CK_ATTRIBUTE> attributes;
    std::vector<std::unique_ptr<std::uint8_t[]>> buffers;

    CK_ATTRIBUTE* add(CK_ATTRIBUTE_TYPE type, CK_ULONG length, bool null_value) {
        buffers.emplace_back(null_value ? nullptr : new std::uint8_t[length == 0 ? 1 : length]());
        attributes.push_back({type, buffers.back().get(), length});
        return &attributes.back();
    }
};

FuzzTemplate read_template(FuzzInput& input) {
    FuzzTemplate t;
    const auto count = input.byte() % 8;
    t.attributes.reserve(count);
    for (int i = 0; i < count; ++i) {
        const auto type = type_of(input, kAttributeTypes);
        const auto mode = input.byte();
        const bool null_value = (mode & 0x80) != 0;
        const CK_ULONG length = mode & 0x7F;
        auto* attribute = t.add(type, length, null_value);
        if (!null_value) {
            const auto value = input.take(length);
            std::copy(value.begin(), value.end(), static_cast<std::uint8_t*>(attribute->pValue));
        }
    }
    return t;
}

void read_values(const FuzzTemplate& t) {
    if (t.attributes.empty()) return;
    const Template reader(const_cast<CK_ATTRIBUTE*>(t.attributes.data()), t.attributes.size());
    for (const auto& attribute : t.attributes) {
        try {
            (void)reader.boolean(attribute.type);
            (void)reader.ulong(attribute.type);
            (void)reader.bytes(attribute.type);
        } catch (const Pkcs11Error&) {
        }
    }
    for (const auto& object : objects().objects()) (void)matches(object, reader);
}

// C_GetAttributeValue writes into the template's buffers, within their lengths.
void get_values(const Object& object, FuzzTemplate& t) {
    if (t.attributes.empty()) return;
    (void)get_attribute_values(object, t.attributes.data(), t.attributes.size());
}

// entry_crypto.cpp's usable_key(): what C_*Init checks before a factory runs.
bool usable(const Object& key, const MechanismSpec& spec, Use use) {
    if (!key.is_key()) return false;
    if ((use == Use::Sign || use == Use::Decrypt) && !key.is_private()) return false;
    if (family_of(key) != spec.family) return false;
    if (key.key_bits < spec.min_key_bits || key.key_bits > spec.max_key_bits) return false;
    return (use == Use::Sign || use == Use::Verify) ? key.can_sign() : key.can_decipher();
}

struct FuzzMechanism {
    CK_MECHANISM mechanism{};
    std::unique_ptr<std::uint8_t[]> parameter;
    Bytes source_data;  // an OAEP parameter's label, pointed to by the parameter
};

void read_mechanism(FuzzInput& input, FuzzMechanism& m) {
    const auto table = all_mechanisms();
    const auto selector = input.byte();
    m.mechanism.mechanism = selector < table.size() ? table[selector].type : input.u32();
    const auto mode = input.byte();
    if (mode & 0x80) {  // NULL parameter with a length: the module must not read it
        m.mechanism.ulParameterLen = mode & 0x7F;
        return;
    }
    const CK_ULONG length = mode & 0x7F;
    m.parameter.reset(new std::uint8_t[length == 0 ? 1 : length]());
    const auto bytes = input.take(length);
    std::copy(bytes.begin(), bytes.end(), m.parameter.get());
    m.mechanism.pParameter = m.parameter.get();
    m.mechanism.ulParameterLen = length;
    // The OAEP parameters hold a pointer: an application's is valid, so this one
    // points at real bytes of the length it claims (or is NULL).
    if (length == sizeof(CK_RSA_PKCS_OAEP_PARAMS)) {
        auto* oaep = reinterpret_cast<CK_RSA_PKCS_OAEP_PARAMS*>(m.parameter.get());
        oaep->ulSourceDataLen %= 64;
        const auto label = input.take(oaep->ulSourceDataLen);
        m.source_data.assign(label.begin(), label.end());
        m.source_data.resize(oaep->ulSourceDataLen);
        oaep->pSourceData = (oaep->ulSourceDataLen == 0 && (mode & 1)) ? nullptr : m.source_data.data();
    }
}

void output_operation(const MechanismSpec& spec, Use use, const CK_MECHANISM& mechanism, const Object* key,
                      ByteView data) {
    if (!offers(spec, use)) return;
    try {
        auto operation = start_output(spec, use, mechanism, key);
        operation->update(data);
        (void)operation->output_size();
    } catch (const std::exception&) {
    }
}

void operations(const FuzzMechanism& m, ByteView data, ByteView signature) {
    const MechanismSpec* spec = find_mechanism(m.mechanism.mechanism);
    if (spec == nullptr) return;
    const auto& mechanism = m.mechanism;
    output_operation(*spec, Use::Digest, mechanism, nullptr, data);
    for (const auto& key : objects().objects()) {
        for (const auto use : {Use::Sign, Use::Decrypt, Use::Encrypt})
            if (usable(key, *spec, use)) output_operation(*spec, use, mechanism, &key, data);
        if (usable(key, *spec, Use::Verify) && offers(*spec, Use::Verify)) {
            try {
                auto operation = start_verify(*spec, mechanism, key);
                operation->update(data);
                operation->finish(signature);
            } catch (const std::exception&) {
            }
        }
    }
}

}  // namespace
}  // namespace carta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace carta;
    using namespace carta::fuzz;
    FuzzInput input(data, size);
    const auto& all = objects().objects();
    const auto& object = all[input.byte() % all.size()];
    auto search = read_template(input);
    read_values(search);
    get_values(object, search);

    FuzzMechanism mechanism;
    read_mechanism(input, mechanism);
    const auto message = input.chunk();
    const auto signature = input.chunk();
    operations(mechanism, message, signature);
    try {
        (void)pkcs11::ecdsa_der(signature);
    } catch (const std::exception&) {
    }
    return 0;
}

// MANAGE SECURITY ENVIRONMENT and PERFORM SECURITY OPERATION (docs §7).
#include "card_status.hpp"
#include "commands.hpp"
#include "data_objects.hpp"

namespace carta::sim {

using namespace apdu;

namespace {

constexpr std::uint8_t kRsaPkcs1Hash = 0x42;
constexpr std::uint8_t kRsaPkcs1Raw = 0x02;
constexpr std::uint8_t kRsaPss = 0x52;
constexpr std::uint8_t kEcdsa = 0x44;
constexpr std::uint8_t kRsaDecryptPkcs1 = 0x0A;
constexpr std::uint8_t kRsaDecryptOaep = 0x0B;
constexpr std::size_t kMaxEcdsaInput = 512;

HashId hash_id(std::uint8_t id) {
    const auto hash = hash_from_id(id);
    require(hash.has_value(), sw::kIncorrectData);
    return *hash;
}

const KeyObject& key_for(const Profile& profile, std::uint8_t keyref) {
    const auto found = profile.keys.find(keyref);
    require(found != profile.keys.end(), sw::kReferenceNotFound);
    return found->second;
}

void set_signing(CardContext& card, const DataObjects& fields) {
    const std::uint8_t algorithm = fields.required_byte(0x80);
    const std::uint8_t keyref = fields.required_byte(0x84);
    const KeyObject& key = key_for(card.profile(), keyref);
    const bool rsa_algorithm =
        algorithm == kRsaPkcs1Hash || algorithm == kRsaPkcs1Raw || algorithm == kRsaPss;
    require(rsa_algorithm || algorithm == kEcdsa, sw::kIncorrectData);
    require(rsa_algorithm == key.key->is_rsa() && (key.flags & flags::kMaySign) != 0, sw::kIncorrectData);

    SigningEnvironment environment{keyref, algorithm, {}, {}, {}};
    if (const auto pss = fields.get(0x95)) {
        require(algorithm == kRsaPss && pss->size() == 3, sw::kIncorrectData);
        environment.pss_hash = hash_id((*pss)[0]);
        environment.pss_mgf1_hash = hash_id((*pss)[1]);
        environment.pss_salt_length = (*pss)[2];
        // EMSA-PSS needs room for hash, salt and two bytes (RFC 8017 9.1.1).
        require(hash_length(*environment.pss_hash) + (*pss)[2] + 2 <= key.key->size_bytes(),
                sw::kIncorrectData);
    }
    card.session().signing = environment;
}

void set_deciphering(CardContext& card, const DataObjects& fields) {
    const std::uint8_t algorithm = fields.required_byte(0x80);
    const std::uint8_t keyref = fields.required_byte(0x84);
    const KeyObject& key = key_for(card.profile(), keyref);
    require(algorithm == kRsaDecryptPkcs1 || algorithm == kRsaDecryptOaep, sw::kIncorrectData);
    require(key.key->is_rsa() && (key.flags & flags::kMayDecipher) != 0, sw::kIncorrectData);

    DecipherEnvironment environment;
    environment.keyref = keyref;
    if (algorithm == kRsaDecryptOaep) {
        environment.scheme.padding = DecryptionScheme::Padding::oaep;
        if (const auto hashes = fields.get(0x95)) {
            require(hashes->size() == 2, sw::kIncorrectData);
            environment.scheme.oaep_hash = hash_id((*hashes)[0]);
            environment.scheme.mgf1_hash = hash_id((*hashes)[1]);
        }
        if (const auto label = fields.get(0x96))
            environment.scheme.label.assign(label->begin(), label->end());
    } else {
        require(!fields.has(0x95) && !fields.has(0x96), sw::kIncorrectData);
    }
    card.session().deciphering = environment;
}

// PSO:HASH: the input's length must suit the algorithm of the MSE.
Reply store_hash(CardContext& card, const CommandApdu& command) {
    Session& session = card.session();
    require(session.signing.has_value(), sw::kConditionsNotSatisfied);
    const DataObjects fields(command.data, {0x90});
    const ByteView input = fields.required(0x90);
    const SigningEnvironment& environment = *session.signing;
    const auto found = card.profile().keys.find(environment.keyref);
    require(found != card.profile().keys.end(), sw::kReferenceNotFound);
    const std::size_t k = found->second.key->size_bytes();
    bool fits = false;
    switch (environment.algorithm) {
        case kRsaPkcs1Hash:
            fits = hash_from_length(input.size()).has_value();
            break;
        case kRsaPkcs1Raw:  // 0 to k-11 bytes: PKCS#1 v1.5 pads an empty message too
            fits = input.size() + 11 <= k;
            break;
        case kRsaPss:
            fits = environment.pss_hash ? input.size() == hash_length(*environment.pss_hash)
                                        : hash_from_length(input.size()).has_value();
            break;
        default:
            fits = !input.empty() && input.size() <= kMaxEcdsaInput;
            break;
    }
    require(fits, sw::kIncorrectData);
    session.signature_input = Bytes(input.begin(), input.end());
    return {};
}

Reply compute_signature(CardContext& card, const CommandApdu& command) {
    require(command.data.empty(), sw::kWrongLength);
    card.require_pin();
    Session& session = card.session();
    require(session.signing.has_value() && session.signature_input.has_value(), sw::kConditionsNotSatisfied);
    const Bytes input = std::move(*session.signature_input);
    session.signature_input.reset();  // consumed, whatever happens next
    const SigningEnvironment& environment = *session.signing;
    const KeyObject& key = key_for(card.profile(), environment.keyref);

    SignatureScheme scheme;
    switch (environment.algorithm) {
        case kRsaPkcs1Hash:
            scheme.padding = SignatureScheme::Padding::pkcs1_digest_info;
            scheme.hash = *hash_from_length(input.size());
            break;
        case kRsaPkcs1Raw:
            scheme.padding = SignatureScheme::Padding::pkcs1_raw;
            break;
        case kRsaPss:
            scheme.padding = SignatureScheme::Padding::pss;
            scheme.hash = environment.pss_hash.value_or(*hash_from_length(input.size()));
            scheme.mgf1_hash = environment.pss_mgf1_hash.value_or(scheme.hash);
            scheme.salt_length =
                environment.pss_salt_length.value_or(static_cast<int>(hash_length(scheme.hash)));
            break;
        default:
            scheme.padding = SignatureScheme::Padding::ecdsa;
            break;
    }
    card.note(CardOperation::sign, key.key->algorithm());
    // Not repeatable: the input is consumed, so a short Le gets 61xx, not 6Cxx.
    return Reply{key.key->sign(scheme, input), sw::kOk, false};
}

Reply decipher(CardContext& card, const CommandApdu& command) {
    card.require_pin();
    Session& session = card.session();
    require(session.deciphering.has_value(), sw::kConditionsNotSatisfied);
    const DecipherEnvironment& environment = *session.deciphering;
    const KeyObject& key = key_for(card.profile(), environment.keyref);
    const ByteView data(command.data);
    require(!data.empty() && data[0] == 0x00, sw::kIncorrectData);  // padding indicator
    const ByteView ciphertext = data.subspan(1);
    require(ciphertext.size() == key.key->size_bytes(), sw::kIncorrectData);
    card.note(CardOperation::decipher, key.key->algorithm());
    const auto plaintext = key.key->decrypt(environment.scheme, ciphertext);
    require(plaintext.has_value(), sw::kIncorrectData);
    return Reply{Bytes(plaintext->view().begin(), plaintext->view().end())};
}

}  // namespace

Reply manage_security_environment(CardContext& card, const CommandApdu& command) {
    card.require_initialised();
    Session& session = card.session();
    if (command.p1 == 0x81 && command.p2 == 0xB6) {
        session.signing.reset();  // a failed MSE leaves no environment behind
        session.signature_input.reset();
        set_signing(card, DataObjects(command.data, {0x80, 0x84, 0x95}));
    } else if (command.p1 == 0x41 && command.p2 == 0xB8) {
        session.deciphering.reset();
        set_deciphering(card, DataObjects(command.data, {0x80, 0x84, 0x95, 0x96}));
    } else {
        fail(sw::kIncorrectP1P2);
    }
    return {};
}

Reply perform_security_operation(CardContext& card, const CommandApdu& command) {
    const std::uint16_t p1p2 = static_cast<std::uint16_t>(command.p1 << 8 | command.p2);
    switch (p1p2) {
        case 0x90A0:
            card.profile_id();
            return store_hash(card, command);
        case 0x9E9A:
            return compute_signature(card, command);
        case 0x8086:
            return decipher(card, command);
        default:
            fail(sw::kIncorrectP1P2);
    }
}

}  // namespace carta::sim

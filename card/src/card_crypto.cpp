// Card: signing, deciphering and random numbers (docs/card-protocol.md §7).
#include <array>
#include <utility>

#include "carta/apdu/tlv.hpp"
#include "carta/card/card.hpp"
#include "protocol.hpp"

namespace carta::card {

namespace commands = protocol::commands;
namespace tag = protocol::tag;

namespace {

constexpr std::array<std::pair<SignScheme::Kind, std::uint8_t>, 4> kSignSchemes{{
    {SignScheme::Kind::RsaPkcs1Hash, protocol::scheme::kRsaPkcs1Hash},
    {SignScheme::Kind::RsaPkcs1Raw, protocol::scheme::kRsaPkcs1Raw},
    {SignScheme::Kind::RsaPss, protocol::scheme::kRsaPss},
    {SignScheme::Kind::Ecdsa, protocol::scheme::kEcdsa},
}};

std::uint8_t algorithm_code(SignScheme::Kind kind) {
    for (const auto& [scheme, code] : kSignSchemes)
        if (scheme == kind) return code;
    return 0;
}

std::uint8_t id(HashAlgorithm hash) {
    return static_cast<std::uint8_t>(hash);
}

Bytes sign_environment(std::uint8_t key_ref, const SignScheme& scheme) {
    tlv::TlvWriter writer;
    writer.add_byte(tag::kAlgorithm, algorithm_code(scheme.kind));
    writer.add_byte(tag::kKeyReference, key_ref);
    if (scheme.kind == SignScheme::Kind::RsaPss) {
        const Bytes pss{id(scheme.pss_hash), id(scheme.pss_mgf1_hash), scheme.pss_salt_length};
        writer.add(tag::kSchemeParameters, pss);
    }
    return writer.finish();
}

Bytes decipher_environment(std::uint8_t key_ref, const DecipherScheme& scheme) {
    tlv::TlvWriter writer;
    const bool oaep = scheme.kind == DecipherScheme::Kind::RsaOaep;
    writer.add_byte(tag::kAlgorithm,
                    oaep ? protocol::scheme::kRsaOaepDecipher : protocol::scheme::kRsaPkcs1Decipher);
    writer.add_byte(tag::kKeyReference, key_ref);
    if (oaep) {
        writer.add(tag::kSchemeParameters, Bytes{id(scheme.oaep_hash), id(scheme.oaep_mgf1_hash)});
        if (!scheme.oaep_label.empty()) writer.add(tag::kOaepLabel, scheme.oaep_label);
    }
    return writer.finish();
}

}  // namespace

Bytes Card::sign(std::uint8_t key_ref, const SignScheme& scheme, ByteView input) {
    const auto transaction = begin_transaction();
    enter();
    set_environment(commands::kSetSignatureEnvironment.apdu(sign_environment(key_ref, scheme)),
                    "set up signature");
    send_ok(commands::kHash.apdu(tlv::encode(tag::kHashValue, input)), "send hash");
    return send_ok(commands::kComputeSignature.apdu({}, protocol::kFullAnswer), "sign");
}

SecretBytes Card::decipher(std::uint8_t key_ref, const DecipherScheme& scheme, ByteView ciphertext) {
    Bytes data;
    data.reserve(ciphertext.size() + 1);
    data.push_back(protocol::scheme::kDecipherPaddingIndicator);
    data.insert(data.end(), ciphertext.begin(), ciphertext.end());
    const auto transaction = begin_transaction();
    enter();
    set_environment(commands::kSetDecipherEnvironment.apdu(decipher_environment(key_ref, scheme)),
                    "set up decryption");
    auto plaintext = send_ok(commands::kDecipher.apdu(std::move(data), protocol::kFullAnswer), "decrypt");
    SecretBytes result(plaintext);
    secure_wipe(plaintext.data(), plaintext.size());
    return result;
}

Bytes Card::random(std::size_t length) {
    Bytes out;
    out.reserve(length);
    const auto transaction = begin_transaction();
    // GET CHALLENGE draws on the card's generator whatever is selected (docs §7), so it goes
    // without a SELECT; a card that wants its application selected first says 6985, once.
    bool selected = false;
    while (out.size() < length) {
        const std::size_t chunk = std::min(protocol::kMaxChallenge, length - out.size());
        auto response = send(commands::kGetChallenge.apdu({}, chunk));
        if (response.status == apdu::sw::kConditionsNotSatisfied && !selected) {
            select();
            selected = true;
            continue;
        }
        if (!response.ok()) throw_for_status(response.status, "get random bytes");
        if (response.data.empty() || response.data.size() > chunk)
            throw CardError(ErrorKind::InvalidData, "the card answered GET CHALLENGE with the wrong length");
        out.insert(out.end(), response.data.begin(), response.data.end());
    }
    return out;
}

}  // namespace carta::card

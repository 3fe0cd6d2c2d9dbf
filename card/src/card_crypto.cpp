// Card: signing, deciphering and random numbers (docs/card-protocol.md §7).
#include "carta/apdu/tlv.hpp"
#include "carta/card/card.hpp"

namespace carta::card {

using apdu::CommandApdu;

namespace {

constexpr std::size_t kMaxChallenge = 256;

std::uint8_t algorithm_code(SignScheme::Kind kind) {
    switch (kind) {
        case SignScheme::Kind::RsaPkcs1Hash:
            return 0x42;
        case SignScheme::Kind::RsaPkcs1Raw:
            return 0x02;
        case SignScheme::Kind::RsaPss:
            return 0x52;
        case SignScheme::Kind::Ecdsa:
            return 0x44;
    }
    return 0;
}

std::uint8_t id(HashAlgorithm hash) {
    return static_cast<std::uint8_t>(hash);
}

Bytes sign_environment(std::uint8_t key_ref, const SignScheme& scheme) {
    tlv::TlvWriter writer;
    writer.add_byte(0x80, algorithm_code(scheme.kind));
    writer.add_byte(0x84, key_ref);
    if (scheme.kind == SignScheme::Kind::RsaPss) {
        const Bytes pss{id(scheme.pss_hash), id(scheme.pss_mgf1_hash), scheme.pss_salt_length};
        writer.add(0x95, pss);
    }
    return writer.finish();
}

Bytes decipher_environment(std::uint8_t key_ref, const DecipherScheme& scheme) {
    tlv::TlvWriter writer;
    const bool oaep = scheme.kind == DecipherScheme::Kind::RsaOaep;
    writer.add_byte(0x80, oaep ? 0x0B : 0x0A);
    writer.add_byte(0x84, key_ref);
    if (oaep) {
        writer.add(0x95, Bytes{id(scheme.oaep_hash), id(scheme.oaep_mgf1_hash)});
        if (!scheme.oaep_label.empty()) writer.add(0x96, scheme.oaep_label);
    }
    return writer.finish();
}

}  // namespace

Bytes Card::sign(std::uint8_t key_ref, const SignScheme& scheme, ByteView input) {
    const auto transaction = begin_transaction();
    select();
    send_ok(CommandApdu{0x00, 0x22, 0x81, 0xB6, sign_environment(key_ref, scheme), std::nullopt},
            "set up signature");
    send_ok(CommandApdu{0x00, 0x2A, 0x90, 0xA0, tlv::encode(0x90, input), std::nullopt}, "send hash");
    return send_ok(CommandApdu{0x00, 0x2A, 0x9E, 0x9A, {}, 256}, "sign");
}

SecretBytes Card::decipher(std::uint8_t key_ref, const DecipherScheme& scheme, ByteView ciphertext) {
    Bytes data;
    data.reserve(ciphertext.size() + 1);
    data.push_back(0x00);  // padding indicator
    data.insert(data.end(), ciphertext.begin(), ciphertext.end());
    const auto transaction = begin_transaction();
    select();
    send_ok(CommandApdu{0x00, 0x22, 0x41, 0xB8, decipher_environment(key_ref, scheme), std::nullopt},
            "set up decryption");
    auto plaintext = send_ok(CommandApdu{0x00, 0x2A, 0x80, 0x86, std::move(data), 256}, "decrypt");
    SecretBytes result(plaintext);
    secure_wipe(plaintext.data(), plaintext.size());
    return result;
}

Bytes Card::random(std::size_t length) {
    Bytes out;
    out.reserve(length);
    const auto transaction = begin_transaction();
    select();
    while (out.size() < length) {
        const std::size_t chunk = std::min(kMaxChallenge, length - out.size());
        const auto bytes = send_ok(CommandApdu{0x00, 0x84, 0x00, 0x00, {}, chunk}, "get random bytes");
        if (bytes.empty() || bytes.size() > chunk)
            throw CardError(ErrorKind::InvalidData, "the card answered GET CHALLENGE with the wrong length");
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
}

}  // namespace carta::card

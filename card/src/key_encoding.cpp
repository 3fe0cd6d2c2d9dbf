#include "carta/card/key_encoding.hpp"

#include <algorithm>
#include <stdexcept>

#include "carta/apdu/tlv.hpp"
#include "protocol.hpp"

namespace carta::card {
namespace {

// DER universal tags.
constexpr tlv::Tag kInteger = 0x02;
constexpr tlv::Tag kBitString = 0x03;
constexpr tlv::Tag kOctetString = 0x04;
constexpr tlv::Tag kNull = 0x05;
constexpr tlv::Tag kSequence = 0x30;

// A non-negative INTEGER's content: no leading zeros, one 00 before a set high bit.
Bytes unsigned_integer(ByteView magnitude) {
    const auto first =
        std::find_if(magnitude.begin(), magnitude.end(), [](std::uint8_t b) { return b != 0; });
    Bytes out;
    if (first == magnitude.end() || (*first & 0x80) != 0) out.push_back(0x00);
    out.insert(out.end(), first, magnitude.end());
    return out;
}

// SubjectPublicKeyInfo { AlgorithmIdentifier { key type, parameters }, BIT STRING key }.
Bytes spki(ByteView algorithm_identifier, ByteView key) {
    Bytes bits{0x00};  // no unused bits
    bits.insert(bits.end(), key.begin(), key.end());
    tlv::TlvWriter writer;
    writer.begin(kSequence).add(kSequence, algorithm_identifier).add(kBitString, bits).end();
    return writer.finish();
}

Bytes rsa_spki(const KeyAlgorithmInfo& info, ByteView content) {
    const auto modulus = tlv::require(content, protocol::tag::kModulus).value;
    const auto exponent = tlv::require(content, protocol::tag::kExponent).value;
    tlv::TlvWriter key;
    key.begin(kSequence)
        .add(kInteger, unsigned_integer(modulus))
        .add(kInteger, unsigned_integer(exponent))
        .end();
    Bytes algorithm(info.key_type_oid.begin(), info.key_type_oid.end());
    algorithm.insert(algorithm.end(), {static_cast<std::uint8_t>(kNull), 0x00});
    return spki(algorithm, key.finish());
}

Bytes ec_spki(const KeyAlgorithmInfo& info, ByteView content) {
    const auto point = tlv::require(content, protocol::tag::kPoint).value;
    const std::size_t coordinate = (info.bits + 7) / 8;
    if (point.size() != 1 + 2 * coordinate || point[0] != 0x04)
        throw std::invalid_argument("the EC point is not an uncompressed point of " +
                                    std::string(info.display_name));
    Bytes algorithm(info.key_type_oid.begin(), info.key_type_oid.end());
    algorithm.insert(algorithm.end(), info.curve_oid.begin(), info.curve_oid.end());
    return spki(algorithm, point);
}

}  // namespace

Bytes spki_from_template(KeyAlgorithm algorithm, ByteView template_7f49) {
    try {
        ByteView content = template_7f49;
        if (auto outer = tlv::find(template_7f49, protocol::tag::kPublicKey)) content = outer->value;
        const auto& info = key_algorithm_info(algorithm);
        return info.is_rsa ? rsa_spki(info, content) : ec_spki(info, content);
    } catch (const tlv::TlvError& e) {
        throw std::invalid_argument(std::string("public key template: ") + e.what());
    }
}

std::optional<bool> pkcs8_key_is_rsa(ByteView pkcs8_der) {
    try {
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm
        //   AlgorithmIdentifier, privateKey OCTET STRING, ... } (RFC 5208)
        tlv::TlvReader outer(pkcs8_der);
        const auto info = outer.next();
        if (info.tag != kSequence || !outer.at_end()) return std::nullopt;
        tlv::TlvReader fields(info.value);
        if (fields.next().tag != kInteger) return std::nullopt;
        const auto algorithm = fields.next();
        if (algorithm.tag != kSequence || fields.next().tag != kOctetString) return std::nullopt;
        tlv::TlvReader identifier(algorithm.value);
        const auto oid = identifier.next();
        Bytes encoded_oid = tlv::encode(oid.tag, oid.value);
        for (const auto& candidate : key_algorithms()) {
            if (std::equal(encoded_oid.begin(), encoded_oid.end(), candidate.key_type_oid.begin(),
                           candidate.key_type_oid.end()))
                return candidate.is_rsa;
        }
        return std::nullopt;
    } catch (const tlv::TlvError&) {
        return std::nullopt;
    }
}

}  // namespace carta::card

#include "carta/sim/card_state.hpp"

#include <algorithm>

#include "carta/apdu/tlv.hpp"
#include "carta/sim/key_ops.hpp"

namespace carta::sim {

namespace {

constexpr AlgorithmInfo kAlgorithms[] = {
    {KeyAlgorithm::rsa2048, true, 0x41, 2048, "RSA-2048"},
    {KeyAlgorithm::rsa3072, true, 0x42, 3072, "RSA-3072"},
    {KeyAlgorithm::rsa4096, true, 0x43, 4096, "RSA-4096"},
    {KeyAlgorithm::p256, false, 0x41, 256, "P-256"},
    {KeyAlgorithm::p384, false, 0x42, 384, "P-384"},
};

}  // namespace

const char* profile_name(ProfileId id) {
    return id == ProfileId::common ? "common" : "secure";
}

const AlgorithmInfo& info(KeyAlgorithm algorithm) {
    return kAlgorithms[static_cast<std::size_t>(algorithm)];
}

std::optional<KeyAlgorithm> algorithm_from_code(bool rsa_slot, std::uint8_t code) {
    for (const auto& candidate : kAlgorithms)
        if (candidate.is_rsa == rsa_slot && candidate.code == code) return candidate.algorithm;
    return std::nullopt;
}

bool is_rsa_keyref(std::uint8_t keyref) {
    return keyref >= kFirstRsaKeyRef && keyref < kFirstRsaKeyRef + kKeySlotsPerType;
}

bool is_ec_keyref(std::uint8_t keyref) {
    return keyref >= kFirstEcKeyRef && keyref < kFirstEcKeyRef + kKeySlotsPerType;
}

std::optional<std::uint8_t> keyref_of_fid(std::uint16_t fid) {
    if ((fid & 0xFF00) != 0x1000) return std::nullopt;
    const auto keyref = static_cast<std::uint8_t>(fid & 0xFF);
    if (!is_keyref(keyref)) return std::nullopt;
    return keyref;
}

std::optional<int> certificate_index_of_fid(std::uint16_t fid) {
    const int index = fid - 0x2000;
    if (index < 1 || index > kCertificateSlots) return std::nullopt;
    return index;
}

bool is_valid_card_number(const std::string& card_number) {
    return card_number.size() == 16 && card_number[0] != '0' &&
           std::all_of(card_number.begin(), card_number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Bytes card_number_bcd(const std::string& card_number) {
    Bytes bcd;
    for (std::size_t i = 0; i + 1 < card_number.size(); i += 2)
        bcd.push_back(static_cast<std::uint8_t>((card_number[i] - '0') << 4 | (card_number[i + 1] - '0')));
    return bcd;
}

bool is_der_sequence(ByteView der) {
    try {
        tlv::TlvReader reader(der);
        const tlv::Tlv element = reader.next();
        return element.tag == 0x30 && reader.at_end();
    } catch (const tlv::TlvError&) {
        return false;
    }
}

void relink_certificates(Profile& profile) {
    for (auto& [index, certificate] : profile.certificates) {
        certificate.linked_keyref = 0;
        const auto certified = certificate_public_key_template(certificate.der);
        if (!certified) continue;
        for (const auto& [keyref, key] : profile.keys) {
            if (key.key->public_key_template() == *certified) {
                certificate.linked_keyref = keyref;
                break;
            }
        }
    }
}

}  // namespace carta::sim

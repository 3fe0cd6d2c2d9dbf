#include "file_system.hpp"

#include <algorithm>

#include "carta/apdu/tlv.hpp"
#include "carta/sim/key_ops.hpp"
#include "ossl.hpp"

namespace carta::sim {

namespace {

// Object file layout: type, algorithm, name, flags, link, RFU, length, content.
Bytes object_file(std::uint8_t type, std::uint8_t algorithm_code, const std::string& name,
                  std::uint8_t flag_bits, std::uint8_t link, ByteView content) {
    Bytes file(kObjectHeaderSize + content.size(), 0x00);
    file[0x00] = type;
    file[0x01] = algorithm_code;
    file[0x02] = static_cast<std::uint8_t>(name.size());
    std::copy(name.begin(), name.end(), file.begin() + 3);
    file[0x80] = flag_bits;
    file[0x81] = link;
    file[0x84] = static_cast<std::uint8_t>(content.size() >> 8);
    file[0x85] = static_cast<std::uint8_t>(content.size());
    std::copy(content.begin(), content.end(), file.begin() + kObjectHeaderSize);
    return file;
}

}  // namespace

Bytes object_directory(const Profile& profile) {
    Bytes directory(kDirectorySize, 0x00);
    directory[0x00] = 0x01;  // format version
    directory[0x01] = static_cast<std::uint8_t>(profile.life_cycle);
    for (int i = 0; i < 4; ++i)
        directory[0x02 + i] = static_cast<std::uint8_t>(profile.change_counter >> (24 - 8 * i));
    directory[0x06] = static_cast<std::uint8_t>(profile.label.size());
    std::copy(profile.label.begin(), profile.label.end(), directory.begin() + 0x07);

    // 35 fixed entries: RSA 1-10, EC 1-10, certificates 1-15.
    auto entry = [&](int position, std::uint8_t type_and_index, std::uint8_t algorithm) {
        directory[kDirectoryEntriesOffset + 2 * position] = type_and_index;
        directory[kDirectoryEntriesOffset + 2 * position + 1] = algorithm;
    };
    for (const auto& [keyref, key] : profile.keys) {
        const int index = keyref & 0x0F;
        const bool rsa = is_rsa_keyref(keyref);
        const int position = (rsa ? 0 : kKeySlotsPerType) + index - 1;
        entry(position, static_cast<std::uint8_t>((rsa ? 0x00 : 0x10) | index),
              info(key.key->algorithm()).code);
    }
    for (const auto& [index, certificate] : profile.certificates)
        entry(2 * kKeySlotsPerType + index - 1, static_cast<std::uint8_t>(0x20 | index), 0x40);
    return directory;
}

Bytes card_information(const CardIdentity& identity) {
    static constexpr std::uint8_t kProtocolVersion[] = {0x01, 0x00};
    tlv::TlvWriter writer;
    writer.add(0x5A, card_number_bcd(identity.card_number));
    writer.add(0x50, as_bytes(kCardModel));
    writer.add(0x51, as_bytes(kCardManufacturer));
    writer.add(0x52, ByteView(kProtocolVersion));
    writer.add(0x53, identity.factory_id);
    return writer.finish();
}

Bytes key_file(const KeyObject& key) {
    const AlgorithmInfo& about = info(key.key->algorithm());
    return object_file(about.is_rsa ? 0x00 : 0x01, about.code, key.name, key.flags, key.keyref,
                       key.key->public_key_template());
}

Bytes certificate_file(const CertificateObject& certificate) {
    return object_file(0x02, 0x40, certificate.name, certificate.flags, certificate.linked_keyref,
                       certificate.der);
}

Bytes content_digest(const Profile& profile) {
    Bytes files;
    auto add = [&files](const Bytes& file) {
        for (int shift = 24; shift >= 0; shift -= 8)
            files.push_back(static_cast<std::uint8_t>(file.size() >> shift));
        files.insert(files.end(), file.begin(), file.end());
    };
    add(object_directory(profile));
    for (const auto& [keyref, key] : profile.keys) add(key_file(key));
    for (const auto& [index, certificate] : profile.certificates) add(certificate_file(certificate));
    const auto digest = ossl::sha256(files.data(), files.size());
    return Bytes(digest.begin(), digest.end());
}

std::optional<Bytes> elementary_file(const CardState& state, ProfileId id, std::uint16_t fid) {
    const Profile& profile = state.profile(id);
    if (fid == kDirectoryFid) return object_directory(profile);
    if (fid == kCardInfoFid) return card_information(state.identity);
    if (const auto keyref = keyref_of_fid(fid)) {
        const auto found = profile.keys.find(*keyref);
        if (found != profile.keys.end()) return key_file(found->second);
        return std::nullopt;
    }
    if (const auto index = certificate_index_of_fid(fid)) {
        const auto found = profile.certificates.find(*index);
        if (found != profile.certificates.end()) return certificate_file(found->second);
    }
    return std::nullopt;
}

}  // namespace carta::sim

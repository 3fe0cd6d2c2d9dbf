#include "card_files.hpp"

#include "carta/apdu/tlv.hpp"
#include "carta/card/errors.hpp"
#include "carta/card/openssl.hpp"

namespace carta::card::files {
namespace {

[[noreturn]] void malformed(const std::string& what) {
    throw CardError(ErrorKind::InvalidData, "malformed card data: " + what);
}

std::string text(ByteView bytes) {
    return {bytes.begin(), bytes.end()};
}

std::uint32_t big_endian(ByteView bytes) {
    std::uint32_t value = 0;
    for (auto b : bytes) value = value << 8 | b;
    return value;
}

std::uint8_t single_byte(ByteView value, const char* what) {
    if (value.size() != 1) malformed(std::string(what) + " is not one byte");
    return value[0];
}

}  // namespace

std::string bcd_to_digits(ByteView bcd) {
    std::string digits;
    for (auto b : bcd) {
        for (int nibble : {b >> 4, b & 0x0F}) {
            if (nibble > 9) malformed("card number is not BCD");
            digits.push_back(static_cast<char>('0' + nibble));
        }
    }
    return digits;
}

ProfileStatus parse_fci(Profile profile, ByteView fci) {
    try {
        const auto outer = tlv::require(fci, 0x6F).value;
        const auto proprietary = tlv::require(outer, 0xA5).value;
        ProfileStatus status;
        status.profile = profile;
        const auto state = single_byte(tlv::require(outer, 0x8A).value, "life cycle");
        if (state < 0x03 || state > 0x05) malformed("unknown life cycle");
        status.life_cycle = static_cast<LifeCycle>(state);
        status.card_number = bcd_to_digits(tlv::require(proprietary, 0x5A).value);
        const auto counter = tlv::require(proprietary, 0xC1).value;
        if (counter.size() != 4) malformed("change counter is not 4 bytes");
        status.change_counter = big_endian(counter);
        status.pin.tries_left = single_byte(tlv::require(proprietary, 0xC2).value, "PIN tries");
        status.puk.tries_left = single_byte(tlv::require(proprietary, 0xC3).value, "PUK tries");
        status.pin.max_tries = kPinMaxTries;
        status.puk.max_tries = kPukMaxTries;
        status.puk.set = status.life_cycle != LifeCycle::Uninitialised;
        status.pin.set = status.life_cycle == LifeCycle::Operational;
        return status;
    } catch (const tlv::TlvError& e) {
        malformed(std::string("FCI: ") + e.what());
    }
}

CardInfo parse_card_info(ByteView file) {
    try {
        CardInfo info;
        info.card_number = bcd_to_digits(tlv::require(file, 0x5A).value);
        info.model = text(tlv::require(file, 0x50).value);
        if (auto manufacturer = tlv::find(file, 0x51)) info.manufacturer = text(manufacturer->value);
        if (auto version = tlv::find(file, 0x52); version && version->value.size() == 2)
            info.version = std::to_string(version->value[0]) + "." + std::to_string(version->value[1]);
        return info;
    } catch (const tlv::TlvError& e) {
        malformed(std::string("card information: ") + e.what());
    }
}

std::uint16_t DirectoryEntry::fid() const {
    switch (type) {
        case Type::RsaKey:
            return static_cast<std::uint16_t>(0x1020 + index);
        case Type::EcKey:
            return static_cast<std::uint16_t>(0x1030 + index);
        case Type::Certificate:
            return static_cast<std::uint16_t>(0x2000 + index);
    }
    return 0;
}

std::uint8_t DirectoryEntry::key_ref() const {
    return static_cast<std::uint8_t>(fid() & 0xFF);
}

Directory parse_directory(ByteView file) {
    constexpr std::size_t kEntriesOffset = 0x24;
    constexpr std::size_t kEntries = 35;
    if (file.size() < kEntriesOffset + 2 * kEntries) malformed("object directory is too short");
    if (file[0] != 0x01) malformed("object directory has an unknown format version");
    Directory directory;
    const std::size_t label_length = file[6];
    if (label_length > kMaxLabelLength) malformed("label too long");
    directory.label = text(file.subspan(7, label_length));
    for (std::size_t i = 0; i < kEntries; ++i) {
        const std::uint8_t id = file[kEntriesOffset + 2 * i];
        const std::uint8_t algorithm = file[kEntriesOffset + 2 * i + 1];
        const std::uint8_t index = id & 0x0F;
        if (index == 0) continue;
        DirectoryEntry entry{};
        switch (id >> 4) {
            case 0:
                entry.type = DirectoryEntry::Type::RsaKey;
                break;
            case 1:
                entry.type = DirectoryEntry::Type::EcKey;
                break;
            case 2:
                entry.type = DirectoryEntry::Type::Certificate;
                break;
            default:
                malformed("object directory entry of unknown type");
        }
        if (entry.type != DirectoryEntry::Type::Certificate && index > 10)
            malformed("key index out of range");
        entry.index = index;
        entry.algorithm_code = algorithm;
        directory.entries.push_back(entry);
    }
    return directory;
}

std::size_t object_file_size(ByteView header) {
    if (header.size() < kObjectHeaderSize) malformed("object file shorter than its header");
    return kObjectHeaderSize + (std::size_t{header[0x84]} << 8 | header[0x85]);
}

ObjectFile parse_object_file(ByteView file) {
    const std::size_t size = object_file_size(file);
    if (file.size() < size) malformed("object file shorter than its length field");
    const std::size_t name_length = file[2];
    if (name_length > kMaxNameLength) malformed("object name too long");
    return ObjectFile{file[0],    file[1],    text(file.subspan(3, name_length)),
                      file[0x80], file[0x81], file.subspan(kObjectHeaderSize, size - kObjectHeaderSize)};
}

KeyAlgorithm key_algorithm_for(bool rsa, std::uint8_t code) {
    for (const auto& info : key_algorithms())
        if (info.is_rsa == rsa && info.code == code) return info.algorithm;
    malformed("unknown key algorithm code");
}

KeyObject make_key_object(std::uint8_t key_ref, KeyAlgorithm algorithm, std::string name, std::uint8_t flags,
                          Bytes public_key_template) {
    KeyObject key;
    key.key_ref = key_ref;
    key.algorithm = algorithm;
    key.name = std::move(name);
    key.flags = flags;
    try {
        auto pkey = ossl::public_key_from_template(algorithm, public_key_template);
        key.spki_der = ossl::spki_der(pkey.get());
    } catch (const CardError&) {
        throw;
    } catch (const std::exception& e) {
        malformed(std::string("public key: ") + e.what());
    }
    key.public_key_template = std::move(public_key_template);
    return key;
}

}  // namespace carta::card::files

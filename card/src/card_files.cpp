#include "card_files.hpp"

#include "carta/apdu/tlv.hpp"
#include "carta/card/errors.hpp"
#include "carta/card/key_encoding.hpp"
#include "protocol.hpp"

namespace carta::card::files {
namespace {

namespace tag = protocol::tag;

// The object directory 5032 (docs §4).
constexpr std::uint8_t kDirectoryFormat = 0x01;
constexpr std::size_t kLabelLengthOffset = 0x06;
constexpr std::size_t kLabelOffset = 0x07;
constexpr std::size_t kEntriesOffset = 0x24;
constexpr std::size_t kEntries = 35;
constexpr std::size_t kMaxKeyIndex = 10;
// An object file's header (docs §4).
constexpr std::size_t kNameLengthOffset = 0x02;
constexpr std::size_t kNameOffset = 0x03;
constexpr std::size_t kFlagsOffset = 0x80;
constexpr std::size_t kLinkOffset = 0x81;
constexpr std::size_t kContentLengthOffset = 0x84;

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
        const auto outer = tlv::require(fci, tag::kFci).value;
        const auto proprietary = tlv::require(outer, tag::kFciProprietary).value;
        ProfileStatus status;
        status.profile = profile;
        const auto state = single_byte(tlv::require(outer, tag::kLifeCycle).value, "life cycle");
        if (state < 0x03 || state > 0x05) malformed("unknown life cycle");
        status.life_cycle = static_cast<LifeCycle>(state);
        status.card_number = bcd_to_digits(tlv::require(proprietary, tag::kCardNumber).value);
        const auto counter = tlv::require(proprietary, tag::kChangeCounter).value;
        if (counter.size() != 4) malformed("change counter is not 4 bytes");
        status.change_counter = big_endian(counter);
        const auto digest = tlv::require(proprietary, tag::kContentDigest).value;
        if (digest.size() != tag::kContentDigestLength) malformed("content digest is not 32 bytes");
        status.content_digest.assign(digest.begin(), digest.end());
        status.pin.tries_left = single_byte(tlv::require(proprietary, tag::kPinTries).value, "PIN tries");
        status.puk.tries_left = single_byte(tlv::require(proprietary, tag::kPukTries).value, "PUK tries");
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
        info.card_number = bcd_to_digits(tlv::require(file, tag::kCardNumber).value);
        info.model = text(tlv::require(file, tag::kModel).value);
        if (auto manufacturer = tlv::find(file, tag::kManufacturer))
            info.manufacturer = text(manufacturer->value);
        if (auto version = tlv::find(file, tag::kVersion); version && version->value.size() == 2)
            info.version = std::to_string(version->value[0]) + "." + std::to_string(version->value[1]);
        return info;
    } catch (const tlv::TlvError& e) {
        malformed(std::string("card information: ") + e.what());
    }
}

std::uint16_t DirectoryEntry::fid() const {
    return type == Type::Certificate ? certificate_fid(index) : key_fid(key_ref());
}

// Key index 1..10 of a family: the family's first key reference is index 1.
std::uint8_t DirectoryEntry::key_ref() const {
    return static_cast<std::uint8_t>(key_refs(type == Type::RsaKey).first + index - 1);
}

Directory parse_directory(ByteView file) {
    if (file.size() < kEntriesOffset + 2 * kEntries) malformed("object directory is too short");
    if (file[0] != kDirectoryFormat) malformed("object directory has an unknown format version");
    Directory directory;
    const std::size_t label_length = file[kLabelLengthOffset];
    if (label_length > kMaxLabelLength) malformed("label too long");
    directory.label = text(file.subspan(kLabelOffset, label_length));
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
        if (entry.type != DirectoryEntry::Type::Certificate && index > kMaxKeyIndex)
            malformed("key index out of range");
        entry.index = index;
        entry.algorithm_code = algorithm;
        directory.entries.push_back(entry);
    }
    return directory;
}

std::size_t object_file_size(ByteView header) {
    if (header.size() < kObjectHeaderSize) malformed("object file shorter than its header");
    return kObjectHeaderSize +
           (std::size_t{header[kContentLengthOffset]} << 8 | header[kContentLengthOffset + 1]);
}

ObjectFile parse_object_file(ByteView file) {
    const std::size_t size = object_file_size(file);
    if (file.size() < size) malformed("object file shorter than its length field");
    const std::size_t name_length = file[kNameLengthOffset];
    if (name_length > kMaxNameLength) malformed("object name too long");
    return ObjectFile{file[0],
                      file[1],
                      text(file.subspan(kNameOffset, name_length)),
                      file[kFlagsOffset],
                      file[kLinkOffset],
                      file.subspan(kObjectHeaderSize, size - kObjectHeaderSize)};
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
        key.spki_der = spki_from_template(algorithm, public_key_template);
    } catch (const std::invalid_argument& e) {
        malformed(std::string("public key: ") + e.what());
    }
    key.public_key_template = std::move(public_key_template);
    return key;
}

}  // namespace carta::card::files

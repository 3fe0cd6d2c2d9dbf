// Parsers for what the card stores in files and answers to SELECT
// (docs/card-protocol.md §4 and §8). Card answers are hostile input: every
// parser checks every length and throws CardError(InvalidData) with the reason.
#pragma once

#include "carta/card/types.hpp"

namespace carta::card::files {

// Layout of an object file (docs §4): the header, then the content.
constexpr std::size_t kObjectHeaderSize = 0x86;

ProfileStatus parse_fci(Profile profile, ByteView fci);
CardInfo parse_card_info(ByteView file);

struct DirectoryEntry {
    enum class Type { RsaKey, EcKey, Certificate } type;
    std::uint8_t index;  // 1..15
    std::uint8_t algorithm_code;
    std::uint16_t fid() const;
    std::uint8_t key_ref() const;  // keys only
};
struct Directory {
    std::string label;
    std::vector<DirectoryEntry> entries;
};
Directory parse_directory(ByteView file);

// The parts of an object file; content = the key template or the DER certificate.
struct ObjectFile {
    std::uint8_t type;
    std::uint8_t algorithm_code;
    std::string name;
    std::uint8_t flags;
    std::uint8_t link;
    ByteView content;
};
ObjectFile parse_object_file(ByteView file);
// Total size of an object file from its first bytes (at least the header).
std::size_t object_file_size(ByteView header);

KeyAlgorithm key_algorithm_for(bool rsa, std::uint8_t code);
KeyObject make_key_object(std::uint8_t key_ref, KeyAlgorithm algorithm, std::string name, std::uint8_t flags,
                          Bytes public_key_template);

std::string bcd_to_digits(ByteView bcd);

}  // namespace carta::card::files

#include "carta/card/types.hpp"

#include <array>
#include <stdexcept>

namespace carta::card {
namespace {

constexpr std::array<std::uint8_t, 10> kCommonAid{0xA0, 0x00, 0x00, 0x01, 0x67, 0x45, 0x53, 0x49, 0x47, 0x4F};
constexpr std::array<std::uint8_t, 10> kSecureAid{0xA0, 0x00, 0x00, 0x01, 0x67, 0x45, 0x53, 0x49, 0x47, 0x4E};

const std::vector<KeyAlgorithmInfo> kKeyAlgorithms{
    {KeyAlgorithm::Rsa2048, "rsa2048", true, 2048, 0x41},
    {KeyAlgorithm::Rsa3072, "rsa3072", true, 3072, 0x42},
    {KeyAlgorithm::Rsa4096, "rsa4096", true, 4096, 0x43},
    {KeyAlgorithm::P256, "p256", false, 256, 0x41},
    {KeyAlgorithm::P384, "p384", false, 384, 0x42},
};

struct HashInfo {
    HashAlgorithm hash;
    std::size_t length;
    std::string_view name;
};
constexpr std::array<HashInfo, 5> kHashes{{
    {HashAlgorithm::Sha1, 20, "SHA1"},
    {HashAlgorithm::Sha224, 28, "SHA224"},
    {HashAlgorithm::Sha256, 32, "SHA256"},
    {HashAlgorithm::Sha384, 48, "SHA384"},
    {HashAlgorithm::Sha512, 64, "SHA512"},
}};

const HashInfo& hash_info(HashAlgorithm hash) {
    for (const auto& info : kHashes)
        if (info.hash == hash) return info;
    throw std::invalid_argument("unknown hash algorithm");
}

}  // namespace

std::string_view profile_name(Profile profile) {
    return profile == Profile::Common ? "common" : "secure";
}

ByteView profile_aid(Profile profile) {
    return profile == Profile::Common ? ByteView(kCommonAid) : ByteView(kSecureAid);
}

std::string_view life_cycle_name(LifeCycle state) {
    switch (state) {
        case LifeCycle::Uninitialised:
            return "uninitialised";
        case LifeCycle::PinNotSet:
            return "PIN not set";
        case LifeCycle::Operational:
            return "operational";
    }
    return "unknown";
}

std::string_view code_name(Code code) {
    return code == Code::Pin ? "PIN" : "PUK";
}

const KeyAlgorithmInfo& key_algorithm_info(KeyAlgorithm algorithm) {
    for (const auto& info : kKeyAlgorithms)
        if (info.algorithm == algorithm) return info;
    throw std::invalid_argument("unknown key algorithm");
}

std::optional<KeyAlgorithm> parse_key_algorithm(std::string_view name) {
    for (const auto& info : kKeyAlgorithms)
        if (info.name == name) return info.algorithm;
    return std::nullopt;
}

const std::vector<KeyAlgorithmInfo>& key_algorithms() {
    return kKeyAlgorithms;
}

std::size_t hash_length(HashAlgorithm hash) {
    return hash_info(hash).length;
}
std::string_view hash_name(HashAlgorithm hash) {
    return hash_info(hash).name;
}

}  // namespace carta::card

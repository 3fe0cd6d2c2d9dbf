#include "code_store.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>

#include "card_status.hpp"
#include "ossl.hpp"

namespace carta::sim {

namespace {

std::array<std::uint8_t, 32> pbkdf2(ByteView code, const std::array<std::uint8_t, 16>& salt,
                                    std::uint32_t iterations) {
    ossl::Ptr<EVP_MD> sha256(EVP_MD_fetch(ossl::library(), "SHA256", nullptr));
    if (!sha256) ossl::fail("fetching SHA256");
    std::array<std::uint8_t, 32> hash{};
    if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(code.data()), static_cast<int>(code.size()),
                          salt.data(), static_cast<int>(salt.size()), static_cast<int>(iterations),
                          sha256.get(), static_cast<int>(hash.size()), hash.data()) != 1)
        ossl::fail("PBKDF2");
    return hash;
}

}  // namespace

const char* code_name(CodeKind kind) {
    return kind == CodeKind::pin ? "PIN" : "PUK";
}

bool follows_length_rule(ByteView code) {
    return code.size() >= kCodeMinLength && code.size() <= kCodeMaxLength &&
           std::find(code.begin(), code.end(), 0x00) == code.end();
}

SecretBytes code_from_block(ByteView block, std::initializer_list<std::size_t> sizes) {
    require(std::find(sizes.begin(), sizes.end(), block.size()) != sizes.end(), apdu::sw::kWrongLength);
    const auto end = std::find(block.begin(), block.end(), 0x00);
    const bool only_padding_after = std::all_of(end, block.end(), [](std::uint8_t b) { return b == 0x00; });
    const ByteView code(block.data(), static_cast<std::size_t>(end - block.begin()));
    require(only_padding_after && follows_length_rule(code), apdu::sw::kIncorrectData);
    return SecretBytes(code);
}

CodeRecord make_code_record(ByteView code, CodeKind kind, std::uint32_t iterations) {
    CodeRecord record;
    record.iterations = iterations;
    ossl::random_bytes(record.salt.data(), record.salt.size());
    record.hash = pbkdf2(code, record.salt, iterations);
    record.tries_left = try_limit(kind);
    return record;
}

CodeRecord make_unknown_code_record(std::uint8_t tries_left) {
    CodeRecord record;
    record.iterations = kPbkdf2Iterations;
    ossl::random_bytes(record.salt.data(), record.salt.size());
    ossl::random_bytes(record.hash.data(), record.hash.size());
    record.tries_left = tries_left;
    return record;
}

bool code_matches(const CodeRecord& record, ByteView code) {
    auto hash = pbkdf2(code, record.salt, record.iterations);
    const bool equal = CRYPTO_memcmp(hash.data(), record.hash.data(), hash.size()) == 0;
    secure_wipe(hash.data(), hash.size());
    return equal;
}

}  // namespace carta::sim

// The entry points that use a key: CardGetContainerInfo, CardQueryKeySizes,
// CardSignData, CardRSADecrypt. What the card can do itself it does (it pads PKCS#1
// and PSS signatures and removes PKCS#1 and OAEP padding: docs/card-protocol.md §7);
// the host only reverses byte orders and, for a "no padding" decryption, rebuilds the
// type-2 block around the card's plaintext.
#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#include "context.hpp"
#include "entries.hpp"
#include "host.hpp"

namespace carta::md {

namespace {

using card::HashAlgorithm;
using card::SignScheme;

constexpr Byte kMd5DigestInfoPrefix[] = {0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10};

// The hashes the card signs, as CryptoAPI (ALG_ID) and CNG (BCRYPT_*_ALGORITHM) name them.
// MD5 is not among them: the caller builds its DigestInfo (is_md5).
struct HashNames {
    HashAlgorithm hash;
    Dword alg_id;
    std::u16string_view cng_name;
};
constexpr HashNames kHashNames[] = {
    {HashAlgorithm::Sha1, calg::kSha1, u"SHA1"},
    {HashAlgorithm::Sha256, calg::kSha256, u"SHA256"},
    {HashAlgorithm::Sha384, calg::kSha384, u"SHA384"},
    {HashAlgorithm::Sha512, calg::kSha512, u"SHA512"},
};

std::optional<HashAlgorithm> hash_of_alg_id(Dword alg_id) {
    for (const auto& names : kHashNames)
        if (names.alg_id == alg_id) return names.hash;
    return std::nullopt;
}

std::optional<HashAlgorithm> hash_of_name(const Wchar* name) {
    if (!name) return std::nullopt;
    for (const auto& names : kHashNames)
        if (names.cng_name == std::u16string_view(name)) return names.hash;
    return std::nullopt;
}

bool is_md5(const Wchar* name) {
    return name && std::u16string_view(name) == u"MD5";
}

struct SignRequest {
    SignScheme scheme;
    Bytes input;
};

// A hash the card wraps in its DigestInfo (it knows the hash by the length).
SignRequest hashed(HashAlgorithm hash, ByteView data) {
    require(data.size() == card::hash_length(hash), rc::kBadLength);
    SignScheme scheme;
    scheme.kind = SignScheme::Kind::RsaPkcs1Hash;
    return {scheme, Bytes(data.begin(), data.end())};
}

// Data the card pads as it is (block type 1): a DigestInfo made here, or raw data.
SignRequest raw(ByteView data) {
    SignScheme scheme;
    scheme.kind = SignScheme::Kind::RsaPkcs1Raw;
    return {scheme, Bytes(data.begin(), data.end())};
}

SignRequest md5(ByteView data) {
    require(data.size() == 16, rc::kBadLength);
    Bytes input(std::begin(kMd5DigestInfoPrefix), std::end(kMd5DigestInfoPrefix));
    input.insert(input.end(), data.begin(), data.end());
    return raw(input);
}

SignRequest cng_request(const CardSigningInfo& info, ByteView data) {
    require(info.pPaddingInfo != nullptr);
    switch (info.dwPaddingType) {
        case padding::kPkcs1: {
            const auto& pkcs1 = *static_cast<const Pkcs1PaddingInfo*>(info.pPaddingInfo);
            if (!pkcs1.pszAlgId) return raw(data);  // the caller's DigestInfo, or none
            if (is_md5(pkcs1.pszAlgId)) return md5(data);
            const auto hash = hash_of_name(pkcs1.pszAlgId);
            require(hash.has_value(), rc::kBadAlgorithm);
            return hashed(*hash, data);
        }
        case padding::kPss: {
            const auto& pss = *static_cast<const PssPaddingInfo*>(info.pPaddingInfo);
            const auto hash = hash_of_name(pss.pszAlgId);
            require(hash.has_value(), rc::kBadAlgorithm);
            require(data.size() == card::hash_length(*hash), rc::kBadLength);
            require(pss.cbSalt <= 0xFF);
            SignScheme scheme;
            scheme.kind = SignScheme::Kind::RsaPss;
            scheme.pss_hash = scheme.pss_mgf1_hash = *hash;
            scheme.pss_salt_length = static_cast<std::uint8_t>(pss.cbSalt);
            return {scheme, Bytes(data.begin(), data.end())};
        }
        default:
            fail(rc::kUnsupportedFeature);  // a raw RSA signature: the card makes none
    }
}

SignRequest cryptoapi_request(const CardSigningInfo& info, ByteView data) {
    if (info.aiHashAlg == 0) return raw(data);
    // CRYPT_NOHASHOID: the hash alone in the PKCS#1 block, no DigestInfo.
    if (info.dwSigningFlags & kNoHashOid) return raw(data);
    if (info.aiHashAlg == calg::kSslShaMd5) return raw(data);  // 36 bytes, TLS 1.0 style
    if (info.aiHashAlg == calg::kMd5) return md5(data);
    const auto hash = hash_of_alg_id(info.aiHashAlg);
    require(hash.has_value(), rc::kBadAlgorithm);
    return hashed(*hash, data);
}

void check_key_spec(Dword key_spec) {
    require(key_spec == kAtKeyExchange);
}

// CryptoAPI's PUBLICKEYBLOB: BLOBHEADER, RSAPUBKEY, the modulus little-endian.
Bytes public_key_blob(const Container& container) {
    require(container.exponent.size() <= 4, rc::kUnexpected);
    Bytes blob;
    const auto put32 = [&blob](Dword v) {
        for (int i = 0; i < 4; ++i) blob.push_back(static_cast<Byte>(v >> (8 * i)));
    };
    blob.insert(blob.end(), {0x06, 0x02, 0x00, 0x00});  // PUBLICKEYBLOB, version 2, reserved
    put32(calg::kRsaKeyExchange);
    put32(0x31415352);  // "RSA1"
    put32(static_cast<Dword>(container.bits));
    Dword exponent = 0;
    for (const Byte b : container.exponent) exponent = (exponent << 8) | b;
    put32(exponent);
    Bytes modulus(container.key_bytes(), 0);
    const auto& m = container.modulus;
    const std::size_t skip = m.size() > modulus.size() ? m.size() - modulus.size() : 0;  // leading 00
    std::copy(m.begin() + static_cast<std::ptrdiff_t>(skip), m.end(),
              modulus.end() - static_cast<std::ptrdiff_t>(m.size() - skip));
    const auto little = reversed(modulus);
    blob.insert(blob.end(), little.begin(), little.end());
    return blob;
}

// PKCS#1 type 2 (RFC 8017 §7.2.1): 00 02 PS 00 M, PS non-zero random, at least 8 bytes.
SecretBytes type2_block(std::size_t key_bytes, ByteView message) {
    require(message.size() + 11 <= key_bytes, rc::kBadData);
    Bytes block(key_bytes, 0);
    block[1] = 0x02;
    const std::size_t ps = key_bytes - 3 - message.size();
    host_random(block.data() + 2, ps);
    for (std::size_t i = 2; i < 2 + ps; ++i) {
        while (block[i] == 0) host_random(&block[i], 1);
    }
    std::memcpy(block.data() + 3 + ps, message.data(), message.size());
    return SecretBytes(std::move(block));
}

}  // namespace

Dword CARTA_MD_API CardGetContainerInfo(CardData* data, Byte index, Dword flags, ContainerInfo* info) {
    return guarded([&] {
        auto& context = context_of(data);
        require(flags == 0 && info != nullptr);
        require(info->dwVersion <= version::kContainerInfo, rc::kRevisionMismatch);
        const std::lock_guard lock(context.mutex());
        const auto blob = public_key_blob(context.container(index));
        info->dwVersion = version::kContainerInfo;
        info->cbSigPublicKey = 0;
        info->pbSigPublicKey = nullptr;
        info->pbKeyExPublicKey = context.csp_copy(blob);
        info->cbKeyExPublicKey = static_cast<Dword>(blob.size());
    });
}

Dword CARTA_MD_API CardQueryKeySizes(CardData* data, Dword key_spec, Dword flags, CardKeySizes* sizes) {
    return guarded([&] {
        context_of(data);
        require(flags == 0 && sizes != nullptr);
        require(sizes->dwVersion <= version::kKeySizes, rc::kRevisionMismatch);
        if (key_spec != kAtKeyExchange && key_spec != kAtSignature) fail(rc::kUnsupportedFeature);
        // The card's RSA sizes (types.hpp): 2048, 3072, 4096.
        *sizes = CardKeySizes{version::kKeySizes, 2048, 2048, 4096, 1024};
    });
}

Dword CARTA_MD_API CardSignData(CardData* data, CardSigningInfo* info) {
    return guarded([&] {
        auto& context = context_of(data);
        require(info != nullptr);
        require(info->dwVersion >= 1 && info->dwVersion <= version::kSigningInfo, rc::kRevisionMismatch);
        check_key_spec(info->dwKeySpec);
        const std::lock_guard lock(context.mutex());
        const auto container = context.container(info->bContainerIndex);
        if (info->dwSigningFlags & kBufferSizeOnly) {
            info->cbSignedData = static_cast<Dword>(container.key_bytes());
            return;
        }
        require(info->pbData != nullptr && info->cbData > 0);
        const ByteView input(info->pbData, info->cbData);
        const auto request = (info->dwSigningFlags & kPaddingInfoPresent) ? cng_request(*info, input)
                                                                          : cryptoapi_request(*info, input);
        auto signature =
            context.card(container.profile).sign(container.key_ref, request.scheme, request.input);
        require(signature.size() <= container.key_bytes(), rc::kUnexpected);
        signature.insert(signature.begin(), container.key_bytes() - signature.size(), 0);
        const auto little = reversed(signature);
        info->pbSignedData = context.csp_copy(little);
        info->cbSignedData = static_cast<Dword>(little.size());
    });
}

Dword CARTA_MD_API CardRSADecrypt(CardData* data, CardRsaDecryptInfo* info) {
    return guarded([&] {
        auto& context = context_of(data);
        require(info != nullptr);
        require(info->dwVersion >= version::kRsaDecryptOne && info->dwVersion <= version::kRsaDecryptTwo,
                rc::kRevisionMismatch);
        check_key_spec(info->dwKeySpec);
        const std::lock_guard lock(context.mutex());
        const auto container = context.container(info->bContainerIndex);
        require(info->pbData != nullptr && info->cbData == container.key_bytes());
        const Dword padding_type =
            info->dwVersion >= version::kRsaDecryptTwo ? info->dwPaddingType : padding::kNone;
        const Bytes ciphertext = reversed(ByteView(info->pbData, info->cbData));
        auto& card = context.card(container.profile);

        SecretBytes result;
        if (padding_type == padding::kOaep) {
            require(info->pPaddingInfo != nullptr);
            const auto& oaep = *static_cast<const OaepPaddingInfo*>(info->pPaddingInfo);
            card::DecipherScheme scheme;
            scheme.kind = card::DecipherScheme::Kind::RsaOaep;
            const auto hash = oaep.pszAlgId ? hash_of_name(oaep.pszAlgId)
                                            : std::optional<HashAlgorithm>(HashAlgorithm::Sha1);
            require(hash.has_value(), rc::kBadAlgorithm);
            scheme.oaep_hash = scheme.oaep_mgf1_hash = *hash;
            if (oaep.pbLabel && oaep.cbLabel)
                scheme.oaep_label.assign(oaep.pbLabel, oaep.pbLabel + oaep.cbLabel);
            result = card.decipher(container.key_ref, scheme, ciphertext);
        } else if (padding_type == padding::kPkcs1) {
            result = card.decipher(container.key_ref, card::DecipherScheme{}, ciphertext);
        } else if (padding_type == padding::kNone || padding_type == 0) {
            // The CSP removes the padding itself and wants the whole block; the card
            // gives only the message, so the block is rebuilt around it (as OpenSC's
            // and other open minidrivers do for cards without raw RSA).
            const auto message = card.decipher(container.key_ref, card::DecipherScheme{}, ciphertext);
            result = type2_block(container.key_bytes(), message.view());
        } else {
            fail(rc::kUnsupportedFeature);
        }
        // In place, little-endian like every RSA value here.
        std::reverse_copy(result.data(), result.data() + result.size(), info->pbData);
        info->cbData = static_cast<Dword>(result.size());
    });
}

}  // namespace carta::md

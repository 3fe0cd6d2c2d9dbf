// The card's private-key operations (docs/card-protocol.md §5, §7), on OpenSSL 3
// in the simulator's private library context.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>

#include "carta/apdu/bytes.hpp"
#include "carta/sim/card_state.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace carta::sim {

// Hash identifiers of the MSE tag 95 (docs §7).
enum class HashId : std::uint8_t { sha1 = 1, sha224 = 2, sha256 = 3, sha384 = 4, sha512 = 5 };
std::optional<HashId> hash_from_id(std::uint8_t id);
// The hash whose output has `length` bytes (20/28/32/48/64), if any.
std::optional<HashId> hash_from_length(std::size_t length);
std::size_t hash_length(HashId hash);

struct SignatureScheme {
    enum class Padding { pkcs1_digest_info, pkcs1_raw, pss, ecdsa };
    Padding padding = Padding::pkcs1_digest_info;
    HashId hash = HashId::sha256;       // pkcs1_digest_info and pss
    HashId mgf1_hash = HashId::sha256;  // pss
    int salt_length = 32;               // pss
};

struct DecryptionScheme {
    enum class Padding { pkcs1, oaep };
    Padding padding = Padding::pkcs1;
    HashId oaep_hash = HashId::sha1;
    HashId mgf1_hash = HashId::sha1;
    Bytes label;
};

// A key the card refuses: not PKCS#8, unsupported type or size, inconsistent.
class KeyFormatError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One private key. Immutable once made, so state copies can share it.
class AsymmetricKey {
  public:
    static std::shared_ptr<const AsymmetricKey> generate(KeyAlgorithm algorithm);
    // Parses a DER PKCS#8 PrivateKeyInfo holding RSA-2048/3072/4096 or an EC P-256/P-384
    // key; throws KeyFormatError otherwise. `check` also runs OpenSSL's pairwise check.
    static std::shared_ptr<const AsymmetricKey> from_pkcs8(ByteView der, bool check = true);

    ~AsymmetricKey();
    AsymmetricKey(const AsymmetricKey&) = delete;
    AsymmetricKey& operator=(const AsymmetricKey&) = delete;

    KeyAlgorithm algorithm() const { return algorithm_; }
    bool is_rsa() const { return info(algorithm_).is_rsa; }
    // RSA: modulus size k in bytes; EC: size of the group order in bytes.
    std::size_t size_bytes() const { return size_bytes_; }
    // The key as DER PKCS#8 (what the state file stores).
    const SecretBytes& pkcs8() const { return pkcs8_; }
    // The 7F49 template (docs §5): RSA {81 n, 82 e}, EC {86 04||X||Y, 06 OID}.
    const Bytes& public_key_template() const { return public_template_; }

    // Throws ossl::CryptoError (via std::runtime_error) if OpenSSL refuses, e.g.
    // raw data longer than k - 11; callers check lengths first.
    Bytes sign(const SignatureScheme& scheme, ByteView input) const;
    // nullopt when the padding or the OAEP check fails.
    std::optional<SecretBytes> decrypt(const DecryptionScheme& scheme, ByteView ciphertext) const;

  private:
    struct Free {
        void operator()(evp_pkey_st* key) const;
    };
    AsymmetricKey(std::unique_ptr<evp_pkey_st, Free> key, KeyAlgorithm algorithm);

    std::unique_ptr<evp_pkey_st, Free> key_;
    KeyAlgorithm algorithm_;
    std::size_t size_bytes_ = 0;
    SecretBytes pkcs8_;
    Bytes public_template_;
    // A signing context per scheme, set up once: a card keeps its keys ready, and
    // setting one up (the method fetched, the digest's DigestInfo) cost as much as a
    // fifth of an RSA-2048 signature.
    struct SignContexts;
    std::unique_ptr<SignContexts> sign_contexts_;
};

// The 7F49 template of the public key a DER X.509 certificate holds, or nullopt
// when it is not a parsable certificate with a key type the card knows.
std::optional<Bytes> certificate_public_key_template(ByteView der);

}  // namespace carta::sim

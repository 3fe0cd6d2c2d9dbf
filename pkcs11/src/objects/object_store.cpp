#include "object_store.hpp"

#include <openssl/core_names.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "carta/card/openssl.hpp"
#include "log.hpp"

namespace carta::pkcs11 {
namespace {

// CKA_ID of a certificate the card does not link to any key: its file id, so it is
// unique and never equal to a key's one-byte reference.
Bytes unlinked_certificate_id(std::uint8_t index) {
    return {0x20, index};
}

Bytes der_length_prefixed(std::uint8_t tag, ByteView content) {
    Bytes out{tag};
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else if (n <= 0xFF) {
        out.insert(out.end(), {0x81, static_cast<std::uint8_t>(n)});
    } else {
        out.insert(out.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

Bytes bignum_param(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) ossl::fail(std::string("reading ") + name);
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, out.data());
    BN_free(bn);
    return out;
}

Bytes octet_param(EVP_PKEY* key, const char* name) {
    std::size_t length = 0;
    if (EVP_PKEY_get_octet_string_param(key, name, nullptr, 0, &length) != 1)
        ossl::fail(std::string("reading ") + name);
    Bytes out(length);
    if (EVP_PKEY_get_octet_string_param(key, name, out.data(), out.size(), &length) != 1)
        ossl::fail(std::string("reading ") + name);
    out.resize(length);
    return out;
}

Object key_object(CK_SLOT_ID slot, card::Profile profile, const card::KeyObject& key, ObjectKind kind) {
    const auto& info = card::key_algorithm_info(key.algorithm);
    Object object;
    object.handle = make_handle(slot, kind, key.key_ref);
    object.kind = kind;
    object.profile = profile;
    object.label = key.name;
    object.id = {key.key_ref};
    object.key = key;
    object.key_bits = info.bits;
    object.spki = key.spki_der;
    auto pkey = ossl::public_key_from_spki(key.spki_der);
    if (info.is_rsa) {
        object.key_type = CKK_RSA;
        object.modulus = bignum_param(pkey.get(), OSSL_PKEY_PARAM_RSA_N);
        object.public_exponent = bignum_param(pkey.get(), OSSL_PKEY_PARAM_RSA_E);
    } else {
        object.key_type = CKK_EC;
        object.ec_params = *curve_oid(key.algorithm);
        object.ec_point =
            der_length_prefixed(0x04, octet_param(pkey.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY));
    }
    return object;
}

Object certificate_object(CK_SLOT_ID slot, card::Profile profile, const card::CertificateObject& cert) {
    Object object;
    object.handle = make_handle(slot, ObjectKind::Certificate, cert.index);
    object.kind = ObjectKind::Certificate;
    object.profile = profile;
    object.label = cert.name;
    object.id = cert.key_ref != 0 ? Bytes{cert.key_ref} : unlinked_certificate_id(cert.index);
    object.certificate = cert;
    auto x509 = ossl::parse_certificate_der(cert.der);
    object.subject = ossl::der_of<i2d_X509_NAME>(X509_get_subject_name(x509.get()), "DER encoding");
    object.issuer = ossl::der_of<i2d_X509_NAME>(X509_get_issuer_name(x509.get()), "DER encoding");
    object.serial_number = ossl::der_of<i2d_ASN1_INTEGER>(X509_get_serialNumber(x509.get()), "DER encoding");
    object.spki = ossl::certificate_spki(x509.get());
    const auto sha1 = ossl::digest(card::HashAlgorithm::Sha1, cert.der);
    object.check_value.assign(sha1.begin(), sha1.begin() + 3);
    // An authority only if the certificate itself says so and certifies no key of the card:
    // the card's CA flag alone (any tool can set it) never makes an end-entity trusted.
    const bool authority = cert.is_ca && cert.key_ref == 0 && X509_check_ca(x509.get()) >= 1;
    object.trusted = authority;
    object.category = authority ? 2 /* authority */ : (cert.key_ref != 0 ? 1 /* token user */ : 0);
    return object;
}

Object profile_object(CK_SLOT_ID slot, card::Profile profile, CK_ULONG profile_id) {
    Object object;
    object.handle = make_handle(slot, ObjectKind::Profile, static_cast<std::uint8_t>(profile_id));
    object.kind = ObjectKind::Profile;
    object.profile = profile;
    object.profile_id = profile_id;
    return object;
}

}  // namespace

CK_OBJECT_CLASS Object::object_class() const {
    switch (kind) {
        case ObjectKind::Certificate:
            return CKO_CERTIFICATE;
        case ObjectKind::PublicKey:
            return CKO_PUBLIC_KEY;
        case ObjectKind::PrivateKey:
            return CKO_PRIVATE_KEY;
        case ObjectKind::Profile:
            return CKO_PROFILE;
    }
    return CKO_DATA;
}

bool Object::destroyable() const {
    if (kind == ObjectKind::Profile) return false;
    // The secure profile's keys are fixed (docs/card-protocol.md §2).
    return kind == ObjectKind::Certificate || profile == card::Profile::Common;
}

std::uint16_t Object::fid() const {
    return certificate ? certificate->fid() : key->fid();
}

CK_OBJECT_HANDLE make_handle(CK_SLOT_ID slot, ObjectKind kind, std::uint8_t reference) {
    return ((slot + 1) << 16) | (static_cast<CK_OBJECT_HANDLE>(kind) << 8) | reference;
}

ObjectKind kind_of_handle(CK_OBJECT_HANDLE handle) {
    return static_cast<ObjectKind>((handle >> 8) & 0xFF);
}

std::optional<CK_SLOT_ID> slot_of_handle(CK_OBJECT_HANDLE handle) {
    if ((handle >> 16) == 0) return std::nullopt;
    return (handle >> 16) - 1;
}

std::optional<Bytes> curve_oid(card::KeyAlgorithm algorithm) {
    const auto oid = card::key_algorithm_info(algorithm).curve_oid;
    if (oid.empty()) return std::nullopt;
    return Bytes(oid.begin(), oid.end());
}

ObjectStore::ObjectStore(CK_SLOT_ID slot, card::Profile profile, const card::ProfileContents& contents,
                         std::uint32_t change_counter)
    : change_counter_(change_counter), label_(contents.label), keys_listed_(contents.keys_listed) {
    objects_.push_back(profile_object(slot, profile, CKP_PUBLIC_CERTIFICATES_TOKEN));
    // Card data is hostile input: an object OpenSSL cannot parse is left out, not fatal.
    for (const auto& cert : contents.certificates) {
        try {
            objects_.push_back(certificate_object(slot, profile, cert));
        } catch (const std::exception& e) {
            log::line("skipping certificate " + std::to_string(cert.index) + ": " + e.what());
        }
    }
    for (const auto& key : contents.keys) {
        try {
            auto pub = key_object(slot, profile, key, ObjectKind::PublicKey);
            auto priv = pub;
            priv.kind = ObjectKind::PrivateKey;
            priv.handle = make_handle(slot, ObjectKind::PrivateKey, key.key_ref);
            objects_.push_back(std::move(pub));
            objects_.push_back(std::move(priv));
        } catch (const std::exception& e) {
            log::line("skipping key " + std::to_string(key.key_ref) + ": " + e.what());
        }
    }
    // A key's CKA_SUBJECT is its certificate's subject.
    for (auto& object : objects_) {
        if (!object.is_key()) continue;
        for (const auto& other : objects_)
            if (other.kind == ObjectKind::Certificate && other.certificate->key_ref == object.key->key_ref)
                object.subject = other.subject;
    }
    std::sort(objects_.begin(), objects_.end(),
              [](const Object& a, const Object& b) { return a.handle < b.handle; });
}

const Object* ObjectStore::find(CK_OBJECT_HANDLE handle) const {
    auto it = std::lower_bound(objects_.begin(), objects_.end(), handle,
                               [](const Object& o, CK_OBJECT_HANDLE h) { return o.handle < h; });
    return it != objects_.end() && it->handle == handle ? &*it : nullptr;
}

}  // namespace carta::pkcs11

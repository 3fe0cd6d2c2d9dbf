// The PKCS#11 objects of one token, built from the card's public contents:
// a certificate object per certificate file; a public and a private key object
// per key file (the card keeps both halves in one file under one key reference);
// and one profile object (PKCS#11 3.0 §4.13) saying that the token's
// certificates can be read without a login (CKP_PUBLIC_CERTIFICATES_TOKEN):
// NSS then never asks for a token's PIN just to look for certificates.
//
// Object handles are derived from what the objects are on the card, not from
// a counter: (slot, kind, key reference or certificate index). So a handle
// stays valid while the object exists, across re-reading the card after any
// change, and never names an object of another token.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "carta/card/types.hpp"
#include "ck.hpp"

namespace carta::pkcs11 {

enum class ObjectKind : std::uint8_t { Certificate = 1, PublicKey = 2, PrivateKey = 3, Profile = 4 };

struct Object {
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    ObjectKind kind = ObjectKind::Certificate;
    card::Profile profile = card::Profile::Common;
    std::string label;
    Bytes id;
    Bytes subject;  // a key's: its certificate's subject, if the card holds one
    Bytes spki;     // DER SubjectPublicKeyInfo (CKA_PUBLIC_KEY_INFO)

    // Keys.
    std::optional<card::KeyObject> key;
    CK_KEY_TYPE key_type = CKK_RSA;
    CK_ULONG key_bits = 0;  // modulus size or field size
    Bytes modulus, public_exponent;
    Bytes ec_params;  // DER OID of the named curve
    Bytes ec_point;   // DER OCTET STRING of the uncompressed point

    // Certificates.
    std::optional<card::CertificateObject> certificate;
    Bytes issuer, serial_number, check_value;
    CK_ULONG category = 0;  // CK_CERTIFICATE_CATEGORY_*
    bool trusted = false;

    // Profile objects.
    CK_ULONG profile_id = 0;  // CKP_*

    CK_OBJECT_CLASS object_class() const;
    bool is_private() const { return kind == ObjectKind::PrivateKey; }
    bool is_key() const { return kind == ObjectKind::PublicKey || kind == ObjectKind::PrivateKey; }
    // Profile objects describe the token, not something stored on the card.
    bool modifiable() const { return kind != ObjectKind::Profile; }
    bool destroyable() const;
    std::uint16_t fid() const;  // the card file holding the object
    bool can_sign() const { return key && key->can_sign(); }
    bool can_decipher() const { return key && key->can_decipher(); }
    std::size_t key_bytes() const { return (key_bits + 7) / 8; }
};

class ObjectStore {
  public:
    ObjectStore(CK_SLOT_ID slot, card::Profile profile, const card::ProfileContents& contents,
                std::uint32_t change_counter);

    const std::vector<Object>& objects() const { return objects_; }
    const Object* find(CK_OBJECT_HANDLE handle) const;
    std::uint32_t change_counter() const { return change_counter_; }
    const std::string& label() const { return label_; }
    // False for a store made from the certificates alone (card::ProfileContents::keys_listed).
    bool keys_listed() const { return keys_listed_; }

  private:
    std::vector<Object> objects_;
    std::uint32_t change_counter_;
    std::string label_;
    bool keys_listed_;
};

// One object and the snapshot of the token it belongs to: while a call holds it, the object
// stays valid even if another thread reloads the card's contents meanwhile.
class ObjectRef {
  public:
    ObjectRef(std::shared_ptr<const ObjectStore> store, const Object& object)
        : store_(std::move(store)), object_(&object) {}
    const Object& operator*() const { return *object_; }
    const Object* operator->() const { return object_; }
    const Object* get() const { return object_; }

  private:
    std::shared_ptr<const ObjectStore> store_;
    const Object* object_;
};

CK_OBJECT_HANDLE make_handle(CK_SLOT_ID slot, ObjectKind kind, std::uint8_t reference);
// The kind of object a handle names, as make_handle encoded it (not checked against any store).
ObjectKind kind_of_handle(CK_OBJECT_HANDLE handle);
// The slot a handle belongs to (nullopt for a handle the module never made).
std::optional<CK_SLOT_ID> slot_of_handle(CK_OBJECT_HANDLE handle);

// DER of the named curve's OID for an EC key algorithm; nullopt for RSA.
std::optional<Bytes> curve_oid(card::KeyAlgorithm algorithm);

}  // namespace carta::pkcs11

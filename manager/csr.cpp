#include "csr.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "errors.hpp"
#include "objects.hpp"

namespace carta::cli {
namespace {

using Name = std::unique_ptr<X509_NAME, ossl::Deleter<X509_NAME_free>>;
using Algor = std::unique_ptr<X509_ALGOR, ossl::Deleter<X509_ALGOR_free>>;
using BitString = std::unique_ptr<ASN1_BIT_STRING, ossl::Deleter<ASN1_BIT_STRING_free>>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, ossl::Deleter<GENERAL_NAMES_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, ossl::Deleter<X509_EXTENSION_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>>;

void free_extensions(STACK_OF(X509_EXTENSION) * extensions) {
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}
using Extensions = std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<free_extensions>>;

Name subject_name(const CsrSubject& subject) {
    Name name(X509_NAME_new());
    const auto* cn = reinterpret_cast<const unsigned char*>(subject.common_name.c_str());
    const auto* email = reinterpret_cast<const unsigned char*>(subject.email.c_str());
    if (!name || X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_NID(name.get(), NID_pkcs9_emailAddress, MBSTRING_ASC, email, -1, -1, 0) != 1)
        throw CliError(Exit::InvalidInput, "cannot put the name into the request: " + ossl::last_error());
    return name;
}

// subjectAltName with the e-mail address as rfc822Name (RFC 8550 §3).
void add_email_san(X509_REQ* request, const std::string& email) {
    GeneralNames names(GENERAL_NAMES_new());
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_IA5STRING* address = ASN1_IA5STRING_new();
    if (!names || name == nullptr || address == nullptr ||
        ASN1_STRING_set(address, email.data(), static_cast<int>(email.size())) != 1) {
        GENERAL_NAME_free(name);
        ASN1_IA5STRING_free(address);
        ossl::fail("subjectAltName");
    }
    GENERAL_NAME_set0_value(name, GEN_EMAIL, address);
    if (sk_GENERAL_NAME_push(names.get(), name) <= 0) {
        GENERAL_NAME_free(name);
        ossl::fail("subjectAltName");
    }
    Extension extension(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    Extensions extensions(sk_X509_EXTENSION_new_null());
    if (!extension || !extensions || sk_X509_EXTENSION_push(extensions.get(), extension.get()) <= 0)
        ossl::fail("subjectAltName");
    extension.release();  // owned by the stack now
    if (X509_REQ_add_extensions(request, extensions.get()) != 1)
        ossl::fail("adding the request's extensions");
}

// The card's r‖s as a DER ECDSA-Sig-Value (RFC 5480 / X9.62).
Bytes ecdsa_der(ByteView raw) {
    if (raw.empty() || raw.size() % 2 != 0)
        throw CliError(Exit::Refused, "the card returned an ECDSA signature of odd length");
    const auto half = static_cast<int>(raw.size() / 2);
    EcdsaSig signature(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
    if (!signature || r == nullptr || s == nullptr || ECDSA_SIG_set0(signature.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ossl::fail("ECDSA signature");
    }
    return ossl::der_of<i2d_ECDSA_SIG>(signature.get(), "encoding the ECDSA signature");
}

int signature_nid(const card::KeyAlgorithmInfo& info, card::HashAlgorithm hash) {
    if (info.is_rsa) return NID_sha256WithRSAEncryption;
    return hash == card::HashAlgorithm::Sha384 ? NID_ecdsa_with_SHA384 : NID_ecdsa_with_SHA256;
}

void set_signature(X509_REQ* request, int nid, bool rsa, ByteView signature) {
    Algor algorithm(X509_ALGOR_new());
    // RSA algorithm identifiers carry NULL parameters; ECDSA ones none (RFC 5758 §3.2).
    if (!algorithm ||
        X509_ALGOR_set0(algorithm.get(), OBJ_nid2obj(nid), rsa ? V_ASN1_NULL : V_ASN1_UNDEF, nullptr) != 1 ||
        X509_REQ_set1_signature_algo(request, algorithm.get()) != 1)
        ossl::fail("setting the signature algorithm");
    BitString bits(ASN1_BIT_STRING_new());
    if (!bits || ASN1_BIT_STRING_set(bits.get(), const_cast<unsigned char*>(signature.data()),
                                     static_cast<int>(signature.size())) != 1)
        ossl::fail("setting the signature");
    // No unused bits: without this OpenSSL would drop trailing zero bits of the value.
    bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
    bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
    X509_REQ_set0_signature(request, bits.release());
}

}  // namespace

void check_email(const std::string& email) {
    const auto at = email.find('@');
    const bool ascii = std::all_of(email.begin(), email.end(), [](char c) {
        return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F;
    });
    const bool ok = ascii && at != std::string::npos && at > 0 &&
                    email.find('@', at + 1) == std::string::npos &&
                    email.find('.', at + 1) != std::string::npos && email.back() != '.' &&
                    email[at + 1] != '.' && email.size() <= 254;
    if (!ok)
        throw CliError(Exit::InvalidInput,
                       "\"" + email + "\" is not an e-mail address (expected name@domain.example)");
}

card::HashAlgorithm csr_hash(card::KeyAlgorithm algorithm) {
    return algorithm == card::KeyAlgorithm::P384 ? card::HashAlgorithm::Sha384 : card::HashAlgorithm::Sha256;
}

ossl::Request make_csr(card::Card& card, const card::KeyObject& key, const CsrSubject& subject) {
    const auto& info = card::key_algorithm_info(key.algorithm);
    const auto hash = csr_hash(key.algorithm);
    auto public_key = ossl::public_key_from_spki(key.spki_der);

    ossl::Request request(X509_REQ_new_ex(ossl::context(), nullptr));
    if (!request || X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1)
        ossl::fail("X509_REQ_new_ex");
    auto name = subject_name(subject);
    if (X509_REQ_set_subject_name(request.get(), name.get()) != 1 ||
        X509_REQ_set_pubkey(request.get(), public_key.get()) != 1)
        ossl::fail("building the request");
    add_email_san(request.get(), subject.email);

    // The signature covers the DER CertificationRequestInfo.
    unsigned char* tbs = nullptr;
    const int tbs_length = i2d_re_X509_REQ_tbs(request.get(), &tbs);
    if (tbs_length <= 0) ossl::fail("encoding the request");
    const Bytes to_be_signed(tbs, tbs + tbs_length);
    OPENSSL_free(tbs);
    const auto digest = ossl::digest(hash, to_be_signed);

    card::SignScheme scheme;
    scheme.kind = info.is_rsa ? card::SignScheme::Kind::RsaPkcs1Hash : card::SignScheme::Kind::Ecdsa;
    const auto raw = card.sign(key.key_ref, scheme, digest);
    set_signature(request.get(), signature_nid(info, hash), info.is_rsa, info.is_rsa ? raw : ecdsa_der(raw));

    if (X509_REQ_verify_ex(request.get(), public_key.get(), ossl::context(), nullptr) != 1)
        throw CliError(Exit::Refused, "the card's signature on the request does not verify with key " +
                                          key_id(key) + "'s public key: " + ossl::last_error());
    return request;
}

std::string csr_pem(X509_REQ* request) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_REQ(bio.get(), request) != 1) ossl::fail("writing the request as PEM");
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

Bytes csr_der(X509_REQ* request) {
    return ossl::der_of<i2d_X509_REQ>(request, "encoding the request");
}

}  // namespace carta::cli

// Seeds built with OpenSSL: the files an administrator hands the CLI, and the
// templates and mechanism parameters an application hands the PKCS#11 module.
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "../../pkcs11/src/ck.hpp"
#include "seeds.hpp"
#include "test_certificate.hpp"

namespace carta::fuzz::seeds {
namespace {

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what);
}

// Whatever an i2d_ or PEM_write_bio_ function writes into a memory BIO.
template <typename Write>
Bytes written(Write&& write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    check(bio && write(bio.get()) > 0, "writing");
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return Bytes(data, data + length);
}

Bytes with_kind(std::uint8_t kind, ByteView file) {
    Bytes out{kind};
    out.insert(out.end(), file.begin(), file.end());
    return out;
}

void certificate_seeds(const Corpus& corpus) {
    const auto first = make_test_identity();
    const auto second = make_test_identity();
    X509* a = first.certificate.get();
    X509* b = second.certificate.get();
    const auto der = written([&](BIO* bio) { return i2d_X509_bio(bio, a); });
    const auto pem = written([&](BIO* bio) { return PEM_write_bio_X509(bio, a); });
    auto chain = pem;
    const auto pem_b = written([&](BIO* bio) { return PEM_write_bio_X509(bio, b); });
    chain.insert(chain.end(), pem_b.begin(), pem_b.end());
    corpus.write("cli_readers", "certificate-der", with_kind(0, der));
    corpus.write("cli_readers", "certificate-pem", with_kind(0, pem));
    corpus.write("cli_readers", "chain-pem", with_kind(0, chain));

    // A certificates-only PKCS#7 SignedData, as CAs deliver chains (.p7b).
    std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(PKCS7_new(), PKCS7_free);
    check(p7 && PKCS7_set_type(p7.get(), NID_pkcs7_signed) == 1, "PKCS7_set_type");
    check(PKCS7_content_new(p7.get(), NID_pkcs7_data) == 1, "PKCS7_content_new");
    check(PKCS7_add_certificate(p7.get(), a) == 1 && PKCS7_add_certificate(p7.get(), b) == 1, "add");
    corpus.write("cli_readers", "bundle-p7b-der",
                 with_kind(0, written([&](BIO* bio) { return i2d_PKCS7_bio(bio, p7.get()); })));
    corpus.write("cli_readers", "bundle-p7b-pem",
                 with_kind(0, written([&](BIO* bio) { return PEM_write_bio_PKCS7(bio, p7.get()); })));

    std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> request(
        X509_to_X509_REQ(a, first.key.get(), EVP_sha256()), X509_REQ_free);
    check(request != nullptr, "X509_to_X509_REQ");
    corpus.write("cli_readers", "request-pem",
                 with_kind(1, written([&](BIO* bio) { return PEM_write_bio_X509_REQ(bio, request.get()); })));
    corpus.write("cli_readers", "request-der",
                 with_kind(1, written([&](BIO* bio) { return i2d_X509_REQ_bio(bio, request.get()); })));

    // One iteration for the key and the MAC: the fuzzer runs this file thousands of times.
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> cas(
        sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_free(s); });
    check(cas && sk_X509_push(cas.get(), b) > 0, "sk_X509_push");
    std::unique_ptr<PKCS12, decltype(&PKCS12_free)> p12(
        PKCS12_create("fuzz", "fuzz key", first.key.get(), a, cas.get(), 0, 0, 1, 1, 0), PKCS12_free);
    check(p12 != nullptr, "PKCS12_create");
    corpus.write("cli_readers", "identity-p12",
                 with_kind(2, written([&](BIO* bio) { return i2d_PKCS12_bio(bio, p12.get()); })));
}

// pkcs11_params input, see its header comment.
class Pkcs11Seed {
  public:
    explicit Pkcs11Seed(std::uint8_t object) : bytes_{object, 0} {}
    Pkcs11Seed& attribute(CK_ATTRIBUTE_TYPE type, ByteView value) {
        ++bytes_[1];
        explicit_type(type);
        bytes_.push_back(static_cast<std::uint8_t>(value.size()));
        bytes_.insert(bytes_.end(), value.begin(), value.end());
        return *this;
    }
    template <typename T>
    Bytes mechanism(CK_MECHANISM_TYPE type, const T* parameter, ByteView data, ByteView signature) {
        explicit_type(type);
        const auto size = parameter == nullptr ? 0 : sizeof(T);
        bytes_.push_back(static_cast<std::uint8_t>(size));
        const auto* p = reinterpret_cast<const std::uint8_t*>(parameter);
        if (parameter != nullptr) bytes_.insert(bytes_.end(), p, p + size);
        append_chunk(bytes_, data);
        append_chunk(bytes_, signature);
        return bytes_;
    }

  private:
    void explicit_type(CK_ULONG type) {
        bytes_.push_back(0xFF);  // beyond the tables: the type follows
        append_u32(bytes_, static_cast<std::uint32_t>(type));
    }
    Bytes bytes_;
};

Bytes ulong_bytes(CK_ULONG value) {
    Bytes out(sizeof value);
    std::memcpy(out.data(), &value, sizeof value);
    return out;
}

void pkcs11_seeds(const Corpus& corpus) {
    const Bytes data{'h', 'e', 'l', 'l', 'o'};
    const Bytes signature(64, 0x11);
    const CK_RSA_PKCS_PSS_PARAMS pss{CKM_SHA256, CKG_MGF1_SHA256, 32};
    const CK_RSA_PKCS_OAEP_PARAMS oaep{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, nullptr, 0};
    const int* none = nullptr;  // no parameter
    corpus.write("pkcs11_params", "find-private-key-pss",
                 Pkcs11Seed(0)
                     .attribute(CKA_CLASS, ulong_bytes(CKO_PRIVATE_KEY))
                     .attribute(CKA_ID, Bytes{0x21})
                     .mechanism(CKM_SHA256_RSA_PKCS_PSS, &pss, data, signature));
    corpus.write("pkcs11_params", "oaep",
                 Pkcs11Seed(1)
                     .attribute(CKA_KEY_TYPE, ulong_bytes(CKK_RSA))
                     .mechanism(CKM_RSA_PKCS_OAEP, &oaep, data, signature));
    corpus.write("pkcs11_params", "ecdsa",
                 Pkcs11Seed(2)
                     .attribute(CKA_EC_POINT, Bytes(65, 0x04))
                     .attribute(CKA_LABEL, Bytes{'f', 'u', 'z', 'z'})
                     .mechanism(CKM_ECDSA_SHA256, none, data, signature));
    corpus.write("pkcs11_params", "certificate-digest",
                 Pkcs11Seed(3)
                     .attribute(CKA_CLASS, ulong_bytes(CKO_CERTIFICATE))
                     .attribute(CKA_SUBJECT, Bytes(40, 0x30))
                     .mechanism(CKM_SHA256, none, data, signature));
}

}  // namespace

void file_seeds(const Corpus& corpus) {
    certificate_seeds(corpus);
    pkcs11_seeds(corpus);
}

}  // namespace carta::fuzz::seeds

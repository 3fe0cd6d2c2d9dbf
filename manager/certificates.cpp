#include "certificates.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>

#include "errors.hpp"
#include "objects.hpp"

namespace carta::cli {
namespace {

std::string name_text(const X509_NAME* name) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    if (!bio) ossl::fail("BIO_new");
    // "CN=Joe Doe, emailAddress=joe@example.com": RFC 2253 escaping, UTF-8 kept, in the order of the DER.
    const unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC |
                                XN_FLAG_FN_SN | XN_FLAG_DUMP_UNKNOWN_FIELDS;
    X509_NAME_print_ex(bio.get(), name, 0, flags);
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::string entry_text(const X509_NAME* name, int nid) {
    const int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0) return {};
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    if (length < 0) return {};
    std::string text(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return text;
}

std::string time_text(const ASN1_TIME* time) {
    std::tm tm{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return {};
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string san_email(X509* certificate) {
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) return {};
    std::string email;
    for (int i = 0; i < sk_GENERAL_NAME_num(names) && email.empty(); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_EMAIL)
            email.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.rfc822Name)),
                         static_cast<std::size_t>(ASN1_STRING_length(name->d.rfc822Name)));
    }
    GENERAL_NAMES_free(names);
    return email;
}

std::string corrupt(const std::string& path, const std::string& why) {
    return path + ": " + why + "; nothing was written to the card";
}

}  // namespace

Bytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CliError(Exit::InvalidInput, "cannot read " + path + ": " + std::strerror(errno));
    Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw CliError(Exit::InvalidInput, "cannot read " + path);
    return data;
}

void write_output(const std::string& path, ByteView data) {
    if (path.empty() || path == "-") {
        std::cout.write(reinterpret_cast<const char*>(data.data()),
                        static_cast<std::streamsize>(data.size()));
        std::cout.flush();
        if (!std::cout) throw CliError(Exit::Internal, "cannot write to standard output");
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (out) out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) throw CliError(Exit::InvalidInput, "cannot write " + path + ": " + std::strerror(errno));
}

bool is_pem(ByteView data) {
    const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    return text.find("-----BEGIN ") != std::string_view::npos;
}

namespace {

using Pkcs7 = std::unique_ptr<PKCS7, ossl::Deleter<PKCS7_free>>;

// A PKCS#7 file (.p7b / .p7c, as CAs deliver chains): PEM "PKCS7" block or DER
// ContentInfo; null if `data` is neither. A corrupt PEM PKCS7 block is an error.
Pkcs7 parse_pkcs7(ByteView data, const std::string& path) {
    Pkcs7 p7(PKCS7_new_ex(ossl::context(), nullptr));
    if (!p7) ossl::fail("PKCS7_new_ex");
    PKCS7* raw = p7.get();
    const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    if (text.find("-----BEGIN PKCS7-----") != std::string_view::npos) {
        ossl::Bio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
        if (!bio) ossl::fail("BIO_new_mem_buf");
        if (PEM_read_bio_PKCS7(bio.get(), &raw, nullptr, nullptr) == nullptr) {
            if (raw == nullptr) p7.release();  // the decoder freed it
            throw CliError(Exit::InvalidInput,
                           corrupt(path, "corrupt PEM PKCS7 block (" + ossl::last_error() + ")"));
        }
        return p7;
    }
    if (is_pem(data)) return nullptr;
    const unsigned char* p = data.data();
    if (d2i_PKCS7(&raw, &p, static_cast<long>(data.size())) == nullptr) {
        if (raw == nullptr) p7.release();
        ERR_clear_error();
        return nullptr;  // not PKCS#7: perhaps DER certificates
    }
    if (p != data.data() + data.size())
        throw CliError(Exit::InvalidInput, corrupt(path, "data after the end of the PKCS#7 structure"));
    return p7;
}

std::vector<ossl::Certificate> certificates_of(const PKCS7* p7, const std::string& path) {
    const STACK_OF(X509)* stack =
        PKCS7_type_is_signed(p7) && p7->d.sign != nullptr ? p7->d.sign->cert : nullptr;
    if (stack == nullptr || sk_X509_num(stack) == 0)
        throw CliError(Exit::InvalidInput, corrupt(path, "the PKCS#7 file holds no certificate"));
    std::vector<ossl::Certificate> certificates;
    for (int i = 0; i < sk_X509_num(stack); ++i) {
        X509* certificate = sk_X509_value(stack, i);
        if (X509_up_ref(certificate) != 1) ossl::fail("X509_up_ref");
        certificates.emplace_back(certificate);
    }
    return certificates;
}

}  // namespace

std::vector<ossl::Certificate> read_certificates(ByteView data, const std::string& path) {
    std::vector<ossl::Certificate> certificates;
    if (data.empty()) throw CliError(Exit::InvalidInput, corrupt(path, "the file is empty"));
    if (const auto p7 = parse_pkcs7(data, path)) return certificates_of(p7.get(), path);
    if (is_pem(data)) {
        ossl::Bio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
        if (!bio) ossl::fail("BIO_new_mem_buf");
        ERR_clear_error();
        for (;;) {
            ossl::Certificate certificate(X509_new_ex(ossl::context(), nullptr));
            if (!certificate) ossl::fail("X509_new_ex");
            X509* raw = certificate.get();
            if (PEM_read_bio_X509(bio.get(), &raw, nullptr, nullptr) == nullptr) {
                if (raw == nullptr) certificate.release();  // the decoder freed it
                const unsigned long error = ERR_peek_last_error();
                if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE &&
                    !certificates.empty()) {
                    ERR_clear_error();
                    break;  // the end of the file
                }
                const std::string detail = ossl::last_error();
                throw CliError(
                    Exit::InvalidInput,
                    corrupt(path, certificates.empty() && ERR_GET_REASON(error) == PEM_R_NO_START_LINE
                                      ? "no PEM CERTIFICATE block in the file"
                                      : "corrupt PEM certificate (" + detail + ")"));
            }
            certificates.push_back(std::move(certificate));
        }
        return certificates;
    }
    ByteView rest = data;
    while (!rest.empty()) {
        // A DER SEQUENCE: read its length to cut one certificate off the front.
        const unsigned char* p = rest.data();
        long length = 0;
        int tag = 0, klass = 0;
        const int info = ASN1_get_object(&p, &length, &tag, &klass, static_cast<long>(rest.size()));
        if ((info & 0x80) != 0 || tag != V_ASN1_SEQUENCE) {
            ERR_clear_error();
            throw CliError(Exit::InvalidInput,
                           corrupt(path, "neither PEM nor a DER certificate (corrupt or wrong file)"));
        }
        const std::size_t size = static_cast<std::size_t>(p - rest.data()) + static_cast<std::size_t>(length);
        try {
            certificates.push_back(ossl::parse_certificate_der(rest.first(size)));
        } catch (const std::invalid_argument& e) {
            throw CliError(Exit::InvalidInput,
                           corrupt(path, std::string("corrupt DER certificate (") + e.what() + ")"));
        }
        rest = rest.subspan(size);
    }
    return certificates;
}

std::string certificate_pem(ByteView der) {
    auto certificate = ossl::parse_certificate_der(der);
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate.get()) != 1) ossl::fail("writing PEM");
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

CertificateInfo describe_certificate(X509* certificate) {
    CertificateInfo info;
    info.subject = name_text(X509_get_subject_name(certificate));
    info.issuer = name_text(X509_get_issuer_name(certificate));
    info.common_name = entry_text(X509_get_subject_name(certificate), NID_commonName);
    info.email = san_email(certificate);
    if (info.email.empty())
        info.email = entry_text(X509_get_subject_name(certificate), NID_pkcs9_emailAddress);
    if (const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate)) {
        BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
        if (bn != nullptr) {
            char* hex = BN_bn2hex(bn);
            if (hex != nullptr) info.serial = hex;
            OPENSSL_free(hex);
            BN_free(bn);
        }
    }
    info.not_before = time_text(X509_get0_notBefore(certificate));
    info.not_after = time_text(X509_get0_notAfter(certificate));
    const auto der = ossl::certificate_der(certificate);
    info.sha256 = to_hex(ossl::digest(card::HashAlgorithm::Sha256, der), 0);
    info.ca = X509_check_ca(certificate) >= 1;
    return info;
}

CertificateInfo describe_certificate(ByteView der) {
    try {
        auto certificate = ossl::parse_certificate_der(der);
        return describe_certificate(certificate.get());
    } catch (const std::invalid_argument&) {
        CertificateInfo info;
        info.subject = "(unreadable certificate)";
        return info;
    }
}

std::string default_certificate_label(const CertificateInfo& info) {
    if (!info.common_name.empty()) return fit_label(info.common_name);
    if (!info.email.empty()) return fit_label(info.email);
    return fit_label(info.subject);
}

namespace {

std::optional<std::string> ec_group_name(EVP_PKEY* key) {
    char group[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length) != 1) return std::nullopt;
    return std::string(group, length);
}

}  // namespace

std::optional<card::KeyAlgorithm> card_key_algorithm(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA"))
        return card::rsa_key_algorithm(static_cast<unsigned>(EVP_PKEY_get_bits(key)));
    if (!EVP_PKEY_is_a(key, "EC")) return std::nullopt;
    const auto group = ec_group_name(key);
    return group ? card::ec_key_algorithm_by_curve(*group) : std::nullopt;
}

std::string public_key_text(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA")) return "RSA-" + std::to_string(EVP_PKEY_get_bits(key));
    if (EVP_PKEY_is_a(key, "EC")) {
        if (const auto name = ec_group_name(key)) {
            if (const auto algorithm = card::ec_key_algorithm_by_curve(*name))
                return std::string(card::key_algorithm_display_name(*algorithm));
            if (*name == "secp521r1" || *name == "P-521") return "P-521";
            return "EC " + *name;
        }
        return "EC";
    }
    const char* type = EVP_PKEY_get0_type_name(key);
    return type != nullptr ? type : "unknown key type";
}

}  // namespace carta::cli

// carta p12 import: the key, certificate and chain of a PKCS#12 file onto the card.
#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include <iostream>

#include "carta/card/card.hpp"
#include "certificates.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "file_readers.hpp"
#include "objects.hpp"
#include "output.hpp"
#include "prompt.hpp"

namespace carta::cli {
namespace {

using Pkcs8 = std::unique_ptr<PKCS8_PRIV_KEY_INFO, ossl::Deleter<PKCS8_PRIV_KEY_INFO_free>>;

constexpr std::size_t kCertificateSlots = 15;
constexpr std::size_t kKeySlots = 10;  // per type: RSA 21-2A, EC 31-3A

card::KeyAlgorithm card_algorithm(EVP_PKEY* key, const std::string& path) {
    const std::string text = public_key_text(key);
    for (const auto& info : card::key_algorithms())
        if (algorithm_text(info.algorithm) == text) return info.algorithm;
    throw CliError(Exit::InvalidInput, path + ": the card cannot hold a " + text +
                                           " key (RSA-2048, RSA-3072, RSA-4096, P-256 or P-384)");
}

Bytes pkcs8_der(EVP_PKEY* key) {
    Pkcs8 info(EVP_PKEY2PKCS8(key));
    unsigned char* der = nullptr;
    const int length = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
    if (length <= 0) ossl::fail("encoding the private key");
    Bytes out(der, der + length);
    OPENSSL_clear_free(der, static_cast<std::size_t>(length));
    return out;
}

}  // namespace

int run_p12_import(const GlobalOptions& global, const P12ImportOptions& options) {
    if (!options.label.empty()) check_label(options.label);
    auto parsed = read_pkcs12(read_file(options.file), options.file, [&] {
        return ask_password("CARTA_P12_PASSWORD", "Password of " + options.file);
    });
    if (!parsed.key) throw CliError(Exit::InvalidInput, options.file + " holds no private key");
    const auto algorithm = card_algorithm(parsed.key.get(), options.file);
    if (parsed.certificate && X509_check_private_key(parsed.certificate.get(), parsed.key.get()) != 1) {
        ERR_clear_error();
        throw CliError(Exit::InvalidInput,
                       options.file + ": the certificate does not belong to the private key");
    }
    std::string key_label = options.label;
    if (key_label.empty() && parsed.certificate) {
        if (const unsigned char* alias = X509_alias_get0(parsed.certificate.get(), nullptr))
            key_label = fit_label(reinterpret_cast<const char*>(alias));
    }
    if (key_label.empty()) key_label = default_key_label(algorithm);

    // What goes to the card: the certificate, then the CA certificates not there yet.
    std::vector<std::pair<Bytes, std::string>> certificates;
    const auto spki = ossl::spki_der(parsed.key.get());

    CardSession session(global);
    const auto contents = session.card().contents();
    for (const auto& key : contents.keys)
        if (key.spki_der == spki)
            throw CliError(Exit::Refused,
                           "this key is already on the card as key " + key_id(key) + " \"" + key.name + "\"");
    const bool rsa = card::key_algorithm_info(algorithm).is_rsa;
    const auto same_type = std::count_if(
        contents.keys.begin(), contents.keys.end(),
        [&](const card::KeyObject& k) { return card::key_algorithm_info(k.algorithm).is_rsa == rsa; });
    if (static_cast<std::size_t>(same_type) >= kKeySlots)
        throw CliError(Exit::Refused,
                       std::string("no free ") + (rsa ? "RSA" : "EC") + " key slot on the card");
    auto on_card = [&](const Bytes& der) {
        return std::any_of(contents.certificates.begin(), contents.certificates.end(),
                           [&](const card::CertificateObject& c) { return c.der == der; });
    };
    if (parsed.certificate) {
        auto der = ossl::certificate_der(parsed.certificate.get());
        const auto label = options.label.empty()
                               ? default_certificate_label(describe_certificate(parsed.certificate.get()))
                               : options.label;
        certificates.emplace_back(std::move(der), label);
    }
    const int chain_size = parsed.chain ? sk_X509_num(parsed.chain.get()) : 0;
    for (int i = 0; i < chain_size; ++i) {
        X509* ca = sk_X509_value(parsed.chain.get(), i);
        auto der = ossl::certificate_der(ca);
        if (!on_card(der))
            certificates.emplace_back(std::move(der), default_certificate_label(describe_certificate(ca)));
    }
    const auto free_slots = kCertificateSlots - contents.certificates.size();
    if (certificates.size() > free_slots)
        throw CliError(Exit::Refused, "not enough room on the card: " + std::to_string(certificates.size()) +
                                          " certificates to store, " + std::to_string(free_slots) +
                                          " free slots; nothing was written");

    session.login();
    auto secret_der = pkcs8_der(parsed.key.get());
    SecretBytes pkcs8(std::move(secret_der));
    const auto key = session.card().import_key(pkcs8.view(), key_label);
    pkcs8.clear();
    if (!global.json)
        std::cout << "Imported key " << key_id(key) << " \"" << key.name << "\" ("
                  << algorithm_text(key.algorithm) << ").\n";
    Json stored = Json::array();
    std::vector<std::uint16_t> written_fids;
    try {
        for (std::size_t i = 0; i < certificates.size(); ++i) {
            const bool is_ca = !(i == 0 && parsed.certificate);
            const auto written =
                session.card().write_certificate(certificates[i].first, certificates[i].second, is_ca);
            written_fids.push_back(written.fid());
            stored.push(certificate_json(written));
            if (!global.json)
                std::cout << "Stored " << (is_ca ? "CA certificate " : "certificate ")
                          << certificate_slot(written) << " \"" << written.name << "\".\n";
        }
    } catch (...) {
        // Leave the card as it was: without the half-imported key and its certificates.
        written_fids.push_back(key.fid());
        for (const auto fid : written_fids) {
            try {
                session.card().delete_object(fid);
            } catch (...) {
                std::cerr << "carta: could not remove what was imported (file "
                          << to_hex(
                                 Bytes{static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)},
                                 0)
                          << ")\n";
            }
        }
        throw;
    }
    if (global.json) {
        print_json(Json::object()
                       .set("key", key_json(key, session.card().contents()))
                       .set("certificates", std::move(stored)));
    }
    return 0;
}

}  // namespace carta::cli

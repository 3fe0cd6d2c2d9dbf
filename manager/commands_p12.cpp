// carta p12 import: the key, certificate and chain of a PKCS#12 file onto the card.
#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include <iostream>
#include <optional>

#include "carta/card/card.hpp"
#include "carta/card/text.hpp"
#include "certificates.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "file_readers.hpp"
#include "objects.hpp"
#include "output.hpp"
#include "pending.hpp"
#include "prompt.hpp"
#include "session.hpp"

namespace carta::cli {
namespace {

using Pkcs8 = std::unique_ptr<PKCS8_PRIV_KEY_INFO, ossl::Deleter<PKCS8_PRIV_KEY_INFO_free>>;

struct P12ImportOptions {
    std::string file;
    std::string label;
};

card::KeyAlgorithm card_algorithm(EVP_PKEY* key, const std::string& path) {
    if (const auto algorithm = card_key_algorithm(key)) return *algorithm;
    throw CliError(Exit::InvalidInput, path + ": the card cannot hold a " + public_key_text(key) + " key (" +
                                           card::key_algorithm_list() + ")");
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

// A certificate of the file as it will be stored.
struct PlannedP12Certificate {
    Bytes der;
    std::string label;
    bool ca = false;
    std::optional<std::uint16_t> pending_fid;  // written by an interrupted run, to be committed
};

// The certificate, then the rest of the chain that is not on the card yet. A chain
// certificate is stored as a CA certificate only if it is one by its own
// basicConstraints and certifies neither the imported key nor a key on the card: a
// renewal bundle's second end-entity certificate is just a certificate (the card
// links it to its key), and nothing is trusted because of its place in the file.
std::vector<PlannedP12Certificate> plan_certificates(const Pkcs12Contents& parsed, const Bytes& key_spki,
                                                     const card::ProfileContents& contents,
                                                     const std::string& label) {
    auto certifies_a_card_key = [&](const Bytes& spki) {
        return spki == key_spki || std::any_of(contents.keys.begin(), contents.keys.end(),
                                               [&](const card::KeyObject& k) { return k.spki_der == spki; });
    };
    // A certificate already on the card is skipped, unless an interrupted run left it pending.
    auto on_card = [&](const Bytes& der) -> const card::CertificateObject* {
        for (const auto& stored : contents.certificates)
            if (stored.der == der) return &stored;
        return nullptr;
    };
    std::vector<PlannedP12Certificate> plan;
    auto add = [&](X509* certificate, std::string certificate_label, bool ca) {
        auto der = ossl::certificate_der(certificate);
        const auto* stored = on_card(der);
        if (stored != nullptr && !is_pending(stored->name)) return;
        plan.push_back({std::move(der), std::move(certificate_label), ca,
                        stored != nullptr ? std::optional(stored->fid()) : std::nullopt});
    };
    if (parsed.certificate) {
        const auto info = describe_certificate(parsed.certificate.get());
        add(parsed.certificate.get(), label.empty() ? default_certificate_label(info) : label, false);
    }
    const int chain_size = parsed.chain ? sk_X509_num(parsed.chain.get()) : 0;
    for (int i = 0; i < chain_size; ++i) {
        X509* certificate = sk_X509_value(parsed.chain.get(), i);
        const auto info = describe_certificate(certificate);
        add(certificate, default_certificate_label(info),
            info.ca && !certifies_a_card_key(ossl::certificate_spki(certificate)));
    }
    return plan;
}

// A key of the file already on the card: the unfinished import to resume if its
// name still carries the pending mark, else a refusal.
const card::KeyObject* resumable_key(const card::ProfileContents& contents, const Bytes& spki) {
    for (const auto& key : contents.keys) {
        if (key.spki_der != spki) continue;
        if (is_pending(key.name)) return &key;
        throw CliError(Exit::Refused, "this key is already on the card as key " + key_id(key) + " " +
                                          quoted_label(key.name));
    }
    return nullptr;
}

void require_key_slot(const card::ProfileContents& contents, bool rsa) {
    const auto same_type = std::count_if(
        contents.keys.begin(), contents.keys.end(),
        [&](const card::KeyObject& k) { return card::key_algorithm_info(k.algorithm).is_rsa == rsa; });
    if (static_cast<std::size_t>(same_type) >= card::key_refs(rsa).size())
        throw CliError(Exit::Refused,
                       std::string("no free ") + (rsa ? "RSA" : "EC") + " key slot on the card");
}

// The writes of one import (pending.hpp): each object is written under its pending
// name, and commit() renames them, the key last. A failure that leaves the card
// reachable undoes what this run wrote; one that loses the card reports an unknown
// outcome, and the pending marks let the next run find what was left.
class Import {
  public:
    Import(CardSession& session, const GlobalOptions& global, std::string file)
        : session_(session), global_(global), file_(std::move(file)) {}

    card::KeyObject key(EVP_PKEY* private_key, const std::string& label) {
        auto secret_der = pkcs8_der(private_key);
        SecretBytes pkcs8(std::move(secret_der));
        in_flight_ = "key";
        const auto key = session_.card().import_key(pkcs8.view(), pending_name(label));
        written_.push_back(key.fid());
        if (!global_.json)
            std::cout << "Imported key " << key_id(key) << " (" << algorithm_text(key.algorithm) << ").\n";
        return key;
    }

    void certificate(const PlannedP12Certificate& planned) {
        if (planned.pending_fid) {
            to_commit_.emplace_back(*planned.pending_fid, planned.label);
            return;
        }
        in_flight_ = "certificate \"" + card::printable(planned.label) + "\"";
        const auto written =
            session_.card().write_certificate(planned.der, pending_name(planned.label), planned.ca);
        written_.push_back(written.fid());
        to_commit_.emplace_back(written.fid(), planned.label);
    }

    void commit(const card::KeyObject& key, const std::string& key_label) {
        in_flight_ = "the final names";
        for (const auto& [fid, label] : to_commit_) session_.card().rename(fid, label);
        session_.card().rename(key.fid(), key_label);
        const auto contents = session_.card().contents();
        for (const auto& stored : contents.keys)
            if (stored.key_ref == key.key_ref) committed_key_ = stored;
        for (const auto& [fid, label] : to_commit_) {
            for (const auto& stored : contents.certificates) {
                if (stored.fid() != fid) continue;
                stored_.push(certificate_json(stored));
                if (!global_.json)
                    std::cout << "Stored " << (stored.is_ca ? "CA certificate " : "certificate ")
                              << certificate_slot(stored) << " " << quoted_label(stored.name) << ".\n";
            }
        }
        if (!global_.json)
            std::cout << "Committed key " << key_id(key) << " " << quoted_label(key_label) << ".\n";
    }

    const card::KeyObject& committed_key() const { return committed_key_; }
    Json stored() const { return stored_; }

    [[noreturn]] void fail(std::exception_ptr error) {
        if (is_communication_failure(error)) {
            std::cerr << "carta: "
                      << session_.lost_card_message().value_or("communication with the card failed") << "\n";
            throw CliError(Exit::OutcomeUnknown,
                           "the import stopped while writing " + in_flight_ +
                               "; whether that write was done is unknown. What was written is marked \"" +
                               std::string(kPendingMark) + "\" on the card: run `carta p12 import " + file_ +
                               "` again to complete the import (`carta list` shows what is there)");
        }
        // The card refused (no room, ...): leave it as it was.
        for (auto fid = written_.rbegin(); fid != written_.rend(); ++fid) {
            try {
                session_.card().delete_object(*fid);
            } catch (...) {
                std::cerr << "carta: could not remove what this import wrote; `carta list` shows it marked \""
                          << kPendingMark << "\"\n";
                break;
            }
        }
        std::rethrow_exception(error);
    }

  private:
    CardSession& session_;
    const GlobalOptions& global_;
    std::string file_;
    std::string in_flight_;
    std::vector<std::uint16_t> written_;                            // this run's writes, in order
    std::vector<std::pair<std::uint16_t, std::string>> to_commit_;  // certificate file, final label
    card::KeyObject committed_key_;
    Json stored_ = Json::array();
};

int run_p12_import(CommandContext& context, const P12ImportOptions& options) {
    const GlobalOptions& global = context.global;
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

    const auto spki = ossl::spki_der(parsed.key.get());
    CardSession session(context);
    const auto contents = session.card().contents();
    const card::KeyObject* resumed = resumable_key(contents, spki);
    if (resumed == nullptr) require_key_slot(contents, card::key_algorithm_info(algorithm).is_rsa);
    const auto certificates = plan_certificates(parsed, spki, contents, options.label);
    const auto to_write = std::count_if(certificates.begin(), certificates.end(),
                                        [](const PlannedP12Certificate& p) { return !p.pending_fid; });
    const auto free_slots = card::kCertificateSlots - contents.certificates.size();
    if (static_cast<std::size_t>(to_write) > free_slots)
        throw CliError(Exit::Refused, "not enough room on the card: " + std::to_string(to_write) +
                                          " certificates to store, " + std::to_string(free_slots) +
                                          " free slots; nothing was written");

    session.login();
    Import import{session, global, options.file};
    try {
        const auto key = resumed != nullptr ? *resumed : import.key(parsed.key.get(), key_label);
        for (const auto& certificate : certificates) import.certificate(certificate);
        import.commit(key, key_label);
        if (global.json)
            print_json(Json::object()
                           .set("key", key_json(import.committed_key(), session.card().contents()))
                           .set("certificates", import.stored()));
    } catch (...) {
        import.fail(std::current_exception());
    }
    return 0;
}

}  // namespace

void add_p12_commands(Command& app, CommandContext& context) {
    Command p12 = app.group("p12", "PKCS#12 files");
    auto options = std::make_shared<P12ImportOptions>();
    p12.command("import", "put the key and certificates of a PKCS#12 file on the card",
                [&context, options] { return run_p12_import(context, *options); })
        .option("FILE", options->file, "the .p12 / .pfx file")
        .required()
        .option("--label", options->label, "label of the key and its certificate");
}

}  // namespace carta::cli

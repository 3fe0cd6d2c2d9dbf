// carta cert import, cert export.
#include <algorithm>
#include <iostream>

#include "carta/card/card.hpp"
#include "certificates.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "output.hpp"
#include "session.hpp"

namespace carta::cli {
namespace {

struct CertImportOptions {
    std::string file;
    std::string label;
    bool ca = false;
};

struct CertExportOptions {
    std::string object;
    bool der = false;
    std::string out;
};

// One certificate of the file and what will happen to it.
struct PlannedCertificate {
    Bytes der;
    CertificateInfo info;
    const card::KeyObject* key = nullptr;  // the card's key it certifies
    bool ca = false;
    const card::CertificateObject* existing = nullptr;  // already on the card
    std::string label;
};

std::vector<PlannedCertificate> plan_import(const std::vector<ossl::Certificate>& certificates,
                                            const card::ProfileContents& contents,
                                            const CertImportOptions& options) {
    std::vector<PlannedCertificate> plan;
    for (const auto& certificate : certificates) {
        PlannedCertificate entry;
        entry.der = ossl::certificate_der(certificate.get());
        entry.info = describe_certificate(certificate.get());
        const auto spki = ossl::certificate_spki(certificate.get());
        for (const auto& key : contents.keys)
            if (key.spki_der == spki) entry.key = &key;
        for (const auto& stored : contents.certificates)
            if (stored.der == entry.der) entry.existing = &stored;
        if (entry.key == nullptr) {
            if (!entry.info.ca && !options.ca)
                throw CliError(Exit::InvalidInput,
                               "the certificate for \"" + entry.info.subject +
                                   "\" certifies a key that is not on the card and is not a CA certificate "
                                   "(use --ca to store it as one); nothing was written to the card");
            entry.ca = true;
        }
        plan.push_back(std::move(entry));
    }
    // End-entity certificates first; --label names them (or the first certificate
    // if the file holds only CA certificates).
    std::stable_partition(plan.begin(), plan.end(),
                          [](const PlannedCertificate& p) { return p.key != nullptr; });
    for (auto& entry : plan) entry.label = default_certificate_label(entry.info);
    if (!options.label.empty()) {
        bool named = false;
        for (auto& entry : plan)
            if (entry.key != nullptr) entry.label = options.label, named = true;
        if (!named) plan.front().label = options.label;
    }
    return plan;
}

// Each certificate is one PUT DATA, which the card applies whole or not at all. If the
// card goes away during it, whether it was stored is unknown, and the command says so
// instead of claiming failure; running it again completes it (stored ones are skipped).
card::CertificateObject write(CardSession& session, const PlannedCertificate& entry, std::size_t done) {
    try {
        return session.card().write_certificate(entry.der, entry.label, entry.ca);
    } catch (...) {
        if (!is_communication_failure(std::current_exception())) throw;
        std::cerr << "carta: " << session.lost_card_message().value_or("communication with the card failed")
                  << "\n";
        throw CliError(Exit::OutcomeUnknown,
                       "the card went away while the certificate for \"" + entry.info.subject +
                           "\" was being written: whether it was stored is unknown (" + std::to_string(done) +
                           " handled before it). Run the same command again to complete the import; "
                           "certificates already on the card are skipped");
    }
}

int run_cert_import(CommandContext& context, const CertImportOptions& options) {
    const GlobalOptions& global = context.global;
    if (!options.label.empty()) check_label(options.label);
    // The file is read and checked before the card is touched.
    const auto certificates = read_certificates(read_file(options.file), options.file);

    CardSession session(context);
    const auto contents = session.card().contents();
    const auto plan = plan_import(certificates, contents, options);
    const auto to_write = std::count_if(plan.begin(), plan.end(),
                                        [](const PlannedCertificate& p) { return p.existing == nullptr; });
    const auto free_slots = card::kCertificateSlots - contents.certificates.size();
    if (static_cast<std::size_t>(to_write) > free_slots)
        throw CliError(Exit::Refused, "not enough room on the card: " + std::to_string(to_write) +
                                          " certificates to store, " + std::to_string(free_slots) +
                                          " free slots; nothing was written");
    if (to_write > 0) session.login();

    Json stored = Json::array();
    std::size_t handled = 0;
    for (const auto& entry : plan) {
        ++handled;
        if (entry.existing != nullptr) {
            if (!global.json)
                std::cout << "Already on the card: " << certificate_slot(*entry.existing) << " "
                          << quoted_label(entry.existing->name) << " (" << entry.info.subject << ").\n";
            stored.push(certificate_json(*entry.existing).set("new", false));
            continue;
        }
        const auto written = write(session, entry, handled - 1);
        stored.push(certificate_json(written).set("new", true));
        if (global.json) continue;
        if (written.key_ref != 0)
            std::cout << "Stored certificate " << certificate_id(written) << " (" << certificate_slot(written)
                      << ") " << quoted_label(written.name) << " for key " << key_id(written.key_ref)
                      << ".\n";
        else
            std::cout << "Stored " << (written.is_ca ? "CA " : "") << "certificate "
                      << certificate_slot(written) << " " << quoted_label(written.name) << ".\n";
    }
    if (global.json) print_json(Json::object().set("certificates", std::move(stored)));
    return 0;
}

int run_cert_export(CommandContext& context, const CertExportOptions& options) {
    const GlobalOptions& global = context.global;
    CardSession session(context);
    const auto contents = session.card().contents();
    const auto& certificate = find_certificate(contents, options.object);
    if (options.der) {
        write_output(options.out, certificate.der);
    } else {
        const auto pem = certificate_pem(certificate.der);
        write_output(options.out, as_bytes(pem));
    }
    if (!options.out.empty() && options.out != "-" && !global.json)
        std::cout << "Wrote certificate " << certificate_slot(certificate) << " "
                  << quoted_label(certificate.name) << " to " << options.out << ".\n";
    return 0;
}

}  // namespace

void add_cert_commands(Command& app, CommandContext& context) {
    Command cert = app.group("cert", "certificates on the card");
    auto import = std::make_shared<CertImportOptions>();
    cert.command("import", "store a certificate or chain (PEM, DER or PKCS#7 .p7b) on the card",
                 [&context, import] { return run_cert_import(context, *import); })
        .option("FILE", import->file, "PEM or DER, one certificate or a chain, or a PKCS#7 bundle (.p7b)")
        .required()
        .option("--label", import->label, "label of the end-entity certificate (default: its CN)")
        .flag("--ca", import->ca, "store certificates whose key is not on the card as CA certificates");

    auto exported = std::make_shared<CertExportOptions>();
    cert.command("export", "write a certificate from the card",
                 [&context, exported] { return run_cert_export(context, *exported); })
        .option("OBJECT", exported->object, "LABEL|ID of the certificate")
        .required()
        .flag("--der", exported->der, "DER instead of PEM")
        .option("--out", exported->out, "write to FILE (default: standard output)");
}

}  // namespace carta::cli

// carta: the administration tool of carta cards (CardManager-style).
// This file only wires the command line (CLI11) to the commands.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "carta/apdu/trace.hpp"
#include "commands.hpp"
#include "errors.hpp"

namespace {

using namespace carta::cli;

const char* const kEnvironmentHelp =
    "PINs and PUKs are never taken from the command line. carta reads them from\n"
    "these variables when set, else asks on the terminal without echo (new codes twice):\n"
    "  CARTA_PIN, CARTA_PUK           the current PIN / PUK (init: the ones to set)\n"
    "  CARTA_NEW_PIN, CARTA_NEW_PUK   a new PIN / PUK (pin change, pin unblock, puk change)\n"
    "  CARTA_P12_PASSWORD             the password of a PKCS#12 file\n"
    "  CARTA_READER                   the default for --reader\n"
    "A code or password read from a variable is removed from carta's environment at once.\n"
    "PINs and PUKs are UTF-8 text of 4 to 32 bytes (a digit or Latin letter takes one).\n"
    "p12 import writes under names starting \"carta-pending:\" until it is complete; every\n"
    "run reports such leftovers of an interrupted import (run it again, or delete them).\n"
    "Objects: a key's ID is its key reference in hex (21); a certificate has the ID of the\n"
    "key it certifies, or cert:N (its slot, 1-15), which is always accepted too. LABEL is\n"
    "an object's name.\n";

struct Options {
    GlobalOptions global;
    std::string profile = "common";
    InitOptions init;
    KeyGenerateOptions key_generate;
    DeleteOptions remove;
    CertImportOptions cert_import;
    CertExportOptions cert_export;
    P12ImportOptions p12_import;
    CsrOptions csr;
    CsrCheckOptions csr_check;
};

// Registers `name` under `parent`; when it is given on the command line, `run` becomes the action.
CLI::App* command(CLI::App& parent, const std::string& name, const std::string& help,
                  std::function<int()>& action, std::function<int()> run) {
    CLI::App* sub = parent.add_subcommand(name, help);
    sub->callback([&action, run = std::move(run)] { action = run; });
    return sub;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::function<int()> action;
    const GlobalOptions& g = o.global;

    CLI::App app{"carta: manage the keys, certificates, PIN and PUK of a carta (cryptoCertum) card.",
                 "carta"};
    app.footer(std::string("\n") + kEnvironmentHelp + "\n" + exit_code_help());
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the subcommand
    app.set_version_flag("--version", "carta 0.1.0");
    app.add_option("--reader", o.global.reader,
                   "reader name, name prefix or index (default: $CARTA_READER, else the first with a card)");
    app.add_option("--profile", o.profile, "card profile: common (default) or secure")
        ->check(CLI::IsMember({"common", "secure"}));
    app.add_flag("--json", o.global.json, "machine-readable output where it fits");
    app.add_flag("-v,--verbose", o.global.verbose, "APDU trace on stderr (PINs and keys redacted)");

    command(app, "readers", "list the readers and whether a card is in them", action,
            [&] { return run_readers(g); });
    command(app, "status", "the card and, per profile, its state, tries left, keys and certificates", action,
            [&] { return run_status(g); });
    command(app, "list", "keys and certificates of the profile", action, [&] { return run_list(g); });
    command(app, "init", "initialise the profile: set PUK and PIN (asked twice on a terminal)", action, [&] {
        return run_init(g, o.init);
    })->add_option("--label", o.init.label, "the profile's label (at most 29 bytes)");

    CLI::App* pin = app.add_subcommand("pin", "change or unblock the PIN");
    pin->require_subcommand(1);
    command(*pin, "change", "change the PIN (current PIN, then the new one)", action,
            [&] { return run_pin_change(g); });
    command(*pin, "unblock", "set a new PIN with the PUK (also unblocks it)", action,
            [&] { return run_pin_unblock(g); });
    CLI::App* puk = app.add_subcommand("puk", "change the PUK");
    puk->require_subcommand(1);
    command(*puk, "change", "change the PUK (current PUK, then the new one)", action,
            [&] { return run_puk_change(g); });

    CLI::App* key = app.add_subcommand("key", "key pairs on the card");
    key->require_subcommand(1);
    CLI::App* generate = command(*key, "generate", "generate a key pair on the card (minutes on a real card)",
                                 action, [&] { return run_key_generate(g, o.key_generate); });
    generate->add_option("--algorithm", o.key_generate.algorithm, "rsa2048, rsa3072, rsa4096, p256 or p384")
        ->required()
        ->check(CLI::IsMember({"rsa2048", "rsa3072", "rsa4096", "p256", "p384"}));
    generate->add_option("--label", o.key_generate.label,
                         "the key's label (default: \"carta RSA-2048 key\" ...)");

    CLI::App* csr =
        app.add_subcommand("csr", "make a PKCS#10 request for an S/MIME certificate, signed on the card");
    csr->add_option("--key", o.csr.key, "LABEL|ID of the key (default: the only signing key)");
    csr->add_option("--email", o.csr.email, "the e-mail address (subject and subjectAltName)");
    csr->add_option("--cn", o.csr.common_name, "the subject's common name (default: the e-mail address)");
    csr->add_option("--out", o.csr.out, "write the request to FILE (default: standard output)");
    csr->add_flag("--der", o.csr.der, "DER instead of PEM");
    CLI::App* check = command(*csr, "check", "check a request as a CA would: signature, key, subject, e-mail",
                              action, [&] { return run_csr_check(g, o.csr_check); });
    check->add_option("FILE", o.csr_check.file, "the request, PEM or DER")->required();
    csr->callback([&] {
        if (check->parsed()) return;
        action = [&] {
            if (o.csr.email.empty()) throw CliError(Exit::Usage, "csr: --email is required");
            return run_csr(g, o.csr);
        };
    });

    CLI::App* cert = app.add_subcommand("cert", "certificates on the card");
    cert->require_subcommand(1);
    CLI::App* import =
        command(*cert, "import", "store a certificate or chain (PEM, DER or PKCS#7 .p7b) on the card", action,
                [&] { return run_cert_import(g, o.cert_import); });
    import
        ->add_option("FILE", o.cert_import.file,
                     "PEM or DER, one certificate or a chain, or a PKCS#7 bundle (.p7b)")
        ->required();
    import->add_option("--label", o.cert_import.label,
                       "label of the end-entity certificate (default: its CN)");
    import->add_flag("--ca", o.cert_import.ca,
                     "store certificates whose key is not on the card as CA certificates");
    CLI::App* exporter = command(*cert, "export", "write a certificate from the card", action,
                                 [&] { return run_cert_export(g, o.cert_export); });
    exporter->add_option("OBJECT", o.cert_export.object, "LABEL|ID of the certificate")->required();
    exporter->add_flag("--der", o.cert_export.der, "DER instead of PEM");
    exporter->add_option("--out", o.cert_export.out, "write to FILE (default: standard output)");

    CLI::App* p12 = app.add_subcommand("p12", "PKCS#12 files");
    p12->require_subcommand(1);
    CLI::App* p12_import =
        command(*p12, "import", "put the key and certificates of a PKCS#12 file on the card", action,
                [&] { return run_p12_import(g, o.p12_import); });
    p12_import->add_option("FILE", o.p12_import.file, "the .p12 / .pfx file")->required();
    p12_import->add_option("--label", o.p12_import.label, "label of the key and its certificate");

    command(app, "delete", "delete a key (with its certificates) or a certificate", action,
            [&] { return run_delete(g, o.remove); })
        ->add_option("OBJECT", o.remove.object, "LABEL|ID of a key (deletes its certificates too), or cert:N")
        ->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);
        std::cerr << "carta: " << e.what() << "\n(run `carta --help` for the usage)" << std::endl;
        return static_cast<int>(Exit::Usage);
    }
    o.global.profile = o.profile == "secure" ? carta::card::Profile::Secure : carta::card::Profile::Common;
    if (o.global.verbose) carta::apdu::Trace::enable_to_stderr();
    if (!action) {
        std::cerr << "carta: no command given\n(run `carta --help` for the usage)" << std::endl;
        return static_cast<int>(Exit::Usage);
    }
    try {
        return action();
    } catch (...) {
        return report_error(std::current_exception());
    }
}

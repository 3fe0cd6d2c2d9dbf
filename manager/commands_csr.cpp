// carta csr: a PKCS#10 request for an S/MIME certificate, signed on the card.
#include <iostream>

#include "certificates.hpp"
#include "commands.hpp"
#include "csr.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "output.hpp"

namespace carta::cli {
namespace {

struct CsrOptions {
    std::string key;
    std::string email;
    std::string common_name;
    std::string out;
    bool der = false;
};

// --key, or the only key on the profile that may sign.
const card::KeyObject& choose_key(const card::ProfileContents& contents, const std::string& selector) {
    if (!selector.empty()) return find_key(contents, selector);
    std::size_t signing = 0;
    for (const auto& key : contents.keys) signing += key.can_sign() ? 1 : 0;
    if (signing == 0)
        throw CliError(Exit::Refused, "there is no signing key on the card (run `carta key generate` first)");
    if (signing > 1) {
        std::string all;
        for (const auto& key : contents.keys)
            if (key.can_sign()) all += (all.empty() ? "" : ", ") + key_id(key) + " " + quoted_label(key.name);
        throw CliError(Exit::Usage,
                       "there are several keys on the card; choose one with --key (" + all + ")");
    }
    for (const auto& key : contents.keys)
        if (key.can_sign()) return key;
    throw CliError(Exit::Internal, "no signing key");
}

int run_csr(CommandContext& context, const CsrOptions& options) {
    const GlobalOptions& global = context.global;
    check_email(options.email);
    CsrSubject subject{options.common_name.empty() ? options.email : options.common_name, options.email};
    if (subject.common_name.size() > 64)
        throw CliError(Exit::InvalidInput, "the common name can be at most 64 characters long (RFC 5280)");

    CardSession session(context);
    const auto contents = session.card().contents();
    const auto& key = choose_key(contents, options.key);
    if (!key.can_sign())
        throw CliError(Exit::Refused, "key " + key_id(key) + " " + quoted_label(key.name) + " may not sign");
    session.login();
    auto request = make_csr(session.card(), key, subject);

    if (options.der) {
        write_output(options.out, csr_der(request.get()));
    } else {
        const auto pem = csr_pem(request.get());
        write_output(options.out, as_bytes(pem));
    }
    const bool to_file = !options.out.empty() && options.out != "-";
    std::ostream& note = to_file ? std::cout : std::cerr;
    if (!global.json || !to_file)
        note << "Certificate request for <" << subject.email << "> signed by key " << key_id(key) << " "
             << quoted_label(key.name) << (to_file ? " written to " + options.out : std::string()) << ".\n";
    else
        print_json(
            Json::object().set("key", key_id(key)).set("email", subject.email).set("file", options.out));
    return 0;
}

}  // namespace

// `csr` makes a request unless its `check` subcommand was given.
void add_csr_commands(Command& app, CommandContext& context) {
    auto options = std::make_shared<CsrOptions>();
    Command csr = app.command("csr", "make a PKCS#10 request for an S/MIME certificate, signed on the card",
                              [&context, options] {
                                  if (options->email.empty())
                                      throw CliError(Exit::Usage, "csr: --email is required");
                                  return run_csr(context, *options);
                              });
    csr.option("--key", options->key, "LABEL|ID of the key (default: the only signing key)")
        .option("--email", options->email, "the e-mail address (subject and subjectAltName)")
        .option("--cn", options->common_name, "the subject's common name (default: the e-mail address)")
        .option("--out", options->out, "write the request to FILE (default: standard output)")
        .flag("--der", options->der, "DER instead of PEM");
    add_csr_check_command(csr, context);
}

}  // namespace carta::cli

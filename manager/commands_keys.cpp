// carta key generate, delete.
#include <cstdio>
#include <iostream>

#include "carta/card/card.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "output.hpp"
#include "spinner.hpp"

namespace carta::cli {
namespace {

struct KeyGenerateOptions {
    std::string algorithm;
    std::string label;
};

struct DeleteOptions {
    std::string object;
};

// What `key generate --algorithm` accepts: the card library's table, in its order.
std::vector<std::string> algorithm_names() {
    std::vector<std::string> names;
    for (const auto& info : card::key_algorithms()) names.emplace_back(info.name);
    return names;
}

// "rsa2048, rsa3072, rsa4096, p256 or p384".
std::string algorithm_choices() {
    const auto names = algorithm_names();
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i)
        text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return text;
}

int run_key_generate(CommandContext& context, const KeyGenerateOptions& options) {
    const GlobalOptions& global = context.global;
    const auto algorithm = card::parse_key_algorithm(options.algorithm);
    if (!algorithm)
        throw CliError(Exit::Usage,
                       "unknown algorithm \"" + options.algorithm + "\" (" + algorithm_choices() + ")");
    const std::string label = options.label.empty() ? default_key_label(*algorithm) : options.label;
    check_label(label);

    CardSession session(context);
    session.login();
    card::KeyObject key;
    double seconds = 0;
    {
        Spinner spinner("Generating a key pair (" + algorithm_text(*algorithm) +
                        ") on the card; this can take minutes...");
        key = session.card().generate_key(*algorithm, label);
        seconds = spinner.elapsed();
    }
    if (global.json) {
        print_json(key_json(key, session.card().contents()));
        return 0;
    }
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    std::cout << "Generated key " << key_id(key) << " " << quoted_label(key.name) << " ("
              << algorithm_text(key.algorithm) << ") in " << took << " s.\n";
    return 0;
}

int run_delete(CommandContext& context, const DeleteOptions& options) {
    const GlobalOptions& global = context.global;
    CardSession session(context);
    const auto selection = select_objects(session.card().contents(), options.object);
    session.login();
    Json deleted = Json::array();
    // Certificates first, so that an interruption never leaves a certificate whose key is gone.
    for (const auto& certificate : selection.certificates) {
        session.card().delete_object(certificate.fid());
        deleted.push(Json::object()
                         .set("type", "certificate")
                         .set("id", certificate_id(certificate))
                         .set("slot", certificate_slot(certificate))
                         .set("label", certificate.name));
        if (!global.json)
            std::cout << "Deleted certificate " << certificate_slot(certificate) << " "
                      << quoted_label(certificate.name) << ".\n";
    }
    for (const auto& key : selection.keys) {
        session.card().delete_object(key.fid());
        deleted.push(Json::object().set("type", "key").set("id", key_id(key)).set("label", key.name));
        if (!global.json)
            std::cout << "Deleted key " << key_id(key) << " " << quoted_label(key.name) << ".\n";
    }
    if (global.json) print_json(Json::object().set("deleted", std::move(deleted)));
    return 0;
}

}  // namespace

void add_key_commands(Command& app, CommandContext& context) {
    Command key = app.group("key", "key pairs on the card");
    auto options = std::make_shared<KeyGenerateOptions>();
    key.command("generate", "generate a key pair on the card (minutes on a real card)",
                [&context, options] { return run_key_generate(context, *options); })
        .option("--algorithm", options->algorithm, algorithm_choices())
        .required()
        .one_of(algorithm_names())
        .option("--label", options->label, "the key's label (default: \"carta RSA-2048 key\" ...)");
}

void add_delete_command(Command& app, CommandContext& context) {
    auto options = std::make_shared<DeleteOptions>();
    app.command("delete", "delete a key (with its certificates) or a certificate",
                [&context, options] { return run_delete(context, *options); })
        .option("OBJECT", options->object, "LABEL|ID of a key (deletes its certificates too), or cert:N")
        .required();
}

}  // namespace carta::cli

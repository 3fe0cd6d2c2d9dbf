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

int run_key_generate(const GlobalOptions& global, const KeyGenerateOptions& options) {
    const auto algorithm = card::parse_key_algorithm(options.algorithm);
    if (!algorithm)
        throw CliError(Exit::Usage, "unknown algorithm \"" + options.algorithm +
                                        "\" (rsa2048, rsa3072, rsa4096, p256 or p384)");
    const std::string label = options.label.empty() ? default_key_label(*algorithm) : options.label;
    check_label(label);

    CardSession session(global);
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

int run_delete(const GlobalOptions& global, const DeleteOptions& options) {
    CardSession session(global);
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

}  // namespace carta::cli

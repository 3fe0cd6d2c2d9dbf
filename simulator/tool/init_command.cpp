// carta-sim init: the state file of a new card.
#include <filesystem>
#include <iostream>

#include "carta/sim/virtual_card.hpp"
#include "commands.hpp"

namespace carta::sim::tool {

int run_init(const InitOptions& options) {
    FreshCardOptions fresh;
    fresh.card_number = options.serial;
    fresh.secure_puk = options.secure_puk;
    fresh.overwrite = options.force;
    if (!options.force && std::filesystem::exists(options.state_file)) {
        std::cerr << "carta-sim: " << options.state_file << " exists; use --force to overwrite it\n";
        return kExitStateFile;
    }
    try {
        const FreshCard card = VirtualCard::create_fresh(options.state_file, fresh);
        std::cout << "card number: " << card.card_number << "\n";
        // The delivery envelope: only a PUK the user did not choose is printed.
        if (!options.secure_puk) std::cout << "secure profile PUK: " << card.secure_puk << "\n";
        std::cout.flush();
    } catch (const std::exception& error) {
        std::cerr << "carta-sim: init failed: " << error.what() << "\n";
        return kExitFailure;
    }
    return kExitOk;
}

}  // namespace carta::sim::tool

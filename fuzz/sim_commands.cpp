// The simulator fed sequences of command APDUs, as a hostile host would send
// them, from the template card of sim_card.hpp: with SELECT and VERIFY in the
// sequence (the seeds have them) the deep states are reached: signing,
// deciphering, key generation and import, object writes, chained commands.
//
// Input: records of [u16 length][command]; a record of length 0 pulls the card
// and puts it back (power cycle: security state lost, mid-chain state dropped).
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sim_card.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace carta::fuzz;
    FuzzInput input(data, size);
    const auto card = fresh_sim_card();
    while (!input.empty()) {
        const auto command = input.chunk();
        if (command.empty()) {
            card->power_cycle();
            continue;
        }
        // process() never throws and, powered (no latency model here), always
        // answers with at least the status word.
        const auto response = card->process(command);
        require(response.size() >= 2);
    }
    return 0;
}

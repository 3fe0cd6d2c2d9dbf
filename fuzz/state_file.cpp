// The simulator's state-file loader fed corrupt or hostile files: a state file
// is the only input carta-sim reads from disk. Whatever parses must serialise
// again and parse to the same state (the file round-trips).
#include <cstddef>
#include <cstdint>

#include "carta/sim/state_store.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace carta;
    sim::CardState state;
    try {
        state = sim::parse_state(ByteView(data, size), "fuzz.state");
    } catch (const sim::StateFileError&) {
        return 0;
    }
    const auto text = sim::serialise_state(state);
    const auto again = sim::serialise_state(sim::parse_state(text.view(), "fuzz.state (re-read)"));
    fuzz::require(Bytes(text.view().begin(), text.view().end()) ==
                  Bytes(again.view().begin(), again.view().end()));
    return 0;
}

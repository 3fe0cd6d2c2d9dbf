#include "in_process_card.hpp"

#include "reader_system.hpp"

namespace carta::pkcs11::test {

InProcessCard::InProcessCard(const std::filesystem::path& initial_state, Latency latency)
    : carta::test::InProcessCard(initial_state, latency) {
    use_reader_system(system());
}

InProcessCard::~InProcessCard() {
    use_reader_system(nullptr);
}

}  // namespace carta::pkcs11::test

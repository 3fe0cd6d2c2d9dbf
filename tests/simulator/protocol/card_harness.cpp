#include "card_harness.hpp"

#include <stdlib.h>

#include <stdexcept>

#include "carta/apdu/in_process_transport.hpp"
#include "carta/sim/virtual_card.hpp"

#ifndef CARTA_SIM_TEMPLATE_STATE
#error "CARTA_SIM_TEMPLATE_STATE must name the template card built by tests/simulator/CMakeLists.txt"
#endif

namespace carta::sim::testing {

namespace fs = std::filesystem;

fs::path template_state() {
    return CARTA_SIM_TEMPLATE_STATE;
}

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "carta-sim-test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

namespace {

class InProcessHarness final : public CardHarness {
  public:
    explicit InProcessHarness(const fs::path& initial_state) {
        fs::copy_file(initial_state, state_file_);
        start();
    }
    apdu::Transport& transport() override { return *transport_; }
    fs::path state_file() const override { return state_file_; }
    void restart_card() override {
        transport_.reset();
        card_.reset();
        start();
    }

  private:
    void start() {
        card_ = std::make_unique<VirtualCard>(state_file_);
        transport_ = std::make_unique<apdu::InProcessTransport>(*card_);
    }

    TempDir dir_;
    fs::path state_file_ = dir_ / "card.state";
    std::unique_ptr<VirtualCard> card_;
    std::unique_ptr<apdu::InProcessTransport> transport_;
};

}  // namespace

HarnessKind in_process_harness() {
    return {"InProcess", [](const fs::path& initial_state) -> std::unique_ptr<CardHarness> {
                return std::make_unique<InProcessHarness>(initial_state);
            }};
}

}  // namespace carta::sim::testing

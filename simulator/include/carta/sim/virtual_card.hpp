// carta's virtual card: the whole card protocol of docs/card-protocol.md behind
// the ApduProcessor interface, so the same object serves the in-process
// transport of the tests and the vpcd connection of the carta-sim executable.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "carta/apdu/in_process_transport.hpp"
#include "carta/sim/card_state.hpp"
#include "carta/sim/latency.hpp"
#include "carta/sim/state_store.hpp"

namespace carta::sim {

struct CardOptions {
    Latency latency = Latency::none;
    LatencyModel::Sleeper sleeper;  // empty: std::this_thread::sleep_for
};

struct FreshCardOptions {
    std::optional<std::string> card_number;  // 16 digits; default random, first digit non-zero
    std::optional<std::string> secure_puk;   // default: 8 random digits
    bool overwrite = false;
};

// What is printed on the delivery envelope of a new card.
struct FreshCard {
    std::string card_number;
    std::string secure_puk;
};

class VirtualCard final : public apdu::ApduProcessor {
  public:
    // The card whose state is in `state_file`. Throws StateFileError or std::system_error.
    explicit VirtualCard(const std::filesystem::path& state_file, CardOptions options = {});
    // The card stored by `store` (tests inject a StateStore with failing FileOps).
    explicit VirtualCard(std::unique_ptr<StateStore> store, CardOptions options = {});
    ~VirtualCard() override;
    VirtualCard(const VirtualCard&) = delete;
    VirtualCard& operator=(const VirtualCard&) = delete;

    // Writes the state of a new card to `state_file`: common profile uninitialised,
    // secure profile operational with five RSA-3072 and five P-384 keys, its PIN
    // blocked and its PUK as given or random. Takes seconds (key generation), so
    // tests make one template per build and copy it. Throws std::runtime_error if
    // the file exists and `overwrite` is not set, or an option is invalid.
    static FreshCard create_fresh(const std::filesystem::path& state_file,
                                  const FreshCardOptions& options = {});

    static const Bytes& answer_to_reset();

    // Never throws: every failure is a status word (internal errors 6F00). Empty
    // only when the sleeper reported a power loss: a card without power answers nothing.
    Bytes process(ByteView command) override;
    Bytes atr() const override { return answer_to_reset(); }
    void power_cycle() override;

    // A copy of the stored state (for tests and diagnostics).
    CardState state() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace carta::sim

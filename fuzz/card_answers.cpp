// The card library fed hostile card answers through a fake transport: every
// operation of carta::card::Card (status, objects, codes, key generation and
// import, signing, deciphering...) against a "card" whose answers come from the
// input. A card answer is hostile input to the PKCS#11 module loaded in a mail
// client: the only acceptable outcomes are a result or an exception.
//
// Input: [profile][n][n operation bytes] then the card's answers as
// [u16 length][answer] records; when they run out the card is "removed".
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>

#include "card_script.hpp"
#include "carta/card/card.hpp"
#include "carta/card/openssl.hpp"
#include "fuzz_input.hpp"

namespace carta::fuzz {
namespace {

class AnswerTransport final : public apdu::Transport {
  public:
    explicit AnswerTransport(FuzzInput& input) : input_(input) {}
    Bytes transmit(ByteView) override {
        if (input_.empty())
            throw apdu::TransportError(apdu::TransportError::Kind::CardRemoved, "input used up");
        return input_.chunk();
    }
    void begin_transaction() override {}
    void end_transaction() override {}
    void reconnect() override {}
    Bytes atr() const override { return {0x3B, 0x00}; }
    std::string reader_name() const override { return "fuzz"; }

  private:
    FuzzInput& input_;
};

}  // namespace
}  // namespace carta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace carta;
    using namespace carta::fuzz;
    FuzzInput input(data, size);
    const auto profile = input.flag() ? card::Profile::Secure : card::Profile::Common;
    const auto count = input.byte() % 16;
    const auto operations = input.take(count);
    AnswerTransport transport(input);
    // A fresh memory-only cache per input: a second contents() is served from it.
    card::Card card(transport, profile, std::make_shared<card::ObjectCache>());
    for (const auto op : operations) {
        try {
            run_card_operation(card, op);
        } catch (const std::exception&) {
            // CardError, TransportError, TlvError...: the module turns each into a CKR.
        }
    }
    return 0;
}

// How the card stores its state: the try counter is stored before the comparison,
// a failed write changes nothing (6581), and no PIN or PUK ever reaches the file.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "card_harness.hpp"
#include "carta/apdu/apdu.hpp"
#include "carta/apdu/tlv.hpp"
#include "carta/sim/virtual_card.hpp"
#include "file_contents.hpp"
#include "scripted_file_ops.hpp"

namespace carta::sim::testing {
namespace {

namespace fs = std::filesystem;

std::uint16_t sw(const Bytes& response) {
    return static_cast<std::uint16_t>(response[response.size() - 2] << 8 | response.back());
}

Bytes pin_block(std::string_view pin, std::size_t size = 16) {
    Bytes block(pin.begin(), pin.end());
    block.resize(size, 0x00);
    return block;
}

Bytes command(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, const Bytes& data) {
    return apdu::CommandApdu{cla, ins, p1, p2, data, std::nullopt}.encode();
}

// A card on a copy of the template whose file operations a test can break.
class StoredCard : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::copy_file(template_state(), path_);
        ops_ = std::make_shared<ScriptedFileOps>();
        card_ = std::make_unique<VirtualCard>(std::make_unique<StateStore>(path_, ops_));
    }

    std::uint16_t send(const Bytes& raw) { return sw(card_->process(raw)); }
    std::uint16_t select_common() { return send(from_hex("00 A4 04 0C 0A A0 00 00 01 67 45 53 49 47 4F")); }
    std::uint16_t initialise(std::string_view puk, std::string_view pin) {
        tlv::TlvWriter writer;
        writer.add(0x84, as_bytes(puk)).add(0x83, as_bytes(pin));
        return send(command(0x80, 0x44, 0x00, 0x00, writer.finish()));
    }
    std::uint16_t verify(std::string_view pin) {
        return send(command(0x00, 0x20, 0x00, 0x83, pin_block(pin)));
    }
    std::uint16_t verify_status() { return send(from_hex("00 20 00 83")); }
    std::uint8_t stored_pin_tries() {
        return StateStore(path_).load().profile(ProfileId::common).pin->tries_left;
    }
    void fail_save(int save_number) {
        const int target = ops_->saves + save_number;
        ops_->fail_when = [target](const std::string& step, int save) {
            return step == "rename" && save == target;
        };
    }

    TempDir dir_;
    fs::path path_ = dir_ / "card.state";
    std::shared_ptr<ScriptedFileOps> ops_;
    std::unique_ptr<VirtualCard> card_;
};

TEST_F(StoredCard, TheSpentTryIsStoredBeforeTheComparison) {
    ASSERT_EQ(select_common(), 0x9000);
    ASSERT_EQ(initialise("12345678", "1234"), 0x9000);
    ops_->written.clear();
    ASSERT_EQ(verify("1234"), 0x9000);
    // Two writes: the spent try, then the counter restored by the right PIN.
    ASSERT_EQ(ops_->written.size(), 2u);
    auto pin_line = [](const std::string& text) {
        const auto start = text.find("\npin ");
        return text.substr(start, text.find('\n', start + 1) - start);
    };
    EXPECT_EQ(pin_line(ops_->written[0]).back(), '2');
    EXPECT_EQ(pin_line(ops_->written[1]).back(), '3');
    ops_->written.clear();
    ASSERT_EQ(verify("0000"), 0x63C2);
    ASSERT_EQ(ops_->written.size(), 1u);
    EXPECT_EQ(stored_pin_tries(), 2);
}

TEST_F(StoredCard, WhenTheTryCannotBeStoredNothingIsCompared) {
    ASSERT_EQ(select_common(), 0x9000);
    ASSERT_EQ(initialise("12345678", "1234"), 0x9000);
    fail_save(1);
    EXPECT_EQ(verify("1234"), 0x6581);
    EXPECT_EQ(verify_status(), 0x63C3);  // not verified, no try spent
    EXPECT_EQ(stored_pin_tries(), 3);
    EXPECT_EQ(card_->state().profile(ProfileId::common).pin->tries_left, 3);
    EXPECT_EQ(verify("1234"), 0x9000);  // the store works again
}

TEST_F(StoredCard, PowerLossAfterTheSpentTryCostsTheTry) {
    ASSERT_EQ(select_common(), 0x9000);
    ASSERT_EQ(initialise("12345678", "1234"), 0x9000);
    fail_save(2);  // the spent try is stored; restoring the counter fails
    EXPECT_EQ(verify("1234"), 0x6581);
    EXPECT_EQ(stored_pin_tries(), 2);
    EXPECT_EQ(verify_status(), 0x63C2);  // memory and file agree; not verified
    EXPECT_EQ(verify("1234"), 0x9000);
    EXPECT_EQ(stored_pin_tries(), 3);
}

TEST_F(StoredCard, FailedWriteKeepsTheOldState) {
    ASSERT_EQ(select_common(), 0x9000);
    ASSERT_EQ(initialise("12345678", "1234"), 0x9000);
    ASSERT_EQ(verify("1234"), 0x9000);
    const std::string before = file_contents(path_);
    fail_save(1);
    EXPECT_EQ(send(apdu::CommandApdu{0x00, 0x47, 0x00, 0x31, from_hex("80 01 41"), 256}.encode()), 0x6581);
    EXPECT_EQ(file_contents(path_), before);
    EXPECT_EQ(card_->state().profile(ProfileId::common).keys.count(0x31), 0u);
    EXPECT_EQ(card_->state().profile(ProfileId::common).change_counter, 1u);
    EXPECT_EQ(send(from_hex("00 CB 00 FF 05 B6 03 83 01 31 00")), 0x6A88);
    EXPECT_EQ(send(apdu::CommandApdu{0x00, 0x47, 0x00, 0x31, from_hex("80 01 41"), 256}.encode()), 0x9000);
}

TEST_F(StoredCard, FailedInitialiseLeavesTheProfileUninitialised) {
    ASSERT_EQ(select_common(), 0x9000);
    fail_save(1);
    EXPECT_EQ(initialise("12345678", "1234"), 0x6581);
    EXPECT_EQ(card_->state().profile(ProfileId::common).life_cycle, LifeCycle::uninitialised);
    EXPECT_EQ(StateStore(path_).load().profile(ProfileId::common).life_cycle, LifeCycle::uninitialised);
}

TEST_F(StoredCard, NoClearPinOrPukInTheStateFile) {
    // Characters that cannot occur in the file's hex, so a hit could only be the code.
    const std::string pin = "pin#Test$42", new_pin = "new-pin!Secret", puk = "puk!Secret%99";
    ASSERT_EQ(select_common(), 0x9000);
    ASSERT_EQ(initialise(puk, pin), 0x9000);
    Bytes change = pin_block(pin, 32);
    const Bytes second = pin_block(new_pin, 32);
    change.insert(change.end(), second.begin(), second.end());
    ASSERT_EQ(send(command(0x00, 0x24, 0x00, 0x83, change)), 0x9000);
    for (const auto& text : ops_->written) {
        for (const auto& code : {pin, new_pin, puk}) {
            EXPECT_EQ(text.find(code), std::string::npos) << code;
            EXPECT_EQ(text.find(to_hex(as_bytes(code), 0)), std::string::npos) << code << " as hex";
        }
    }
    const std::string file = file_contents(path_);
    for (const auto& code : {pin, new_pin, puk}) EXPECT_EQ(file.find(code), std::string::npos);
    EXPECT_NE(file.find("pin pbkdf2-sha256 10000 "), std::string::npos);
}

TEST_F(StoredCard, PowerCycleForgetsTheSession) {
    ASSERT_EQ(select_common(), 0x9000);
    ASSERT_EQ(initialise("12345678", "1234"), 0x9000);
    ASSERT_EQ(verify("1234"), 0x9000);
    card_->power_cycle();
    EXPECT_EQ(verify_status(), 0x6985);  // no profile selected any more
    ASSERT_EQ(select_common(), 0x9000);
    EXPECT_EQ(verify_status(), 0x63C3);
}

TEST_F(StoredCard, PowerCycleDropsAHalfReceivedChain) {
    ASSERT_EQ(select_common(), 0x9000);
    ASSERT_EQ(send(from_hex("90 44 00 00 04 84 08 31 32")), 0x9000);
    card_->power_cycle();
    ASSERT_EQ(select_common(), 0x9000);  // no 6883: the chain is gone
    EXPECT_EQ(send(from_hex("80 44 00 00 06 33 34 35 36 37 38")), 0x6A80);
    EXPECT_EQ(card_->state().profile(ProfileId::common).life_cycle, LifeCycle::uninitialised);
}

}  // namespace
}  // namespace carta::sim::testing

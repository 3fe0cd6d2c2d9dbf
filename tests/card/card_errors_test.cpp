// What a failure underneath the card library looks like to its callers: the kind of
// transport failure stays in the CardError, and a cut answer has a kind of its own.
#include "card_fixture.hpp"
#include "carta/card/errors.hpp"

namespace carta::card::test {
namespace {

// A reader whose card answers `answer` to everything, or fails with `failure`.
class BrokenCard : public apdu::Transport {
  public:
    Bytes answer{0x90};  // one byte: no status word
    std::optional<apdu::TransportError::Kind> failure;

    Bytes transmit(ByteView) override {
        if (failure) throw apdu::TransportError(*failure, "the reader says no");
        return answer;
    }
    void begin_transaction() override {}
    void end_transaction() override {}
    void reconnect() override {}
    Bytes atr() const override { return {}; }
    std::string reader_name() const override { return "broken"; }
};

TEST(CardErrors, AnAnswerWithoutItsStatusWordIsALostAnswer) {
    BrokenCard reader;
    Card card(reader, Profile::Common, std::make_shared<ObjectCache>());
    const auto error = error_of([&] { card.status(); });
    EXPECT_EQ(error.kind(), ErrorKind::AnswerLost);
    EXPECT_FALSE(error.transport_kind().has_value());
}

TEST(CardErrors, ATransportFailureKeepsItsKind) {
    BrokenCard reader;
    reader.failure = apdu::TransportError::Kind::CardReset;
    Card card(reader, Profile::Common);
    const auto error = error_of([&] { card.status(); });
    EXPECT_EQ(error.kind(), ErrorKind::Transport);
    EXPECT_EQ(error.transport_kind(), apdu::TransportError::Kind::CardReset);
}

}  // namespace
}  // namespace carta::card::test

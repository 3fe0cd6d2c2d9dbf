#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "carta/apdu/channel.hpp"
#include "carta/apdu/in_process_transport.hpp"
#include "fake_transport.hpp"

namespace carta::apdu {
namespace {

using testing::ScriptedTransport;

// ---- TransactionGuard ----------------------------------------------------------------

TEST(TransactionGuard, BeginsAndEndsATransaction) {
    ScriptedTransport transport;
    {
        TransactionGuard guard(transport);
        EXPECT_EQ(transport.begins, 1);
        EXPECT_EQ(transport.ends, 0);
    }
    EXPECT_EQ(transport.ends, 1);
}

TEST(TransactionGuard, NestedGuardsShareOneTransaction) {
    ScriptedTransport transport;
    {
        TransactionGuard outer(transport);
        {
            TransactionGuard inner(transport);
            TransactionGuard innermost(transport);
            EXPECT_EQ(transport.begins, 1);
        }
        EXPECT_EQ(transport.ends, 0) << "an inner guard ended the outer transaction";
    }
    EXPECT_EQ(transport.begins, 1);
    EXPECT_EQ(transport.ends, 1);
}

TEST(TransactionGuard, StartsAFreshTransactionAfterTheLastGuardEnded) {
    ScriptedTransport transport;
    { TransactionGuard first(transport); }
    { TransactionGuard second(transport); }
    EXPECT_EQ(transport.begins, 2);
    EXPECT_EQ(transport.ends, 2);
}

TEST(TransactionGuard, GuardsOnDifferentTransportsAreIndependent) {
    ScriptedTransport a;
    ScriptedTransport b;
    {
        TransactionGuard on_a(a);
        {
            TransactionGuard on_b(b);
            EXPECT_EQ(b.begins, 1);
        }
        EXPECT_EQ(b.ends, 1);
        EXPECT_EQ(a.ends, 0);
    }
    EXPECT_EQ(a.begins, 1);
    EXPECT_EQ(a.ends, 1);
}

TEST(TransactionGuard, FailedBeginPropagatesAndLeavesNoTransaction) {
    ScriptedTransport transport;
    transport.fail_begin = true;
    EXPECT_THROW(TransactionGuard guard(transport), TransportError);
    transport.fail_begin = false;
    {
        TransactionGuard guard(transport);
        EXPECT_EQ(transport.begins, 1);
    }
    EXPECT_EQ(transport.ends, 1);
}

TEST(TransactionGuard, EndFailureIsSwallowedByTheDestructor) {
    ScriptedTransport transport;
    transport.fail_end = true;
    EXPECT_NO_THROW({ TransactionGuard guard(transport); });
    EXPECT_EQ(transport.ends, 1);
    transport.fail_end = false;
    { TransactionGuard again(transport); }
    EXPECT_EQ(transport.begins, 2);
}

TEST(TransactionGuard, ThreadsWithTheirOwnTransportsDoNotInterfere) {
    constexpr int kThreads = 4;
    constexpr int kRounds = 2000;
    std::vector<ScriptedTransport> transports(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&transport = transports[t]] {
            for (int i = 0; i < kRounds; ++i) {
                TransactionGuard outer(transport);
                TransactionGuard inner(transport);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& transport : transports) {
        EXPECT_EQ(transport.begins, kRounds);
        EXPECT_EQ(transport.ends, kRounds);
    }
}

// ---- InProcessTransport --------------------------------------------------------------

class EchoCard : public ApduProcessor {
  public:
    Bytes process(ByteView command) override {
        received.emplace_back(command.begin(), command.end());
        Bytes response(command.begin(), command.end());
        response.insert(response.end(), {0x90, 0x00});
        return response;
    }
    Bytes atr() const override { return from_hex("3B 80 80 01 01"); }
    void power_cycle() override { ++power_cycles; }

    std::vector<Bytes> received;
    int power_cycles = 0;
};

TEST(InProcessTransport, HandsCommandsToTheCard) {
    EchoCard card;
    InProcessTransport transport(card);
    EXPECT_EQ(to_hex(transport.transmit(from_hex("00 A4 04 00"))), "00 A4 04 00 90 00");
    ASSERT_EQ(card.received.size(), 1u);
}

TEST(InProcessTransport, ReconnectPowerCyclesTheCard) {
    EchoCard card;
    InProcessTransport transport(card);
    transport.reconnect();
    EXPECT_EQ(card.power_cycles, 1);
}

TEST(InProcessTransport, ReportsTheCardAtrAndItsReaderName) {
    EchoCard card;
    InProcessTransport transport(card);
    EXPECT_EQ(transport.atr(), from_hex("3B 80 80 01 01"));
    EXPECT_EQ(transport.reader_name(), "carta in-process reader");
    EXPECT_EQ(InProcessTransport(card, "other").reader_name(), "other");
}

TEST(InProcessTransport, TransactionsNestOnOneThread) {
    EchoCard card;
    InProcessTransport transport(card);
    transport.begin_transaction();
    transport.begin_transaction();
    transport.end_transaction();
    transport.end_transaction();
    TransactionGuard outer(transport);
    TransactionGuard inner(transport);
}

TEST(InProcessTransport, TransactionExcludesOtherThreads) {
    EchoCard card;
    InProcessTransport transport(card);
    std::atomic<bool> other_began{false};
    transport.begin_transaction();
    std::thread other([&] {
        TransactionGuard guard(transport);
        other_began = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(other_began.load());
    transport.end_transaction();
    other.join();
    EXPECT_TRUE(other_began.load());
}

TEST(InProcessTransport, WorksUnderAnApduChannel) {
    EchoCard card;
    InProcessTransport transport(card);
    ApduChannel channel(transport);
    CommandApdu c;
    c.ins = 0xCA;
    EXPECT_EQ(channel.transmit(c).data, from_hex("00 CA 00 00"));
}

}  // namespace
}  // namespace carta::apdu

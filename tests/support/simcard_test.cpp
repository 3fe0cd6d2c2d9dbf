// Self-test of carta::test::SimCard / scripts/simcard against a real, private pcscd.
// Talks PC/SC directly, so it checks only what any card must do: be in the reader,
// leave it, come back, survive restarts. Only the first test makes a fresh card
// (`carta-sim init`, seconds of key generation); the others start from a copy
// of the build's template card.
#include "support/simcard.hpp"

#include <PCSC/winscard.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace {

using carta::test::SimCard;
namespace fs = std::filesystem;

const fs::path kTemplateCard = CARTA_TEMPLATE_CARD;

// Current PC/SC state of `reader` (fresh context every time: pcscd may have restarted).
DWORD reader_state(const std::string& reader, std::string* atr = nullptr) {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    if (rv != SCARD_S_SUCCESS) throw std::runtime_error("SCardEstablishContext failed");
    SCARD_READERSTATE st{};
    st.szReader = reader.c_str();
    st.dwCurrentState = SCARD_STATE_UNAWARE;
    rv = SCardGetStatusChange(ctx, 0, &st, 1);
    SCardReleaseContext(ctx);
    if (rv != SCARD_S_SUCCESS && rv != static_cast<LONG>(SCARD_E_TIMEOUT))
        throw std::runtime_error("SCardGetStatusChange failed");
    if (atr != nullptr) atr->assign(reinterpret_cast<const char*>(st.rgbAtr), st.cbAtr);
    return st.dwEventState;
}

bool card_present(const std::string& reader) {
    return (reader_state(reader) & SCARD_STATE_PRESENT) != 0;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(SimCard, ReaderShowsCardWithAtr) {
    SimCard card;
    EXPECT_FALSE(card.reader().empty());
    EXPECT_TRUE(fs::exists(card.state_file()));
    ASSERT_NE(std::getenv("PCSCLITE_CSOCK_NAME"), nullptr);
    EXPECT_EQ(std::string(std::getenv("PCSCLITE_CSOCK_NAME")), card.socket_path().string());
    EXPECT_EQ(std::string(std::getenv("CARTA_READER")), card.reader());
    std::string atr;
    EXPECT_NE(reader_state(card.reader(), &atr) & SCARD_STATE_PRESENT, 0u);
    EXPECT_GE(atr.size(), 2u);
}

TEST(SimCard, PullAndInsert) {
    SimCard card(kTemplateCard);
    card.pull();
    EXPECT_FALSE(card_present(card.reader()));
    card.insert();
    EXPECT_TRUE(card_present(card.reader()));
}

TEST(SimCard, RestartPcscdAndSim) {
    SimCard card(kTemplateCard);
    card.restart_pcscd();
    EXPECT_TRUE(card_present(card.reader()));
    card.restart_sim();
    EXPECT_TRUE(card_present(card.reader()));
}

TEST(SimCard, KilledSimComesBackWithTheCard) {
    SimCard card(kTemplateCard);
    const std::string before = slurp(card.dir() / "carta-sim.pid");
    card.kill_sim();
    EXPECT_NE(slurp(card.dir() / "carta-sim.pid"), before) << "a new carta-sim";
    EXPECT_TRUE(card_present(card.reader()));
}

TEST(SimCard, SignalToTheSimPullsTheCard) {
    SimCard card(kTemplateCard);
    card.send_signal(SimCard::Process::Sim, SIGUSR1);
    // send_signal waits for nothing: PC/SC shows the pull a moment later.
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = !card_present(card.reader());
        if (!gone) ::usleep(50'000);
    }
    EXPECT_TRUE(gone);
    card.insert();
    EXPECT_TRUE(card_present(card.reader()));
}

TEST(SimCard, OnePerProcessThenAnother) {
    fs::path dir;
    {
        SimCard first(kTemplateCard);
        dir = first.dir();
        EXPECT_THROW(SimCard second(kTemplateCard), std::logic_error);
        EXPECT_TRUE(card_present(first.reader()));
    }
    EXPECT_FALSE(fs::exists(dir));
    SimCard again(kTemplateCard);  // same socket path: libpcsclite of this process still finds it
    EXPECT_TRUE(card_present(again.reader()));
}

TEST(SimCard, StartsFromCopyOfGivenState) {
    fs::path saved = fs::temp_directory_path() / ("carta-simcard-test-" + std::to_string(::getpid()));
    fs::copy_file(kTemplateCard, saved, fs::copy_options::overwrite_existing);
    const std::string original = slurp(saved);
    {
        SimCard card(saved);
        EXPECT_TRUE(card_present(card.reader()));
        EXPECT_TRUE(fs::exists(card.state_file()));
    }
    EXPECT_EQ(slurp(saved), original);  // the given file itself is never touched
    fs::remove(saved);
}

}  // namespace

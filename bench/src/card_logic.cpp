#include "card_logic.hpp"

#include <unistd.h>

#include <ctime>
#include <stdexcept>
#include <system_error>

#include "carta/sim/virtual_card.hpp"

namespace carta::bench {
namespace {

double thread_cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

Bytes must_answer(sim::VirtualCard& card, const Bytes& command, const char* what, std::size_t data = 0) {
    const Bytes answer = card.process(command);
    if (answer.size() != data + 2 || answer[answer.size() - 2] != 0x90 || answer.back() != 0x00)
        throw std::runtime_error(std::string("card logic: ") + what + " failed");
    return answer;
}

}  // namespace

double card_logic_cpu_per_signature(const std::filesystem::path& state_file, const std::string& pin,
                                    std::uint8_t key_ref, int signatures) {
    // A copy: the card behind vpcd keeps its own state file, and VERIFY writes the counter.
    const auto dir =
        std::filesystem::temp_directory_path() / ("carta-bench-card-logic-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    struct Remove {
        std::filesystem::path dir;
        ~Remove() {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    } remove{dir};
    std::filesystem::copy_file(state_file, dir / "card.state");
    sim::VirtualCard card(dir / "card.state");

    must_answer(card,
                {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xA0, 0x00, 0x00, 0x01, 0x67, 0x45, 0x53, 0x49, 0x47, 0x4F},
                "SELECT");
    Bytes verify{0x00, 0x20, 0x00, 0x83, 0x10};
    verify.insert(verify.end(), pin.begin(), pin.end());
    verify.resize(5 + 16, 0x00);
    must_answer(card, verify, "VERIFY");
    must_answer(card, {0x00, 0x22, 0x81, 0xB6, 0x06, 0x80, 0x01, 0x42, 0x84, 0x01, key_ref}, "MSE:SET");
    Bytes hash{0x00, 0x2A, 0x90, 0xA0, 0x22, 0x90, 0x20};
    for (std::uint8_t i = 0; i < 32; ++i) hash.push_back(static_cast<std::uint8_t>(0x5C ^ i));
    const Bytes cds{0x00, 0x2A, 0x9E, 0x9A, 0x00};

    constexpr int kWarmUp = 5;
    double start = 0;
    for (int i = 0; i < kWarmUp + signatures; ++i) {
        if (i == kWarmUp) start = thread_cpu_seconds();
        must_answer(card, hash, "PSO:HASH");
        must_answer(card, cds, "PSO:CDS", 256);
    }
    return (thread_cpu_seconds() - start) / signatures;
}

}  // namespace carta::bench

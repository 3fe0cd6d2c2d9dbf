#include "carta/sim/latency.hpp"

#include <thread>

namespace carta::sim {

using std::chrono::milliseconds;

std::optional<Latency> latency_from_name(std::string_view name) {
    if (name == "none") return Latency::none;
    if (name == "realistic") return Latency::realistic;
    return std::nullopt;
}

milliseconds real_card_time(CardOperation operation, std::optional<KeyAlgorithm> algorithm) {
    const KeyAlgorithm alg = algorithm.value_or(KeyAlgorithm::rsa2048);
    switch (operation) {
        case CardOperation::verify_code:
            return milliseconds(33);
        case CardOperation::read_page:
            return milliseconds(4);
        case CardOperation::sign:
        case CardOperation::decipher:
            // Measured for signing; the card's private-key operation is the same for deciphering.
            switch (alg) {
                case KeyAlgorithm::rsa2048:
                    return milliseconds(270);
                case KeyAlgorithm::rsa3072:
                    return milliseconds(1100);
                case KeyAlgorithm::rsa4096:
                    return milliseconds(1500);
                case KeyAlgorithm::p256:
                    return milliseconds(160);
                case KeyAlgorithm::p384:
                    return milliseconds(250);  // not measured: between P-256 and RSA-2048
            }
            break;
        case CardOperation::generate_key:
            switch (alg) {
                case KeyAlgorithm::rsa2048:
                    return milliseconds(6000);
                case KeyAlgorithm::rsa3072:
                    return milliseconds(25000);
                case KeyAlgorithm::rsa4096:
                    return milliseconds(60000);
                case KeyAlgorithm::p256:
                case KeyAlgorithm::p384:
                    return milliseconds(1000);
            }
            break;
        case CardOperation::other:
            return milliseconds(2);  // any APDU round trip on T=1
    }
    return milliseconds(0);
}

LatencyModel::LatencyModel(Latency latency, Sleeper sleeper)
    : latency_(latency), sleeper_(std::move(sleeper)) {
    if (!sleeper_)
        sleeper_ = [](milliseconds duration) {
            std::this_thread::sleep_for(duration);
            return true;
        };
}

bool LatencyModel::pad(CardOperation operation, std::optional<KeyAlgorithm> algorithm,
                       std::chrono::steady_clock::time_point started) const {
    if (latency_ == Latency::none) return true;
    const auto spent = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    const auto target = real_card_time(operation, algorithm);
    if (target > spent) return sleeper_(target - spent);
    return true;
}

}  // namespace carta::sim

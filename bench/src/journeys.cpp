#include "journeys.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "carta/sim/latency.hpp"
#include "child.hpp"
#include "measure.hpp"

namespace carta::bench {
namespace {

namespace fs = std::filesystem;
using sim::CardOperation;

// The journeys in the order the table shows them, and what each one's floor is made of.
constexpr std::array<const char*, 4> kJourneys{
    "Thunderbird-like start, cold cache",
    "Thunderbird-like start, warm cache",
    "one signed send (C_Login + find key + C_Sign)",
    "opening one encrypted message (C_Login + find key + C_Decrypt)",
};
constexpr const char* kFloorOf[] = {
    "a SELECT per profile, and each file the start read (the directories and certificates, once each)",
    "a SELECT per profile",
    "VERIFY, MSE:SET, PSO:HASH and PSO:CDS with RSA-2048",
    "VERIFY, MSE:SET and PSO:DECIPHER with RSA-2048",
};

double card_seconds(CardOperation operation) {
    return static_cast<double>(sim::real_card_time(operation, sim::KeyAlgorithm::rsa2048).count()) / 1e3;
}

// A start needs one SELECT per profile; the files it read from the trace (SELECT of an EF,
// READ BINARY) count at the card's time, since a cold start must read each of them once.
double start_floor(const std::string& trace) {
    double floor = 2 * card_seconds(CardOperation::other);
    std::ifstream in(trace);
    for (std::string line; std::getline(in, line);) {
        unsigned cla = 0, ins = 0, p1 = 0;
        if (std::sscanf(line.c_str(), "> %x %x %x", &cla, &ins, &p1) != 3) continue;
        if (ins == 0xA4 && p1 == 0x02) floor += card_seconds(CardOperation::other);
        if (ins == 0xB0) floor += card_seconds(CardOperation::read_page);
    }
    return floor;
}

double send_floor() {
    return card_seconds(CardOperation::verify_code) + 2 * card_seconds(CardOperation::other) +
           card_seconds(CardOperation::sign);
}

double open_floor() {
    return card_seconds(CardOperation::verify_code) + card_seconds(CardOperation::other) +
           card_seconds(CardOperation::decipher);
}

struct Medians {
    double seconds, floor;
    std::optional<double> apdus;
};

std::optional<Medians> medians(const Results& r, const std::string& journey) {
    const auto it = r.journeys.find(journey);
    if (it == r.journeys.end() || it->second.empty()) return std::nullopt;
    std::vector<double> seconds, floors, apdus;
    for (const auto& run : it->second) {
        seconds.push_back(run.seconds);
        floors.push_back(run.floor_seconds);
        if (run.apdus) apdus.push_back(static_cast<double>(*run.apdus));
    }
    Medians m{summarize(seconds).median, summarize(floors).median, std::nullopt};
    if (!apdus.empty()) m.apdus = summarize(apdus).median;
    return m;
}

}  // namespace

void run_journeys(Results& r, const JourneySetup& s) {
    const std::string cache = s.work + "/journey-cache";
    for (int i = 0; i < s.runs; ++i) {
        fs::remove_all(cache);
        fs::create_directories(cache);
        auto env = [&](const std::string& name) {
            const std::string trace =
                s.work + "/trace-journey-" + name + "-" + std::to_string(i + 1) + ".txt";
            fs::remove(trace);
            return std::map<std::string, std::string>{{"PCSCLITE_CSOCK_NAME", s.socket},
                                                      {"XDG_CACHE_HOME", cache},
                                                      {"CARTA_CACHE", ""},
                                                      {"CARTA_APDU_TRACE", trace},
                                                      {"CARTA_BENCH_PIN", s.pin}};
        };
        auto start = [&](const char* journey, const char* name) {
            auto e = env(name);
            const StartResult result = start_in_child(s.module, e);
            r.journeys[journey].push_back({result.seconds, result.apdus, start_floor(e["CARTA_APDU_TRACE"])});
        };
        start(kJourneys[0], "start-cold");
        // A start lists certificates only; the first signature then reads the key files once and
        // the cache holds them from then on: the warm figures are those of every later day.
        login_sign_in_child(s.module, s.token, s.key_label, 0, true, env("first-use"));
        start(kJourneys[1], "start-warm");
        const auto send = login_sign_in_child(s.module, s.token, s.key_label, 0, true, env("send"));
        std::optional<long> send_apdus;
        if (send.login_apdus && send.find_apdus && send.sign_apdus)
            send_apdus = *send.login_apdus + *send.find_apdus + *send.sign_apdus;
        r.journeys[kJourneys[2]].push_back({send.first_total(), send_apdus, send_floor()});
        auto open = login_decrypt_in_child(s.module, s.token, s.key_label, env("open"));
        open.floor_seconds = open_floor();
        r.journeys[kJourneys[3]].push_back(open);
        std::cerr << "carta-bench: journeys " << i + 1 << "/" << s.runs << " on the realistic card done\n";
    }
}

std::string journeys_markdown(const Results& r) {
    if (r.journeys.empty()) return {};
    std::ostringstream md;
    md << "\n## Journeys on a card with a real card's timings\n\n"
          "A second simulated card, `carta-sim --latency realistic` (a cryptoCertum's timings: "
       << format("%.0f", card_seconds(CardOperation::other) * 1e3) << " ms per APDU, "
       << format("%.0f", card_seconds(CardOperation::read_page) * 1e3) << " ms per page read, VERIFY "
       << format("%.0f", card_seconds(CardOperation::verify_code) * 1e3) << " ms, an RSA-2048 signature "
       << format("%.0f", card_seconds(CardOperation::sign) * 1e3)
       << " ms), each journey in a fresh process with carta's module. The floor is the card's own time for "
          "the APDUs no host can avoid (see each row); the ratio is carta's time over it.\n\n"
          "| journey | carta [ms] | APDUs | floor [ms] | carta ÷ floor | the floor |\n"
          "|---|---:|---:|---:|---:|---|\n";
    for (std::size_t i = 0; i < kJourneys.size(); ++i) {
        const auto m = medians(r, kJourneys[i]);
        if (!m) continue;
        md << "| " << kJourneys[i] << ", median | " << format("%.1f", m->seconds * 1e3) << " | "
           << (m->apdus ? format("%.0f", *m->apdus) : "—") << " | " << format("%.1f", m->floor * 1e3) << " | "
           << format("%.2f", m->seconds / m->floor) << "× | " << kFloorOf[i] << " |\n";
    }
    return md.str();
}

std::string journeys_json(const Results& r) {
    if (r.journeys.empty()) return {};
    std::ostringstream out;
    out << "  \"journeys\": {";
    bool first = true;
    for (const char* journey : kJourneys) {
        const auto m = medians(r, journey);
        if (!m) continue;
        out << (first ? "\n" : ",\n") << "    \"" << journey
            << "\": {\"median_ms\": " << format("%.3f", m->seconds * 1e3)
            << ", \"apdus\": " << (m->apdus ? format("%.0f", *m->apdus) : "null")
            << ", \"floor_ms\": " << format("%.3f", m->floor * 1e3)
            << ", \"runs\": " << r.journeys.at(journey).size() << "}";
        first = false;
    }
    out << "\n  },\n";
    return out.str();
}

}  // namespace carta::bench

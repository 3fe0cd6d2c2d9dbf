#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "journeys.hpp"
#include "json_text.hpp"
#include "results.hpp"

namespace carta::bench {

std::string format(const char* fmt, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, fmt, value);
    return buffer;
}

namespace {

// Three significant digits or so.
std::string number(double value) {
    if (!std::isfinite(value)) return "—";
    const double a = std::fabs(value);
    if (a >= 100) return format("%.0f", value);
    if (a >= 10) return format("%.1f", value);
    if (a >= 1) return format("%.2f", value);
    return format("%.3f", value);
}

std::string ms(double seconds) {
    return number(seconds * 1e3);
}

std::string ratio(std::optional<double> carta, std::optional<double> reference) {
    if (!carta || !reference || *reference <= 0) return "—";
    const double r = *carta / *reference;
    if (r >= 100) return format("%.0f×", r);
    if (r >= 10) return format("%.1f×", r);
    if (r >= 0.1) return format("%.2f×", r);
    return format("%.3f×", r);
}

template <typename T>
std::vector<double> collect(const std::vector<T>& runs, const std::function<double(const T&)>& field) {
    std::vector<double> out;
    for (const auto& r : runs) out.push_back(field(r));
    return out;
}

// Median of an APDU count over runs; nullopt if any run had no trace.
template <typename T>
std::optional<double> median_count(const std::vector<T>& runs,
                                   const std::function<std::optional<double>(const T&)>& field) {
    std::vector<double> values;
    for (const auto& r : runs) {
        const auto v = field(r);
        if (!v) return std::nullopt;
        values.push_back(*v);
    }
    if (values.empty()) return std::nullopt;
    return summarize(values).median;
}

std::optional<double> as_double(const std::optional<long>& v) {
    if (!v) return std::nullopt;
    return static_cast<double>(*v);
}

const char* short_mechanism(SignMechanism m) {
    return m == SignMechanism::Pkcs1Sha256 ? "PKCS#1 v1.5" : "PSS";
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

// Per-stack medians of a login-and-sign run.
struct LoginSignMedians {
    double login = 0, first_total = 0, steady = 0;
    std::optional<double> login_apdus, first_apdus, steady_apdus;
};

std::optional<LoginSignMedians> login_sign_medians(const Results& r, const std::string& stack) {
    const auto it = r.login_sign.find(stack);
    if (it == r.login_sign.end() || it->second.empty()) return std::nullopt;
    const auto& runs = it->second;
    using L = LoginSignResult;
    LoginSignMedians m;
    m.login = summarize(collect<L>(runs, [](const L& x) { return x.login_seconds; })).median;
    m.first_total = summarize(collect<L>(runs, [](const L& x) { return x.first_total(); })).median;
    m.steady = summarize(collect<L>(runs, [](const L& x) {
                   return x.repeat ? x.repeat_seconds / static_cast<double>(x.repeat) : NAN;
               })).median;
    m.login_apdus = median_count<L>(runs, [](const L& x) { return as_double(x.login_apdus); });
    m.first_apdus = median_count<L>(runs, [](const L& x) -> std::optional<double> {
        if (!x.login_apdus || !x.find_apdus || !x.sign_apdus) return std::nullopt;
        return static_cast<double>(*x.login_apdus + *x.find_apdus + *x.sign_apdus);
    });
    m.steady_apdus = median_count<L>(runs, [](const L& x) -> std::optional<double> {
        if (!x.repeat_apdus || x.repeat == 0) return std::nullopt;
        return static_cast<double>(*x.repeat_apdus) / static_cast<double>(x.repeat);
    });
    return m;
}

// CPU per operation of a cell, medians over its runs: this process, pcscd, carta-sim.
struct CpuPerOp {
    double self = 0;
    std::optional<double> pcscd, sim;
    double total() const { return self + pcscd.value_or(0) + sim.value_or(0); }
};

std::optional<CpuPerOp> cpu_per_op(const Results& r, const std::string& stack, SignMechanism mechanism,
                                   int n) {
    for (const auto& cell : r.sign) {
        if (!cell.is(stack, mechanism, n, kSampleMessageBytes) || cell.runs.empty()) continue;
        std::vector<double> self, pcscd, sim;
        for (const auto& t : cell.runs) {
            if (t.operations == 0) continue;
            const auto ops = static_cast<double>(t.operations);
            self.push_back(t.cpu_self / ops);
            if (t.cpu_pcscd) pcscd.push_back(*t.cpu_pcscd / ops);
            if (t.cpu_sim) sim.push_back(*t.cpu_sim / ops);
        }
        if (self.empty()) return std::nullopt;
        CpuPerOp c;
        c.self = summarize(self).median;
        if (pcscd.size() == self.size()) c.pcscd = summarize(pcscd).median;
        if (sim.size() == self.size()) c.sim = summarize(sim).median;
        return c;
    }
    return std::nullopt;
}

// Whether a second session gains anything: only the work a session does outside the card's
// lock (hashing, above all) can overlap with the card's work for the other session.
void write_session_overlap(std::ostream& md, const Results& r) {
    const auto one = r.ops(kCarta, SignMechanism::Pkcs1Sha256, 1);
    const auto two = r.ops(kCarta, SignMechanism::Pkcs1Sha256, 2);
    const auto big_one = r.ops(kCarta, SignMechanism::Pkcs1Sha256, 1, kLargeMessageBytes);
    const auto big_two = r.ops(kCarta, SignMechanism::Pkcs1Sha256, 2, kLargeMessageBytes);
    if (!one || !two || !big_one || !big_two) return;
    md << "\nOne card signs for one session at a time. A second session gains only what a session does "
          "outside the card's lock, hashing above all: with the usual message, 2 sessions "
       << number(*two) << " ops/s against " << number(*one) << " (" << number(*two / *one)
       << "×; next to nothing to overlap); with a 1 MiB message, which takes the host a while to hash, "
       << number(*big_two) << " against " << number(*big_one) << " (" << number(*big_two / *big_one)
       << "×): one session hashes while the card signs for the other.\n";
}

}  // namespace

double SignResult::median_per_second() const {
    std::vector<double> values;
    for (const auto& t : runs) values.push_back(t.per_second());
    return summarize(values).median;
}

SignResult& Results::sign_cell(const std::string& stack, SignMechanism mechanism, int sessions,
                               std::size_t message_bytes) {
    for (auto& s : sign)
        if (s.is(stack, mechanism, sessions, message_bytes)) return s;
    sign.push_back({stack, mechanism, sessions, message_bytes, {}});
    return sign.back();
}

std::optional<double> Results::ops(const std::string& stack, SignMechanism mechanism, int sessions,
                                   std::size_t message_bytes) const {
    for (const auto& s : sign)
        if (s.is(stack, mechanism, sessions, message_bytes) && !s.runs.empty()) return s.median_per_second();
    return std::nullopt;
}

std::vector<int> Results::sessions() const {
    std::vector<int> out;
    for (const auto& s : sign)
        if (s.message_bytes == kSampleMessageBytes &&
            std::find(out.begin(), out.end(), s.sessions) == out.end())
            out.push_back(s.sessions);
    std::sort(out.begin(), out.end());
    return out;
}

void write_json(const Results& r, const std::string& path) {
    std::ostringstream out;
    out << "{\n  \"run\": {\"date\": " << json_string(r.date) << ", \"cpu\": " << json_string(r.cpu)
        << ", \"cores\": " << r.cores << ", \"commit\": " << json_string(r.commit)
        << ", \"loadavg_before\": " << json_string(r.load_before)
        << ", \"loadavg_after\": " << json_string(r.load_after)
        << ", \"simulator_latency\": " << json_string(r.latency)
        << ", \"quick\": " << (r.quick ? "true" : "false")
        << ", \"seconds_per_sign_run\": " << json_number(r.seconds_per_cell) << "},\n";

    out << "  \"transport_floor\": ";
    if (r.transport && !r.transport->empty()) {
        const Summary s = summarize(*r.transport);
        out << "{\"apdu\": " << json_string(r.transport_apdu) << ", \"n\": " << s.n
            << ", \"median_us\": " << json_number(s.median * 1e6)
            << ", \"p10_us\": " << json_number(s.p10 * 1e6) << ", \"p90_us\": " << json_number(s.p90 * 1e6)
            << ", \"min_us\": " << json_number(s.min * 1e6) << ", \"max_us\": " << json_number(s.max * 1e6)
            << "},\n";
    } else {
        out << "null,\n";
    }

    out << "  \"card_floor\": {\"verify\": "
        << (r.floor_verify ? json_times(*r.floor_verify) : std::string("null"))
        << ", \"mse_hash_cds_signature\": "
        << (r.floor_signature ? json_times(*r.floor_signature) : std::string("null")) << "},\n";
    out << "  \"card_logic_cpu_seconds_per_signature\": "
        << (r.card_logic_cpu ? format("%.9f", *r.card_logic_cpu) : std::string("null")) << ",\n";

    out << "  \"sign_rsa2048\": [\n";
    for (std::size_t i = 0; i < r.sign.size(); ++i) {
        const auto& s = r.sign[i];
        out << "    {\"stack\": " << json_string(s.stack)
            << ", \"mechanism\": " << json_string(mechanism_name(s.mechanism))
            << ", \"sessions\": " << s.sessions << ", \"message_bytes\": " << s.message_bytes
            << ", \"ops_per_s\": " << json_number(s.median_per_second()) << ", \"runs\": [";
        for (std::size_t j = 0; j < s.runs.size(); ++j)
            out << (j ? ", " : "") << "{\"operations\": " << s.runs[j].operations
                << ", \"seconds\": " << json_number(s.runs[j].seconds)
                << ", \"ops_per_s\": " << json_number(s.runs[j].per_second())
                << ", \"cpu_self_s\": " << json_number(s.runs[j].cpu_self)
                << ", \"cpu_pcscd_s\": " << json_number(s.runs[j].cpu_pcscd)
                << ", \"cpu_carta_sim_s\": " << json_number(s.runs[j].cpu_sim) << "}";
        out << "]}" << (i + 1 < r.sign.size() ? ",\n" : "\n");
    }
    out << "  ],\n";

    out << "  \"signature_verified\": {";
    bool first = true;
    for (const auto& [name, ok] : r.verified) {
        out << (first ? "" : ", ") << json_string(name) << ": " << (ok ? "true" : "false");
        first = false;
    }
    out << "},\n";

    out << "  \"thunderbird_start\": {";
    first = true;
    for (const auto& [name, runs] : r.start) {
        if (runs.empty()) continue;
        const auto apdus =
            median_count<StartResult>(runs, [](const StartResult& s) { return as_double(s.apdus); });
        out << (first ? "\n" : ",\n") << "    " << json_string(name) << ": {\"apdus\": " << json_number(apdus)
            << ", \"tokens\": " << runs.front().tokens << ", \"certificates\": " << runs.front().certificates
            << ", \"certificate_bytes\": " << runs.front().certificate_bytes << ", \"median_phases_ms\": {";
        bool first_phase = true;
        for (const auto& [phase, ignored] : runs.front().phases) {
            std::vector<double> values;
            for (const auto& run : runs)
                if (auto it = run.phases.find(phase); it != run.phases.end()) values.push_back(it->second);
            out << (first_phase ? "" : ", ") << json_string(phase) << ": "
                << json_number(summarize(values).median * 1e3);
            first_phase = false;
        }
        out << "}"
            << ", \"time\": "
            << json_times(collect<StartResult>(runs, [](const StartResult& s) { return s.seconds; })) << "}";
        first = false;
    }
    out << "\n  },\n";

    out << "  \"login_and_sign\": {";
    first = true;
    for (const auto& [name, runs] : r.login_sign) {
        const auto m = login_sign_medians(r, name);
        if (!m) continue;
        using L = LoginSignResult;
        out << (first ? "\n" : ",\n") << "    " << json_string(name) << ": {"
            << "\"login_apdus\": " << json_number(m->login_apdus)
            << ", \"login\": " << json_times(collect<L>(runs, [](const L& x) { return x.login_seconds; }))
            << ", \"login_find_first_sign_apdus\": " << json_number(m->first_apdus)
            << ", \"login_find_first_sign\": "
            << json_times(collect<L>(runs, [](const L& x) { return x.first_total(); }))
            << ", \"find_key\": " << json_times(collect<L>(runs, [](const L& x) { return x.find_seconds; }))
            << ", \"first_sign\": " << json_times(collect<L>(runs, [](const L& x) { return x.sign_seconds; }))
            << ", \"steady_signatures_per_run\": " << runs.front().repeat
            << ", \"steady_apdus_per_signature\": " << json_number(m->steady_apdus)
            << ", \"steady_ms_per_signature\": " << json_number(m->steady * 1e3) << "}";
        first = false;
    }
    out << "\n  },\n";

    out << journeys_json(r);
    out << "  \"keygen\": {";
    first = true;
    for (const auto& [stack, by_bits] : r.keygen) {
        for (const auto& [bits, runs] : by_bits) {
            out << (first ? "\n" : ",\n") << "    " << json_string(stack + " RSA-" + std::to_string(bits))
                << ": " << json_times(runs);
            first = false;
        }
    }
    out << "\n  }\n}\n";
    write_file(path, out.str());
}

std::string write_markdown(const Results& r, const std::string& path) {
    std::ostringstream md;
    md << "# carta benchmark results\n\n";
    md << "Run " << r.date << " on " << r.cpu << " (" << r.cores << " cores, load average " << r.load_before
       << " before, " << r.load_after << " after)";
    if (!r.commit.empty()) md << ", commit " << r.commit;
    md << "; simulated card `carta-sim --latency " << r.latency << "` behind a private pcscd + vpcd";
    if (r.quick) md << "; **quick mode** (smoke test, figures not meaningful)";
    md << ". Sign throughput: median of " << (r.sign.empty() ? 0 : r.sign.front().runs.size()) << " runs of "
       << number(r.seconds_per_cell)
       << " s per cell, the cells of all stacks interleaved; each session in its own thread of one process. "
          "Produced by `scripts/bench.sh`.\n\n";
    md << "Ratios are carta ÷ reference of the figure as written: for ops/s below 1× means carta is slower, "
          "for "
          "times above 1× means carta is slower.\n\n";

    md << "| figure | carta | carta APDUs | SoftHSM2 | OpenSSL | carta ÷ SoftHSM2 | carta ÷ OpenSSL |\n";
    md << "|---|---:|---:|---:|---:|---:|---:|\n";
    auto row = [&](const std::string& figure, const std::string& carta, const std::string& apdus,
                   const std::string& softhsm, const std::string& openssl, const std::string& r1,
                   const std::string& r2) {
        md << "| " << figure << " | " << carta << " | " << apdus << " | " << softhsm << " | " << openssl
           << " | " << r1 << " | " << r2 << " |\n";
    };
    auto show = [](std::optional<double> v) { return v ? number(*v) : std::string("—"); };
    auto show_ms = [](std::optional<double> s) { return s ? ms(*s) : std::string("—"); };
    auto show_count = [](std::optional<double> v) {
        if (!v) return std::string("—");
        return *v == std::floor(*v) ? format("%.0f", *v) : number(*v);
    };

    for (const auto mechanism : {SignMechanism::Pkcs1Sha256, SignMechanism::PssSha256}) {
        for (const int n : r.sessions()) {
            const auto c = r.ops(kCarta, mechanism, n);
            const auto h = r.ops(kSofthsm, mechanism, n);
            const auto o = r.ops(kOpenssl, mechanism, n);
            row(std::string("RSA-2048 sign, ") + short_mechanism(mechanism) + " SHA-256, " +
                    std::to_string(n) + (n == 1 ? " session" : " sessions") + " [ops/s]",
                show(c), "", show(h), show(o), ratio(c, h), ratio(c, o));
        }
    }
    for (const int n : {1, 2}) {
        const auto c = r.ops(kCarta, SignMechanism::Pkcs1Sha256, n, kLargeMessageBytes);
        const auto h = r.ops(kSofthsm, SignMechanism::Pkcs1Sha256, n, kLargeMessageBytes);
        const auto o = r.ops(kOpenssl, SignMechanism::Pkcs1Sha256, n, kLargeMessageBytes);
        if (c)
            row("RSA-2048 sign, PKCS#1 v1.5 SHA-256, a 1 MiB message, " + std::to_string(n) +
                    (n == 1 ? " session" : " sessions") + " [ops/s]",
                show(c), "", show(h), show(o), ratio(c, h), ratio(c, o));
    }

    const auto carta_ls = login_sign_medians(r, kCarta);
    const auto softhsm_ls = login_sign_medians(r, kSofthsm);
    auto inverse = [&](const std::string& stack) -> std::optional<double> {
        const auto ops = r.ops(stack, SignMechanism::Pkcs1Sha256, 1);
        if (!ops || *ops <= 0) return std::nullopt;
        return 1.0 / *ops;
    };
    {
        const auto c = inverse(kCarta), h = inverse(kSofthsm), o = inverse(kOpenssl);
        row("one RSA-2048 PKCS#1 v1.5 signature, 1 session (1 ÷ ops/s) [ms]", show_ms(c),
            show_count(carta_ls ? carta_ls->steady_apdus : std::nullopt), show_ms(h), show_ms(o), ratio(c, h),
            ratio(c, o));
    }

    const auto carta_cpu = cpu_per_op(r, kCarta, SignMechanism::Pkcs1Sha256, 1);
    {
        const auto h = cpu_per_op(r, kSofthsm, SignMechanism::Pkcs1Sha256, 1);
        const auto o = cpu_per_op(r, kOpenssl, SignMechanism::Pkcs1Sha256, 1);
        auto total = [](const std::optional<CpuPerOp>& c) -> std::optional<double> {
            if (!c) return std::nullopt;
            return c->total();
        };
        std::string cell = "—";
        if (carta_cpu) {
            cell = ms(carta_cpu->total());
            if (carta_cpu->pcscd && carta_cpu->sim)
                cell += " (" + ms(carta_cpu->self) + " + " + ms(*carta_cpu->pcscd) + " + " +
                        ms(*carta_cpu->sim) + ")";
        }
        row("CPU time per signature, 1 session, PKCS#1 v1.5; carta: (its process + pcscd + carta-sim) [ms]",
            cell, "", show_ms(total(h)), show_ms(total(o)), ratio(total(carta_cpu), total(h)),
            ratio(total(carta_cpu), total(o)));
        if (carta_cpu && carta_cpu->sim)
            row("CPU time per signature in carta-sim, through vpcd [ms]", ms(*carta_cpu->sim), "2", "—",
                show_ms(total(o)), "—", ratio(carta_cpu->sim, total(o)));
        if (r.card_logic_cpu)
            row("CPU time per signature in carta-sim's card logic alone (PSO:HASH + PSO:CDS run in this "
                "process, "
                "no vpcd) [ms]",
                ms(*r.card_logic_cpu), "2", "—", show_ms(total(o)), "—", ratio(r.card_logic_cpu, total(o)));
    }

    std::optional<double> floor;
    if (r.transport && !r.transport->empty()) {
        const Summary s = summarize(*r.transport);
        floor = s.median;
        row("transport floor: one short APDU (GET CHALLENGE, 8 bytes) through pcscd + vpcd, median (p10–p90) "
            "[ms]",
            ms(s.median) + " (" + ms(s.p10) + "–" + ms(s.p90) + ")", "1", "—", "—", "—", "—");
    }

    std::optional<double> card_sign;
    if (r.floor_verify && !r.floor_verify->empty())
        row("card floor: VERIFY (PIN) sent straight through PC/SC, no carta, median [ms]",
            ms(summarize(*r.floor_verify).median), "1", "—", "—", "—", "—");
    if (r.floor_signature && !r.floor_signature->empty()) {
        card_sign = summarize(*r.floor_signature).median;
        row("card floor: MSE:SET + PSO:HASH + PSO:CDS sent straight through PC/SC, no carta, median [ms]",
            ms(*card_sign), "3", "—", "—", "—", "—");
    }

    auto start_median = [&](const std::string& key) -> std::optional<double> {
        const auto it = r.start.find(key);
        if (it == r.start.end() || it->second.empty()) return std::nullopt;
        return summarize(collect<StartResult>(it->second, [](const StartResult& s) { return s.seconds; }))
            .median;
    };
    auto start_apdus = [&](const std::string& key) -> std::optional<double> {
        const auto it = r.start.find(key);
        if (it == r.start.end() || it->second.empty()) return std::nullopt;
        return median_count<StartResult>(it->second, [](const StartResult& s) { return as_double(s.apdus); });
    };
    std::string what;
    if (auto c = r.start.find("carta warm"); c != r.start.end() && !c->second.empty())
        what = " (" + std::to_string(c->second.front().certificates) + " certificates on " +
               std::to_string(c->second.front().tokens) + " tokens)";
    const auto softhsm_start = start_median(kSofthsm);
    for (const auto& [key, label] :
         {std::pair<std::string, std::string>{"carta cold", "Thunderbird-like start" + what + ", cold cache"},
          {"carta warm", "Thunderbird-like start, warm cache (second process, same cache)"},
          {"carta no cache", "Thunderbird-like start, cache off (`CARTA_CACHE=off`)"}}) {
        const auto c = start_median(key);
        if (!c) continue;
        row(label + ", median [ms]", ms(*c), show_count(start_apdus(key)), show_ms(softhsm_start), "—",
            ratio(c, softhsm_start), "—");
    }

    if (carta_ls) {
        std::optional<double> hl, ht;
        if (softhsm_ls) {
            hl = softhsm_ls->login;
            ht = softhsm_ls->first_total;
        }
        row("C_Login (PIN), median [ms]", ms(carta_ls->login), show_count(carta_ls->login_apdus), show_ms(hl),
            "—", ratio(carta_ls->login, hl), "—");
        row("login + find key + first signature (fresh process, warm cache), median [ms]",
            ms(carta_ls->first_total), show_count(carta_ls->first_apdus), show_ms(ht), "—",
            ratio(carta_ls->first_total, ht), "—");
    }

    for (const unsigned bits : {2048u, 3072u}) {
        auto get = [&](const std::string& stack) -> std::optional<Summary> {
            const auto a = r.keygen.find(stack);
            if (a == r.keygen.end()) return std::nullopt;
            const auto b = a->second.find(bits);
            if (b == a->second.end() || b->second.empty()) return std::nullopt;
            return summarize(b->second);
        };
        const auto c = get(kCarta), h = get(kSofthsm), o = get(kOpenssl);
        if (!c && !h && !o) continue;
        auto cell = [](const std::optional<Summary>& s) {
            return s ? ms(s->median) + " (" + ms(s->min) + "–" + ms(s->max) + ")" : std::string("—");
        };
        auto med = [](const std::optional<Summary>& s) -> std::optional<double> {
            if (!s) return std::nullopt;
            return s->median;
        };
        row("RSA-" + std::to_string(bits) + " key generation, median (min–max) of " +
                std::to_string(c ? c->n : 0) + " [ms]",
            cell(c), "", cell(h), cell(o), ratio(med(c), med(h)), ratio(med(c), med(o)));
    }

    // Where the time of one carta signature goes.
    const auto c1 = inverse(kCarta);
    if (c1 && floor && carta_ls && carta_ls->steady_apdus) {
        const double apdus = *carta_ls->steady_apdus;
        md << "\nOne carta signature at one session takes " << ms(*c1) << " ms and "
           << (apdus == std::floor(apdus) ? format("%.0f", apdus) : number(apdus))
           << " APDUs; at the transport floor of " << ms(*floor) << " ms per APDU that is "
           << ms(apdus * *floor) << " ms of round trips (" << number(100.0 * apdus * *floor / *c1) << " %).";
        if (card_sign) {
            md << " The card floor, the same signature's three APDUs (MSE:SET, PSO:HASH, PSO:CDS) sent "
                  "straight through PC/SC in a transaction of their own, takes "
               << ms(*card_sign) << " ms: carta ÷ card floor = " << number(*c1 / *card_sign) << "×.";
            if (apdus < 3)
                md << " Signatures in a row share the transaction the module keeps between operations "
                      "(docs/card-protocol.md §10), so each needs neither a SELECT nor a new MSE:SET, and "
                      "no transaction of its own; what carta adds is hashing, the module and the waits "
                      "between processes.";
            else
                md << " carta adds the SELECT and the PC/SC transaction around each signature, hashing, the "
                      "module and the waits between processes.";
        }
        if (carta_cpu && carta_cpu->pcscd && carta_cpu->sim)
            md << " In CPU time, which a busy machine does not inflate as much: " << ms(*carta_cpu->sim)
               << " ms in carta-sim (the simulated card's RSA operation and APDU handling), "
               << ms(*carta_cpu->pcscd) << " ms in pcscd and its vpcd driver, " << ms(carta_cpu->self)
               << " ms in the process using carta's module (hashing, the module, PC/SC calls); the rest "
                  "of the wall time is the hand-offs between these three processes.";
        if (const auto o1 = inverse(kOpenssl))
            md << " OpenSSL alone needs " << ms(*o1) << " ms for the same signature.";
        md << "\n";
    }
    write_session_overlap(md, r);
    // Where a start's time goes.
    for (const auto& [key, label] :
         {std::pair<std::string, std::string>{"carta cold", "cold"}, {"carta warm", "warm"}}) {
        const auto it = r.start.find(key);
        if (it == r.start.end() || it->second.empty() || it->second.front().phases.empty()) continue;
        md << (label == "cold" ? "\nThunderbird-like start, medians in ms: " : "; ") << label << ": ";
        bool first = true;
        for (const auto& [phase, name] : {std::pair<std::string, std::string>{"load", "dlopen"},
                                          {"initialize", "C_Initialize"},
                                          {"slots", "C_GetSlotList + C_GetSlotInfo + C_GetTokenInfo"},
                                          {"objects", "sessions and certificates"},
                                          {"finalize", "C_Finalize + dlclose"}}) {
            std::vector<double> values;
            for (const auto& run : it->second)
                if (auto p = run.phases.find(phase); p != run.phases.end()) values.push_back(p->second);
            md << (first ? "" : ", ") << name << " " << ms(summarize(values).median);
            first = false;
        }
        if (label == "warm") md << ".\n";
    }

    md << journeys_markdown(r);

    bool all_verified = !r.verified.empty();
    for (const auto& [name, ok] : r.verified) all_verified = all_verified && ok;
    md << "\nEach stack's signatures (both mechanisms) were checked with OpenSSL against the key's public "
          "half: "
       << (all_verified ? "all valid" : "**NOT all valid**, see results.json") << ".\n";

    write_file(path, md.str());
    return md.str();
}

void write_plot_data(const Results& r, const std::string& path) {
    std::ostringstream out;
    out << "# sessions carta_pkcs1 softhsm_pkcs1 openssl_pkcs1 carta_pss softhsm_pss openssl_pss (ops/s)\n";
    for (const int n : r.sessions()) {
        out << n;
        for (const auto mechanism : {SignMechanism::Pkcs1Sha256, SignMechanism::PssSha256})
            for (const char* stack : {kCarta, kSofthsm, kOpenssl}) {
                const auto v = r.ops(stack, mechanism, n);
                out << ' ' << (v ? json_number(*v) : std::string("NaN"));
            }
        out << '\n';
    }
    write_file(path, out.str());
}

}  // namespace carta::bench

#include "measure.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <fstream>
#include <latch>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>

namespace carta::bench {

namespace {

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.size() == 1) return sorted.front();
    const double position = p * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

Summary summarize(std::vector<double> values) {
    Summary s;
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    s.n = values.size();
    s.min = values.front();
    s.max = values.back();
    s.median = percentile(values, 0.5);
    s.p10 = percentile(values, 0.1);
    s.p90 = percentile(values, 0.9);
    s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    return s;
}

double self_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::optional<double> process_cpu_seconds(int pid) {
    if (pid <= 0) return std::nullopt;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) return std::nullopt;
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const auto close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoul(field);
        if (i == 15) stime = std::stoul(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

Throughput run_threads(int threads, double seconds, const std::function<std::unique_ptr<Worker>(int)>& make,
                       const Watched& watched) {
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < threads; ++i) workers.push_back(make(i));

    std::latch ready(threads + 1);
    std::atomic<bool> go{false}, stop{false};
    std::vector<std::uint64_t> counts(threads, 0);
    std::mutex error_mutex;
    std::exception_ptr error;
    auto record = [&](std::exception_ptr e) {
        std::lock_guard lock(error_mutex);
        if (!error) error = e;
        stop = true;
    };

    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            bool warmed = false;
            try {
                workers[i]->operation();  // warm-up, untimed
                warmed = true;
            } catch (...) {
                record(std::current_exception());
            }
            ready.arrive_and_wait();
            while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
            if (!warmed) return;
            try {
                std::uint64_t n = 0;
                while (!stop.load(std::memory_order_relaxed)) {
                    workers[i]->operation();
                    ++n;
                }
                counts[i] = n;
            } catch (...) {
                record(std::current_exception());
            }
        });
    }
    ready.arrive_and_wait();
    const double cpu_self0 = self_cpu_seconds();
    const auto cpu_pcscd0 = process_cpu_seconds(watched.pcscd), cpu_sim0 = process_cpu_seconds(watched.sim);
    const auto start = Clock::now();
    go.store(true, std::memory_order_release);
    const auto deadline = start + std::chrono::duration<double>(seconds);
    while (!stop.load() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
    for (auto& t : pool) t.join();
    const double elapsed = seconds_since(start);
    if (error) std::rethrow_exception(error);

    Throughput result;
    result.cpu_self = self_cpu_seconds() - cpu_self0;
    if (const auto now = process_cpu_seconds(watched.pcscd); now && cpu_pcscd0)
        result.cpu_pcscd = *now - *cpu_pcscd0;
    if (const auto now = process_cpu_seconds(watched.sim); now && cpu_sim0) result.cpu_sim = *now - *cpu_sim0;
    result.threads = threads;
    result.operations = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
    result.seconds = elapsed;
    return result;
}

}  // namespace carta::bench

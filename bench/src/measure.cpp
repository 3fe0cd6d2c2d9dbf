#include "measure.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <latch>
#include <mutex>
#include <numeric>
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

Throughput run_threads(int threads, double seconds, const std::function<std::unique_ptr<Worker>(int)>& make) {
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
    const auto start = Clock::now();
    go.store(true, std::memory_order_release);
    const auto deadline = start + std::chrono::duration<double>(seconds);
    while (!stop.load() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
    for (auto& t : pool) t.join();
    const double elapsed = seconds_since(start);
    if (error) std::rethrow_exception(error);

    Throughput result;
    result.threads = threads;
    result.operations = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
    result.seconds = elapsed;
    return result;
}

}  // namespace carta::bench

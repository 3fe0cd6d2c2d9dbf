// Timing, summary statistics and the threaded throughput runner.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace carta::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Summary {
    std::size_t n = 0;
    double median = 0, min = 0, max = 0, p10 = 0, p90 = 0, mean = 0;
};
// Percentiles by linear interpolation between order statistics. Empty input: all zero.
Summary summarize(std::vector<double> values);

// One thread's repeated operation, with whatever it holds (a session, a context).
class Worker {
  public:
    virtual ~Worker() = default;
    virtual void operation() = 0;
};

struct Throughput {
    int threads = 0;
    std::uint64_t operations = 0;
    double seconds = 0;
    double per_second() const { return seconds > 0 ? static_cast<double>(operations) / seconds : 0; }
};

// Makes `threads` workers (in this thread, one after another), runs one
// untimed operation in each, then lets them all loop for `seconds` of wall time
// from a common start; operations under way at the end are finished and
// counted, and the clock stops when the last thread is done. An exception in
// any worker stops the run and is rethrown here.
Throughput run_threads(int threads, double seconds, const std::function<std::unique_ptr<Worker>(int)>& make);

}  // namespace carta::bench

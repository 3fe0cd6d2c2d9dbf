// Timing, summary statistics and the threaded throughput runner.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// CPU time (user + system) of this process, all threads.
double self_cpu_seconds();
// CPU time of another process from /proc/PID/stat; nullopt if it cannot be read.
std::optional<double> process_cpu_seconds(int pid);

struct Throughput {
    int threads = 0;
    std::uint64_t operations = 0;
    double seconds = 0;
    // CPU spent while the operations ran: this process, and the card's pcscd and
    // carta-sim when they were watched (whatever else they did in that time too).
    double cpu_self = 0;
    std::optional<double> cpu_pcscd, cpu_sim;
    double per_second() const { return seconds > 0 ? static_cast<double>(operations) / seconds : 0; }
};

// Processes whose CPU time a run also records (pid 0: none).
struct Watched {
    int pcscd = 0, sim = 0;
};

// Makes `threads` workers (in this thread, one after another), runs one
// untimed operation in each, then lets them all loop for `seconds` of wall time
// from a common start; operations under way at the end are finished and
// counted, and the clock stops when the last thread is done. An exception in
// any worker stops the run and is rethrown here.
Throughput run_threads(int threads, double seconds, const std::function<std::unique_ptr<Worker>(int)>& make,
                       const Watched& watched = {});

}  // namespace carta::bench

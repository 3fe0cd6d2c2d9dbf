// "| 3.2 s" on stderr while something slow runs (key generation takes minutes
// on a real card). Only when stderr is a terminal; otherwise it does nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace carta::cli {

class Spinner {
  public:
    explicit Spinner(std::string text);
    ~Spinner();  // stops and clears the line
    Spinner(const Spinner&) = delete;
    Spinner& operator=(const Spinner&) = delete;

    void stop();
    // Seconds since the spinner started.
    double elapsed() const;

  private:
    void run();

    std::string text_;
    std::chrono::steady_clock::time_point start_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace carta::cli

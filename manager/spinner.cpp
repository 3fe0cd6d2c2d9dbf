#include "spinner.hpp"

#include <unistd.h>

#include <cstdio>

namespace carta::cli {
namespace {

void write_stderr(const std::string& text) {
    if (::write(STDERR_FILENO, text.data(), text.size()) < 0) {
        // the terminal went away; nothing to report it to
    }
}

}  // namespace

Spinner::Spinner(std::string text) : text_(std::move(text)), start_(std::chrono::steady_clock::now()) {
    if (isatty(STDERR_FILENO) == 1) thread_ = std::thread([this] { run(); });
}

Spinner::~Spinner() {
    stop();
}

double Spinner::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Spinner::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
        write_stderr("\r\033[K");
    }
}

void Spinner::run() {
    static const char kFrames[] = {'|', '/', '-', '\\'};
    std::size_t frame = 0;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f s", elapsed());
        write_stderr(std::string("\r") + kFrames[frame++ % 4] + " " + text_ + " " + seconds + "\033[K");
        wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
    }
}

}  // namespace carta::cli

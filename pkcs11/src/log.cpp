#include "log.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>

namespace carta::pkcs11::log {
namespace {

struct Sink {
    std::mutex mutex;
    std::FILE* file = nullptr;
};

// Opened on first use and kept for the life of the process (also across fork).
Sink& sink() {
    static Sink* const instance = [] {
        auto* s = new Sink;
        const char* target = std::getenv("CARTA_PKCS11_LOG");
        if (target == nullptr || *target == '\0') return s;
        if (std::string_view(target) == "stderr") {
            s->file = stderr;
        } else {
            s->file = std::fopen(target, "ae");
            if (s->file != nullptr) std::setvbuf(s->file, nullptr, _IOLBF, 0);
        }
        return s;
    }();
    return *instance;
}

}  // namespace

bool enabled() noexcept {
    try {
        return sink().file != nullptr;
    } catch (...) {
        return false;
    }
}

void line(std::string_view text) noexcept {
    try {
        Sink& s = sink();
        if (s.file == nullptr) return;
        timespec now{};
        clock_gettime(CLOCK_REALTIME, &now);
        tm local{};
        localtime_r(&now.tv_sec, &local);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%H:%M:%S", &local);
        std::lock_guard lock(s.mutex);
        std::fprintf(s.file, "%s.%03ld carta-pkcs11[%d/%lu] %.*s\n", stamp, now.tv_nsec / 1000000L,
                     static_cast<int>(getpid()), static_cast<unsigned long>(pthread_self()) % 100000UL,
                     static_cast<int>(text.size()), text.data());
        std::fflush(s.file);
    } catch (...) {
    }
}

}  // namespace carta::pkcs11::log

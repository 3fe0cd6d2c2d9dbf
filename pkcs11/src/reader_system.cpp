#include "reader_system.hpp"

#include <mutex>

namespace carta::pkcs11 {
namespace {

std::mutex g_mutex;
std::shared_ptr<ReaderSystem> g_system;  // nullptr: PC/SC

}  // namespace

void use_reader_system(std::shared_ptr<ReaderSystem> system) {
    std::lock_guard lock(g_mutex);
    g_system = std::move(system);
}

std::shared_ptr<ReaderSystem> reader_system() {
    std::lock_guard lock(g_mutex);
    return g_system ? g_system : apdu::pcsc_reader_system();
}

}  // namespace carta::pkcs11

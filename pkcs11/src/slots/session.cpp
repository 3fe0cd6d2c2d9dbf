#include "session.hpp"

#include <mutex>

namespace carta::pkcs11 {

SessionManager::SessionManager(const Locking& locking) : locking_(locking), mutex_(locking.make_mutex()) {}

std::shared_ptr<Session> SessionManager::open(CK_SLOT_ID slot, CK_FLAGS flags, std::uint64_t epoch) {
    auto mutex = locking_.make_mutex();
    std::lock_guard lock(*mutex_);
    const CK_SESSION_HANDLE handle = next_++;  // never reused while the module lives
    auto session = std::make_shared<Session>(handle, slot, flags, epoch, std::move(mutex));
    sessions_.emplace(handle, session);
    return session;
}

std::shared_ptr<Session> SessionManager::find(CK_SESSION_HANDLE handle) const {
    std::lock_guard lock(*mutex_);
    auto it = sessions_.find(handle);
    return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<Session> SessionManager::close(CK_SESSION_HANDLE handle) {
    std::lock_guard lock(*mutex_);
    auto it = sessions_.find(handle);
    if (it == sessions_.end()) return nullptr;
    auto session = std::move(it->second);
    sessions_.erase(it);
    session->mark_closed();
    return session;
}

std::vector<std::shared_ptr<Session>> SessionManager::close_all(CK_SLOT_ID slot) {
    std::vector<std::shared_ptr<Session>> closed;
    std::lock_guard lock(*mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (it->second->slot() == slot) {
            it->second->mark_closed();
            closed.push_back(std::move(it->second));
            it = sessions_.erase(it);
        } else {
            ++it;
        }
    }
    return closed;
}

std::vector<std::shared_ptr<Session>> SessionManager::close_everything() {
    std::vector<std::shared_ptr<Session>> closed;
    std::lock_guard lock(*mutex_);
    for (auto& [handle, session] : sessions_) {
        session->mark_closed();
        closed.push_back(std::move(session));
    }
    sessions_.clear();
    return closed;
}

SessionManager::Counts SessionManager::count(CK_SLOT_ID slot) const {
    Counts counts;
    std::lock_guard lock(*mutex_);
    for (const auto& [handle, session] : sessions_) {
        if (session->slot() != slot) continue;
        ++counts.all;
        if (session->read_write())
            ++counts.read_write;
        else
            ++counts.read_only;
    }
    return counts;
}

}  // namespace carta::pkcs11

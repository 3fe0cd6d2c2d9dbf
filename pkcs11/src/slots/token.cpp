#include "token.hpp"

namespace carta::pkcs11 {

void Token::set_status(const card::ProfileStatus& status) {
    status_ = status;
    status_time_ = Clock::now();
    tries_stale_ = false;
}

Login Token::login(std::uint64_t epoch) const {
    const auto word = login_word_.load();
    if (word / 4 != epoch) return Login::None;
    return static_cast<Login>(word % 4);
}

void Token::set_login(Login login, std::uint64_t epoch) {
    login_word_.store(epoch * 4 + static_cast<std::uint64_t>(login));
}

void Token::forget() {
    login_word_.store(0);
    status_.reset();
    status_time_ = Clock::time_point{};
    label_.reset();
    objects_.store(nullptr);
}

void Token::tries_restored(card::Code code) {
    if (!status_) return;
    card::CodeStatus& counter = code == card::Code::Pin ? status_->pin : status_->puk;
    counter.tries_left = counter.max_tries;
    tries_stale_ = false;
}

}  // namespace carta::pkcs11

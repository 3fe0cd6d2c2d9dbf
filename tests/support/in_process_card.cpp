#include "support/in_process_card.hpp"

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "carta/apdu/in_process_transport.hpp"
#include "carta/sim/virtual_card.hpp"

namespace carta::test {

// One reader with the virtual card. `generation` counts insertions and removals,
// so monitors and connections can tell what happened since they last looked.
class InProcessCard::System final : public apdu::ReaderSystem, public std::enable_shared_from_this<System> {
  public:
    System(const std::filesystem::path& state, sim::CardOptions options) : card_(state, std::move(options)) {}

    const std::string& reader() const { return reader_; }

    void set_present(bool present) {
        {
            std::lock_guard lock(mutex_);
            if (present_ == present) return;
            present_ = present;
            ++generation_;
            if (present) card_.power_cycle();
        }
        changed_.notify_all();
    }

    std::unique_ptr<apdu::ReaderMonitor> monitor() override {
        return std::make_unique<Monitor>(shared_from_this());
    }

    std::unique_ptr<apdu::Transport> connect(const std::string& reader) override {
        std::lock_guard lock(mutex_);
        if (reader != reader_)
            throw apdu::TransportError(apdu::TransportError::Kind::NoReader, "no reader " + reader);
        if (!present_) throw apdu::TransportError(apdu::TransportError::Kind::NoCard, "no card in " + reader);
        return std::make_unique<Connection>(shared_from_this(), generation_);
    }

  private:
    class Monitor final : public apdu::ReaderMonitor {
      public:
        explicit Monitor(std::shared_ptr<System> system) : system_(std::move(system)) {}
        std::vector<apdu::ReaderState> reader_states() override {
            std::lock_guard lock(system_->mutex_);
            seen_ = system_->generation_;
            const bool present = system_->present_;
            return {{system_->reader_, present, false, present ? system_->card_.atr() : Bytes{}}};
        }
        bool wait_for_change(std::chrono::milliseconds timeout) override {
            std::unique_lock lock(system_->mutex_);
            system_->changed_.wait_for(lock, timeout,
                                       [&] { return cancelled_ || system_->generation_ != seen_; });
            if (cancelled_) {
                cancelled_ = false;
                return false;
            }
            const bool changed = system_->generation_ != seen_;
            seen_ = system_->generation_;
            return changed;
        }
        void cancel() override {
            {
                std::lock_guard lock(system_->mutex_);
                cancelled_ = true;
            }
            system_->changed_.notify_all();
        }

      private:
        std::shared_ptr<System> system_;
        std::uint64_t seen_ = 0;
        bool cancelled_ = false;
    };

    // Works while the card it was made for is in the reader; after a removal
    // (even if the card is back) it fails as PC/SC does: card removed.
    class Connection final : public apdu::Transport {
      public:
        Connection(std::shared_ptr<System> system, std::uint64_t generation)
            : system_(std::move(system)),
              generation_(generation),
              transport_(system_->card_, system_->reader_) {}
        Bytes transmit(ByteView command) override {
            check();
            return transport_.transmit(command);
        }
        void begin_transaction() override {
            check();
            transport_.begin_transaction();
        }
        void end_transaction() override { transport_.end_transaction(); }
        void reconnect() override {
            check();
            transport_.reconnect();
        }
        Bytes atr() const override { return transport_.atr(); }
        std::string reader_name() const override { return system_->reader_; }

      private:
        void check() const {
            std::lock_guard lock(system_->mutex_);
            if (system_->generation_ != generation_)
                throw apdu::TransportError(apdu::TransportError::Kind::CardRemoved, "card removed");
        }
        std::shared_ptr<System> system_;
        std::uint64_t generation_;
        apdu::InProcessTransport transport_;
    };

    const std::string reader_ = "carta in-process 00 00";
    sim::VirtualCard card_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool present_ = true;
    std::uint64_t generation_ = 1;
};

namespace {

std::filesystem::path fresh_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "carta-p11ip.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

}  // namespace

InProcessCard::InProcessCard(const std::filesystem::path& initial_state, Latency latency)
    : dir_(fresh_directory()) {
    std::filesystem::copy_file(initial_state, state_file());
    sim::CardOptions options;
    options.latency = latency == Latency::Realistic ? sim::Latency::realistic : sim::Latency::none;
    system_ = std::make_shared<System>(state_file(), std::move(options));
}

InProcessCard::~InProcessCard() {
    system_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::shared_ptr<apdu::ReaderSystem> InProcessCard::system() const {
    return system_;
}

const std::string& InProcessCard::reader() const {
    return system_->reader();
}

void InProcessCard::pull() {
    system_->set_present(false);
}

void InProcessCard::insert() {
    system_->set_present(true);
}

}  // namespace carta::test

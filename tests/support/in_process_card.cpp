#include "support/in_process_card.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "carta/sim/virtual_card.hpp"

namespace carta::test {

// One reader with the virtual card. `generation` counts insertions and removals,
// so monitors and connections can tell what happened since they last looked.
// Connections share the card as PC/SC handles do: one at a time holds the
// transaction, and a pull ends it.
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
            // The transaction ends with the card that was in the reader.
            holder_ = nullptr;
            depth_ = 0;
            if (present) card_.power_cycle();
        }
        changed_.notify_all();
        released_.notify_all();
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
            : system_(std::move(system)), generation_(generation) {}
        ~Connection() override { system_->release(this, true); }
        Connection(const Connection&) = delete;
        Connection& operator=(const Connection&) = delete;

        Bytes transmit(ByteView command) override {
            system_->check_may_transmit(this, generation_);
            system_->record(command);
            auto response = system_->card_.process(command);
            // A card pulled during the exchange cuts it: the answer never arrives.
            system_->check_present(generation_);
            return response;
        }
        // SCardBeginTransaction: waits while another connection holds the card.
        void begin_transaction() override { system_->acquire(this, generation_); }
        void end_transaction() override { system_->release(this, false); }
        // As PcscTransport's (SCARD_LEAVE_CARD): the card keeps its state.
        void reconnect() override { system_->check_present(generation_); }
        Bytes atr() const override { return system_->card_.atr(); }
        std::string reader_name() const override { return system_->reader_; }

      private:
        std::shared_ptr<System> system_;
        std::uint64_t generation_;
    };

    void record(ByteView command) {
        std::lock_guard lock(mutex_);
        commands_.emplace_back(command.begin(), command.end());
    }

  public:
    std::vector<Bytes> take_commands() {
        std::lock_guard lock(mutex_);
        return std::exchange(commands_, {});
    }

  private:
    [[noreturn]] static void removed() {
        throw apdu::TransportError(apdu::TransportError::Kind::CardRemoved, "card removed");
    }

    void check_present(std::uint64_t generation) {
        std::lock_guard lock(mutex_);
        if (generation_ != generation) removed();
    }

    // SCardTransmit outside the transaction another handle holds is a sharing violation.
    void check_may_transmit(const Connection* who, std::uint64_t generation) {
        std::lock_guard lock(mutex_);
        if (generation_ != generation) removed();
        if (holder_ != nullptr && holder_ != who)
            throw apdu::TransportError(apdu::TransportError::Kind::Sharing,
                                       "another connection holds the card");
    }

    void acquire(const Connection* who, std::uint64_t generation) {
        std::unique_lock lock(mutex_);
        released_.wait(lock,
                       [&] { return generation_ != generation || holder_ == nullptr || holder_ == who; });
        if (generation_ != generation) removed();
        holder_ = who;
        ++depth_;
    }

    // `all`: the connection is closing, whatever it still holds ends.
    void release(const Connection* who, bool all) {
        {
            std::lock_guard lock(mutex_);
            if (holder_ != who) return;
            if (!all && --depth_ > 0) return;
            holder_ = nullptr;
            depth_ = 0;
        }
        released_.notify_all();
    }

    const std::string reader_ = "carta in-process 00 00";
    sim::VirtualCard card_;  // thread-safe: one command at a time, as a real card
    std::mutex mutex_;
    std::condition_variable changed_;
    std::condition_variable released_;
    bool present_ = true;
    std::uint64_t generation_ = 1;
    const Connection* holder_ = nullptr;  // the connection in a transaction, if any
    int depth_ = 0;
    std::vector<Bytes> commands_;  // every command APDU since take_commands()
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

std::vector<Bytes> InProcessCard::take_commands() {
    return system_->take_commands();
}

std::shared_ptr<apdu::ReaderSystem> InProcessCard::system() const {
    return system_;
}

const std::string& InProcessCard::reader() const {
    return system_->reader();
}

// A hand pulls or inserts a card in no less than this, and SimCard's pull() and
// insert() take longer still (pcscd polls the reader). The module reuses a look
// at the readers for 50 ms (pkcs11/src/slots/slot_manager.cpp), so without it a card pulled and
// put back at once could go unseen by the next call, which no real card does.
constexpr auto kHandling = std::chrono::milliseconds(100);

void InProcessCard::pull() {
    system_->set_present(false);
    std::this_thread::sleep_for(kHandling);
}

void InProcessCard::insert() {
    system_->set_present(true);
    std::this_thread::sleep_for(kHandling);
}

std::unique_ptr<apdu::Transport> InProcessCard::connect() {
    return system_->connect(system_->reader());
}

}  // namespace carta::test

#include "carta/apdu/reader_system.hpp"

namespace carta::apdu {
namespace {

class PcscMonitor final : public ReaderMonitor {
  public:
    std::vector<ReaderState> reader_states() override { return context_.reader_states(); }
    bool wait_for_change(std::chrono::milliseconds timeout) override {
        return context_.wait_for_change(timeout);
    }
    void cancel() override { context_.cancel(); }

  private:
    PcscContext context_;
};

// One PC/SC context per connection: pcsc-lite serialises the calls of one
// context, so readers with their own contexts work in parallel.
class PcscConnection final : public Transport {
  public:
    explicit PcscConnection(const std::string& reader) : transport_(context_, reader) {}
    Bytes transmit(ByteView command) override { return transport_.transmit(command); }
    void begin_transaction() override { transport_.begin_transaction(); }
    void end_transaction() override { transport_.end_transaction(); }
    void reconnect() override { transport_.reconnect(); }
    Bytes atr() const override { return transport_.atr(); }
    std::string reader_name() const override { return transport_.reader_name(); }

  private:
    PcscContext context_;
    PcscTransport transport_;
};

class PcscReaderSystem final : public ReaderSystem {
  public:
    std::unique_ptr<ReaderMonitor> monitor() override { return std::make_unique<PcscMonitor>(); }
    std::unique_ptr<Transport> connect(const std::string& reader) override {
        return std::make_unique<PcscConnection>(reader);
    }
};

}  // namespace

std::shared_ptr<ReaderSystem> pcsc_reader_system() {
    static const auto system = std::make_shared<PcscReaderSystem>();
    return system;
}

}  // namespace carta::apdu

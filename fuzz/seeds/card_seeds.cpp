// Seeds recorded from the card library talking to the simulated template card:
// the same session gives the sim fuzzer its commands, the card fuzzer its
// answers, and the APDU fuzzer single commands and responses.
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "card_script.hpp"
#include "carta/apdu/in_process_transport.hpp"
#include "carta/card/card.hpp"
#include "carta/card/openssl.hpp"
#include "seeds.hpp"
#include "sim_card.hpp"

namespace carta::fuzz::seeds {
namespace {

// Passes everything to the card and keeps what went by.
class Recorder final : public apdu::Transport {
  public:
    explicit Recorder(apdu::ApduProcessor& card) : inner_(card) {}
    Bytes transmit(ByteView command) override {
        auto response = inner_.transmit(command);
        exchanges.emplace_back(Bytes(command.begin(), command.end()), response);
        return response;
    }
    void begin_transaction() override { inner_.begin_transaction(); }
    void end_transaction() override { inner_.end_transaction(); }
    void reconnect() override { inner_.reconnect(); }
    Bytes atr() const override { return inner_.atr(); }
    std::string reader_name() const override { return inner_.reader_name(); }

    std::vector<std::pair<Bytes, Bytes>> exchanges;

  private:
    apdu::InProcessTransport inner_;
};

struct Script {
    const char* name;
    card::Profile profile;
    std::vector<std::uint8_t> operations;
};

const std::vector<Script> kScripts{
    {"status", card::Profile::Common, {kStatus, kInfo, kIsVerified}},
    {"contents", card::Profile::Common, {kContents, kContents, kFindKey}},
    {"secure-contents", card::Profile::Secure, {kStatus, kContents}},
    {"sign-pkcs1", card::Profile::Common, {kVerifyPin, kSignPkcs1}},
    {"sign-pss", card::Profile::Common, {kVerifyPin, kSignPss}},
    {"sign-ecdsa", card::Profile::Common, {kVerifyPin, kSignEcdsa}},
    {"decipher", card::Profile::Common, {kVerifyPin, kDecipherPkcs1, kDecipherOaep}},
    {"codes", card::Profile::Common, {kVerifyPuk, kSetPinWithPuk, kChangePin, kLogout, kUnblockPin}},
    {"objects",
     card::Profile::Common,
     {kVerifyPin, kGenerateEc, kRename, kDelete, kWriteCertificate, kSetLabel}},
    {"random", card::Profile::Common, {kRandom}},
    {"erase-initialise", card::Profile::Common, {kErase, kInitialise, kStatus}},
};

void record(const Corpus& corpus, const Script& script) {
    const auto sim_card = fresh_sim_card();
    Recorder recorder(*sim_card);
    card::Card card(recorder, script.profile, std::make_shared<card::ObjectCache>());
    for (const auto op : script.operations) {
        try {
            run_card_operation(card, op);
        } catch (const std::exception&) {  // a refusal is part of the recording too
        }
    }
    Bytes answers{static_cast<std::uint8_t>(script.profile == card::Profile::Secure),
                  static_cast<std::uint8_t>(script.operations.size())};
    answers.insert(answers.end(), script.operations.begin(), script.operations.end());
    Bytes commands;
    for (const auto& [command, response] : recorder.exchanges) {
        append_chunk(answers, response);
        append_chunk(commands, command);
    }
    corpus.write("card_answers", script.name, answers);
    corpus.write("sim_commands", script.name, commands);
    // The last exchange of each script, parsed alone (mode 0) and through the channel (mode 1).
    if (recorder.exchanges.empty()) return;
    const auto& [command, response] = recorder.exchanges.back();
    Bytes single{0x00};
    single.insert(single.end(), command.begin(), command.end());
    corpus.write("apdu_tlv", std::string(script.name) + "-command", single);
    Bytes answer{0x00};
    answer.insert(answer.end(), response.begin(), response.end());
    corpus.write("apdu_tlv", std::string(script.name) + "-response", answer);
    Bytes exchange{0x01, 0x00};
    append_chunk(exchange, command);
    append_chunk(exchange, response);
    corpus.write("apdu_tlv", std::string(script.name) + "-exchange", exchange);
}

Bytes file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The module's on-disk cache of the template card, as card.contents() leaves it.
void object_cache_seed(const Corpus& corpus) {
    const auto directory = sim_template_state().parent_path() / "cache";
    const auto sim_card = fresh_sim_card();
    apdu::InProcessTransport transport(*sim_card);
    card::Card card(transport, card::Profile::Common, std::make_shared<card::ObjectCache>(directory));
    const auto status = card.status();
    (void)card.contents();
    Bytes seed;
    append_u32(seed, status.change_counter);
    seed.insert(seed.end(), status.content_digest.begin(), status.content_digest.end());
    const auto file = file_bytes(directory / (status.card_number + "-common"));
    seed.insert(seed.end(), file.begin(), file.end());
    corpus.write("object_cache", "template-common", seed);
}

}  // namespace

void card_seeds(const Corpus& corpus) {
    for (const auto& script : kScripts) record(corpus, script);
    // An extended case 4 command: Lc 00 0001, Le 0100.
    corpus.write("apdu_tlv", "extended",
                 Bytes{0x00, 0x00, 0x2A, 0x9E, 0x9A, 0x00, 0x00, 0x01, 0x42, 0x01, 0x00});
    // The channel's own rules: 61xx (GET RESPONSE) and 6Cxx (re-send with Le).
    const Bytes get_challenge{0x00, 0x84, 0x00, 0x00, 0x08};
    Bytes more{0x01, 0x00};
    append_chunk(more, get_challenge);
    append_chunk(more, Bytes{0x61, 0x04});
    append_chunk(more, Bytes{0x01, 0x02, 0x03, 0x04, 0x90, 0x00});
    corpus.write("apdu_tlv", "get-response", more);
    Bytes wrong_le{0x01, 0x00};
    append_chunk(wrong_le, get_challenge);
    append_chunk(wrong_le, Bytes{0x6C, 0x02});
    append_chunk(wrong_le, Bytes{0x01, 0x02, 0x90, 0x00});
    corpus.write("apdu_tlv", "wrong-le", wrong_le);

    corpus.write("state_file", "template", file_bytes(sim_template_state()));
    object_cache_seed(corpus);
}

}  // namespace carta::fuzz::seeds

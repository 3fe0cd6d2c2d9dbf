#include "fault.hpp"

#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <sstream>

#include "carta/apdu/in_process_transport.hpp"
#include "carta/card/card.hpp"
#include "carta/card/openssl.hpp"
#include "carta/sim/virtual_card.hpp"

namespace carta::test::fault {
namespace {

namespace fs = std::filesystem;

struct FaultKind {
    Fault fault;
    const char* name;
    SimCard::Process target;
    int signal;
    void (SimCard::*recover)();
    std::vector<void (SimCard::*)()> whole;  // the fault and its recovery, each waited for
};

// SIGTERM is how systemd restarts pcscd; SIGUSR1 is carta-sim's card pull; SIGKILL
// gives carta-sim no chance to answer or save anything, like a crash.
const FaultKind kKinds[] = {
    {Fault::PcscdRestart,
     "PcscdRestart",
     SimCard::Process::Pcscd,
     SIGTERM,
     &SimCard::restart_pcscd,
     {&SimCard::restart_pcscd}},
    {Fault::CardPulled,
     "CardPulled",
     SimCard::Process::Sim,
     SIGUSR1,
     &SimCard::insert,
     {&SimCard::pull, &SimCard::insert}},
    {Fault::SimKilled,
     "SimKilled",
     SimCard::Process::Sim,
     SIGKILL,
     &SimCard::restart_sim,
     {&SimCard::kill_sim}},
};

const FaultKind& kind_of(Fault fault) {
    return *std::find_if(std::begin(kKinds), std::end(kKinds),
                         [&](const auto& k) { return k.fault == fault; });
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    return text;
}

std::string quoted(const std::string& text) {
    return "\"" + text + "\"";
}

std::string key_line(const card::KeyObject& key) {
    return "key " + to_hex(Bytes{key.key_ref}) + " " +
           std::string(card::key_algorithm_info(key.algorithm).name) + " " + quoted(key.name) + " flags " +
           to_hex(Bytes{key.flags});
}

std::string certificate_line(const card::CertificateObject& certificate) {
    return "cert " + std::to_string(certificate.index) + " " + quoted(certificate.name) + " of key " +
           to_hex(Bytes{certificate.key_ref}) + " sha256 " + short_digest(certificate.der);
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

// The one added key and the one added certificate, linked, the certificate ours.
bool key_and_certificate(const std::vector<std::string>& lines, const Expected& expected) {
    if (lines.size() != 2) return false;
    const auto key =
        std::find_if(lines.begin(), lines.end(), [](const auto& l) { return starts_with(l, "key "); });
    const auto cert =
        std::find_if(lines.begin(), lines.end(), [](const auto& l) { return starts_with(l, "cert "); });
    if (key == lines.end() || cert == lines.end()) return false;
    const std::string key_ref = key->substr(4, 2);
    return cert->find(" of key " + key_ref + " sha256 " + expected.certificate_digest) != std::string::npos;
}

bool is_new(const CardView& before, const CardView& after, const Expected& expected) {
    if (!removed(before, after).empty()) return false;
    const auto lines = added(before, after);
    const bool same_pin = after.pin == before.pin;
    switch (expected.change) {
        case Change::None:
            return false;
        case Change::KeyGenerated:
            return same_pin && lines.size() == 1 && starts_with(lines[0], "key ") &&
                   lines[0].find(quoted(kNewKeyLabel)) != std::string::npos;
        case Change::CertificateStored:
            return same_pin && lines.size() == 1 && starts_with(lines[0], "cert ") &&
                   lines[0].find("sha256 " + expected.certificate_digest) != std::string::npos;
        case Change::KeyAndCertificate:
            return same_pin && key_and_certificate(lines, expected);
        case Change::PinChanged:
            return lines.empty() && after.pin == expected.new_pin;
    }
    return false;
}

}  // namespace

std::string fault_name(Fault fault) {
    return kind_of(fault).name;
}

void strike(const SimCard& card, Fault fault) {
    card.send_signal(kind_of(fault).target, kind_of(fault).signal);
}

void recover(SimCard& card, Fault fault) {
    (card.*kind_of(fault).recover)();
}

void strike_and_recover(SimCard& card, Fault fault) {
    for (const auto step : kind_of(fault).whole) (card.*step)();
}

// ---- OnCommand -------------------------------------------------------------------

OnCommand::OnCommand(fs::path trace, std::string header, std::function<void()> action)
    : trace_(std::move(trace)), header_(upper(std::move(header))), action_(std::move(action)) {
    std::error_code ec;
    const auto size = fs::file_size(trace_, ec);
    // Only what the client sends from now on counts.
    thread_ = std::thread([this, offset = ec ? 0 : size] { watch(offset); });
}

OnCommand::~OnCommand() {
    stop_ = true;
    thread_.join();
}

std::string OnCommand::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

std::string OnCommand::trace_tail() const {
    std::ifstream in(trace_, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line.substr(0, 60));
    std::string tail;
    for (auto i = lines.size() > 12 ? lines.size() - 12 : 0; i < lines.size(); ++i) tail += "\n  " + lines[i];
    return tail;
}

// "> 10 DB 3F FF FF ...": a command, its header first.
bool OnCommand::matches(const std::string& line) const {
    if (!starts_with(line, "> ") || line.size() < 2 + header_.size()) return false;
    const std::string header = upper(line.substr(2, header_.size()));
    return std::equal(header_.begin(), header_.end(), header.begin(),
                      [](char want, char got) { return want == 'X' || want == got; });
}

void OnCommand::watch(std::uintmax_t offset) {
    std::string pending;
    while (!stop_.load()) {
        std::ifstream in(trace_, std::ios::binary);
        if (in && in.seekg(static_cast<std::streamoff>(offset))) {
            const std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            offset += chunk.size();
            pending += chunk;
            for (auto eol = pending.find('\n'); eol != std::string::npos; eol = pending.find('\n')) {
                const std::string line = pending.substr(0, eol);
                pending.erase(0, eol + 1);
                if (!matches(line)) continue;
                // Before the action: the client may see the fault (and its test ask
                // fired()) before this thread runs again.
                fired_ = true;
                try {
                    action_();
                } catch (const std::exception& e) {
                    std::lock_guard lock(mutex_);
                    error_ = e.what();
                }
                return;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

// ---- the ready card's PKI ----------------------------------------------------------

namespace {

std::string file_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ossl::Certificate certificate_from_pem(const fs::path& path) {
    const std::string pem = file_text(path);
    ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return ossl::Certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

pkcs11::test::TestCa ready_card_ca(const fs::path& cards_dir) {
    const std::string pem = file_text(cards_dir / "ca-key.pem");
    ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return {ossl::PKey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)),
            certificate_from_pem(cards_dir / "ca.pem")};
}

Bytes ready_card_rsa_spki(const fs::path& cards_dir) {
    return ossl::certificate_spki(certificate_from_pem(cards_dir / "rsa-cert.pem").get());
}

// ---- CardView --------------------------------------------------------------------

CardView read_card(const SimCard& card, const std::vector<std::string>& candidate_pins) {
    // The state file is replaced atomically (rename), so a copy is always one whole state.
    const fs::path copy = card.dir() / "card-view.state";
    fs::copy_file(card.state_file(), copy, fs::copy_options::overwrite_existing);
    CardView view;
    {
        sim::VirtualCard virtual_card(copy);
        apdu::InProcessTransport transport(virtual_card);
        card::Card common(transport, card::Profile::Common);
        const auto contents = common.contents();
        for (const auto& key : contents.keys) view.objects.insert(key_line(key));
        for (const auto& certificate : contents.certificates)
            view.objects.insert(certificate_line(certificate));
        for (const auto& pin : candidate_pins) {
            try {
                common.verify(card::Code::Pin, SecretBytes(std::string_view(pin)));
                view.pin = pin;
                break;
            } catch (const card::CardError&) {
                // not this one
            }
        }
    }
    fs::remove(copy);
    return view;
}

std::vector<std::string> added(const CardView& before, const CardView& after) {
    std::vector<std::string> lines;
    std::set_difference(after.objects.begin(), after.objects.end(), before.objects.begin(),
                        before.objects.end(), std::back_inserter(lines));
    return lines;
}

std::vector<std::string> removed(const CardView& before, const CardView& after) {
    return added(after, before);
}

std::string short_digest(ByteView der) {
    return to_hex(ByteView(ossl::digest(card::HashAlgorithm::Sha256, der)).first(4), 0);
}

Outcome judge(const CardView& before, const CardView& after, const Expected& expected) {
    if (after == before) return Outcome::Old;
    return is_new(before, after, expected) ? Outcome::New : Outcome::InBetween;
}

std::string outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::Old:
            return "old";
        case Outcome::New:
            return "new";
        case Outcome::InBetween:
            return "in between";
    }
    return "?";
}

std::string difference(const CardView& before, const CardView& after) {
    std::ostringstream out;
    for (const auto& line : added(before, after)) out << " +[" << line << "]";
    for (const auto& line : removed(before, after)) out << " -[" << line << "]";
    if (before.pin != after.pin) out << " PIN " << quoted(before.pin) << " -> " << quoted(after.pin);
    const std::string text = out.str();
    return text.empty() ? "no change" : text.substr(1);
}

}  // namespace carta::test::fault

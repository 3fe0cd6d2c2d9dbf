// Card: selection, status and the public objects (docs/card-protocol.md §4, §6, §8).
#include "carta/card/card.hpp"

#include <algorithm>

#include "card_files.hpp"
#include "carta/apdu/tlv.hpp"
#include "carta/card/key_encoding.hpp"
#include "carta/card/text.hpp"
#include "protocol.hpp"

namespace carta::card {

using apdu::CommandApdu;
using protocol::kPage;
namespace commands = protocol::commands;
namespace tag = protocol::tag;

namespace {

Bytes fid_bytes(std::uint16_t fid) {
    return {static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)};
}

CommandApdu select_file_command(std::uint16_t fid) {
    return commands::kSelectFile.apdu(fid_bytes(fid));
}

CommandApdu read_binary_command(std::size_t offset, std::size_t length) {
    return commands::kReadBinary.with_p1p2(static_cast<std::uint16_t>(offset)).apdu({}, length);
}

// One label rule (text.hpp) for every name the library writes, whoever asked for it.
void check_name(std::string_view name, std::size_t max_bytes = kMaxNameLength) {
    if (auto problem = label_problem(name, max_bytes)) throw CardError(ErrorKind::InvalidData, *problem);
}

std::uint8_t free_key_ref(const ProfileContents& contents, bool rsa) {
    const auto range = key_refs(rsa);
    for (std::uint8_t ref = range.first; ref <= range.last; ++ref) {
        const bool taken = std::any_of(contents.keys.begin(), contents.keys.end(),
                                       [&](const KeyObject& k) { return k.key_ref == ref; });
        if (!taken) return ref;
    }
    throw CardError(ErrorKind::NoSpace,
                    std::string("no free ") + (rsa ? "RSA" : "EC") + " key slot on the card");
}

std::uint8_t free_certificate_index(const ProfileContents& contents) {
    for (std::uint8_t index = kFirstCertificateIndex; index <= kLastCertificateIndex; ++index) {
        const bool taken = std::any_of(contents.certificates.begin(), contents.certificates.end(),
                                       [&](const CertificateObject& c) { return c.index == index; });
        if (!taken) return index;
    }
    throw CardError(ErrorKind::NoSpace, "no free certificate slot on the card");
}

}  // namespace

Card::Card(apdu::Transport& transport, Profile profile, std::shared_ptr<ObjectCache> cache)
    : transport_(transport), channel_(transport), profile_(profile), cache_(std::move(cache)) {}

apdu::TransactionGuard Card::begin_transaction() {
    try {
        return apdu::TransactionGuard(transport_);
    } catch (const apdu::TransportError& e) {
        throw CardError::from(e);
    }
}

apdu::ResponseApdu Card::send(const CommandApdu& command) {
    apdu::KnownCardState* known = apdu::TransactionGuard::known_state(transport_);
    try {
        auto response = channel_.transmit(command);
        if (known != nullptr) known->after(command, response);
        return response;
    } catch (const apdu::TransportError& e) {
        if (known != nullptr) known->forget();
        throw CardError::from(e);
    } catch (const apdu::ApduError& e) {
        if (known != nullptr) known->forget();
        // A card pulled mid-answer leaves a response without its status word.
        throw CardError(ErrorKind::AnswerLost, std::string("malformed card answer: ") + e.what());
    }
}

Bytes Card::send_ok(const CommandApdu& command, std::string_view operation, std::optional<Code> code) {
    auto response = send(command);
    if (!response.ok()) throw_for_status(response.status, operation, code);
    return std::move(response.data);
}

// Inside one transaction nobody else reaches the card, so a SELECT this host made there still
// holds, and so does its answer until a command of ours may have changed it (transport.hpp).
const apdu::KnownCardState* Card::known_selected() const {
    const apdu::KnownCardState* known = apdu::TransactionGuard::known_state(transport_);
    const auto aid = profile_aid(profile_);
    if (known == nullptr ||
        !std::equal(known->application.begin(), known->application.end(), aid.begin(), aid.end()))
        return nullptr;
    return known;
}

ProfileStatus Card::select(Answer answer) {
    const auto aid = profile_aid(profile_);
    const apdu::KnownCardState* known = known_selected();
    const bool usable = known != nullptr && known->selection_answer &&
                        (answer == Answer::Identity || !known->answer_tries_changed);
    const auto fci =
        usable
            ? *known->selection_answer
            : send_ok(commands::kSelectApplication.apdu(Bytes(aid.begin(), aid.end()), protocol::kFullAnswer),
                      std::string("select the ") + std::string(profile_name(profile_)) + " profile");
    auto status = files::parse_fci(profile_, fci);
    selected_card_number_ = status.card_number;
    return status;
}

void Card::enter() {
    if (known_selected() == nullptr) select();
}

void Card::set_environment(const CommandApdu& command, std::string_view operation) {
    if (const apdu::KnownCardState* known = known_selected();
        known != nullptr && known->has_environment(command))
        return;
    send_ok(command, operation);
}

void Card::send_change(const CommandApdu& command, std::string_view operation, std::optional<Code> code) {
    send_ok(command, operation, code);
    if (cache_) cache_->forget(selected_card_number_, profile_);
}

void Card::change_profile(const CommandApdu& command, std::string_view operation, std::optional<Code> code) {
    const auto transaction = begin_transaction();
    select();
    send_change(command, operation, code);
}

ProfileStatus Card::status() {
    const auto transaction = begin_transaction();
    return select();
}

Bytes Card::read_file(std::uint16_t fid) {
    send_ok(select_file_command(fid), "select file " + to_hex(fid_bytes(fid), 0));
    Bytes file = send_ok(read_binary_command(0, kPage), "read file");
    // Object files say their size in the header; other files fit one page.
    std::size_t size = file.size();
    if (!protocol::fid::is_system_file(fid) && file.size() >= files::kObjectHeaderSize)
        size = files::object_file_size(file);
    while (file.size() < size) {
        const auto page =
            send_ok(read_binary_command(file.size(), std::min(kPage, size - file.size())), "read file");
        if (page.empty()) throw CardError(ErrorKind::InvalidData, "malformed card data: file ends early");
        file.insert(file.end(), page.begin(), page.end());
    }
    file.resize(size);
    return file;
}

CardInfo Card::info() {
    const auto transaction = begin_transaction();
    select();
    return files::parse_card_info(read_file(protocol::fid::kCardInfo));
}

Bytes Card::directory(const ProfileStatus& status) {
    if (directory_ && directory_->card_number == status.card_number &&
        directory_->change_counter == status.change_counter &&
        directory_->content_digest == status.content_digest)
        return directory_->file;
    auto file = read_file(protocol::fid::kDirectory);
    directory_ = ReadDirectory{status.card_number, status.change_counter, status.content_digest, file};
    return file;
}

ProfileContents Card::read_contents(const ProfileStatus& status, Need need,
                                    const std::vector<CertificateObject>* known_certificates) {
    const auto directory_file = directory(status);
    const auto directory = files::parse_directory(directory_file);
    ProfileContents contents;
    contents.label = directory.label;
    contents.keys_listed = need == Need::Everything;
    if (known_certificates != nullptr) contents.certificates = *known_certificates;
    for (const auto& entry : directory.entries) {
        const bool certificate = entry.type == files::DirectoryEntry::Type::Certificate;
        if (certificate ? known_certificates != nullptr : !contents.keys_listed) continue;
        const auto file = read_file(entry.fid());
        const auto object = files::parse_object_file(file);  // views into `file`
        if (certificate) {
            CertificateObject cert;
            cert.index = entry.index;
            cert.name = object.name;
            cert.is_ca = object.flags & certificate_flags::kCa;
            cert.key_ref = object.link;
            cert.der.assign(object.content.begin(), object.content.end());
            contents.certificates.push_back(std::move(cert));
        } else {
            const bool rsa = entry.type == files::DirectoryEntry::Type::RsaKey;
            contents.keys.push_back(files::make_key_object(
                entry.key_ref(), files::key_algorithm_for(rsa, object.algorithm_code), object.name,
                object.flags, Bytes(object.content.begin(), object.content.end())));
        }
    }
    return contents;
}

ProfileContents Card::contents(Need need) {
    // The cache's key is the identity; the try counters do not matter here.
    return status_and_contents(need, Answer::Identity).contents;
}

Card::StatusAndContents Card::status_and_contents(Need need, Answer answer) {
    const auto transaction = begin_transaction();
    auto status = select(answer);
    auto contents = contents_of(status, need);
    return {std::move(status), std::move(contents)};
}

ProfileContents Card::contents_of(const ProfileStatus& status, Need need) {
    auto cached = cache_ ? cache_->get(status) : std::nullopt;
    if (cached && !cached->certificates_listed) cached.reset();  // the label alone
    if (cached && (cached->keys_listed || need == Need::Certificates)) return std::move(*cached);
    auto contents = read_contents(status, need, cached ? &cached->certificates : nullptr);
    if (cache_) cache_->put(status, contents);
    return contents;
}

ProfileSummary Card::summary() {
    const auto transaction = begin_transaction();
    ProfileSummary summary{select(), {}, std::nullopt};
    if (auto cached = cache_ ? cache_->get(summary.status) : std::nullopt) {
        summary.label = cached->label;
        if (cached->certificates_listed) summary.contents = std::move(cached);
        return summary;
    }
    summary.label = files::parse_directory(directory(summary.status)).label;
    // The label alone is cached too: a new process describing the token (a token list, a
    // device manager) then needs only the SELECT.
    if (cache_) {
        ProfileContents label_only;
        label_only.label = summary.label;
        label_only.keys_listed = false;
        label_only.certificates_listed = false;
        cache_->put(summary.status, label_only);
    }
    return summary;
}

std::optional<KeyObject> Card::find_key(std::uint8_t key_ref) {
    for (auto& key : contents().keys)
        if (key.key_ref == key_ref) return std::move(key);
    return std::nullopt;
}

KeyObject Card::generate_key(KeyAlgorithm algorithm, std::string_view name, std::uint8_t usage_flags) {
    check_name(name);
    const auto& info = key_algorithm_info(algorithm);
    const auto transaction = begin_transaction();
    const auto key_ref = free_key_ref(contents(), info.is_rsa);
    tlv::TlvWriter data;
    data.add_byte(tag::kAlgorithm, info.code);
    if (!name.empty()) data.add(tag::kName, as_bytes(name));
    if (usage_flags != 0) data.add_byte(tag::kUsageFlags, usage_flags);
    // The answer is the public key; the key's file (read back below) holds it too, with the name and flags
    // as the card recorded them, so one code path builds every KeyObject.
    send_change(commands::kGenerateKeyPair.with_p2(key_ref).apdu(data.finish(), protocol::kFullAnswer),
                "generate key");
    if (auto key = find_key(key_ref)) return *key;
    throw CardError(ErrorKind::InvalidData, "the generated key is missing from the card's directory");
}

KeyObject Card::import_key(ByteView pkcs8_der, std::string_view name, std::uint8_t usage_flags) {
    check_name(name);
    // The key's family picks its key references; the card checks the rest of the key.
    // (A traditional PKCS#1 / SEC1 encoding is converted by ossl::pkcs8_private_key first.)
    const auto rsa = pkcs8_key_is_rsa(pkcs8_der);
    if (!rsa) throw CardError(ErrorKind::InvalidData, "not an RSA or EC private key (PKCS#8 DER)");
    const auto transaction = begin_transaction();
    const auto key_ref = free_key_ref(contents(), *rsa);
    tlv::TlvWriter writer;
    writer.add(tag::kFileReference, fid_bytes(key_fid(key_ref)));
    writer.add(tag::kPrivateKey, pkcs8_der);
    if (!name.empty()) writer.add(tag::kName, as_bytes(name));
    if (usage_flags != 0) writer.add_byte(tag::kUsageFlags, usage_flags);
    auto command = commands::kImportKey.apdu(writer.finish());
    struct Wipe {
        Bytes& data;
        ~Wipe() { secure_wipe(data.data(), data.size()); }
    } wipe{command.data};
    send_change(command, "import key");
    if (auto key = find_key(key_ref)) return *key;
    throw CardError(ErrorKind::InvalidData, "the imported key is missing from the card's directory");
}

CertificateObject Card::write_certificate(ByteView der, std::string_view name, bool is_ca,
                                          std::optional<std::uint8_t> index) {
    check_name(name);
    const auto transaction = begin_transaction();
    // contents() SELECTs the profile; a given index needs the SELECT alone.
    if (index) select();
    const auto slot = index ? *index : free_certificate_index(contents());
    if (slot < kFirstCertificateIndex || slot > kLastCertificateIndex)
        throw CardError(ErrorKind::InvalidData, "certificate index must be " +
                                                    std::to_string(kFirstCertificateIndex) + " to " +
                                                    std::to_string(kLastCertificateIndex));
    tlv::TlvWriter writer;
    writer.add(tag::kFileReference, fid_bytes(certificate_fid(slot)));
    writer.add(tag::kCertificate, der);
    writer.add(tag::kName, as_bytes(name));
    writer.add_byte(tag::kCaFlag, is_ca ? certificate_flags::kCa : 0x00);
    send_change(commands::kPutObject.apdu(writer.finish()), "write certificate");
    for (auto& cert : contents().certificates)
        if (cert.index == slot) return std::move(cert);
    throw CardError(ErrorKind::InvalidData, "the written certificate is missing from the card's directory");
}

void Card::rename(std::uint16_t fid, std::string_view name) {
    check_name(name);
    tlv::TlvWriter writer;
    writer.add(tag::kFileReference, fid_bytes(fid));
    writer.add(tag::kName, as_bytes(name));
    change_profile(commands::kPutObject.apdu(writer.finish()), "rename object");
}

void Card::delete_object(std::uint16_t fid) {
    change_profile(commands::kDeleteFile.apdu(fid_bytes(fid)), "delete object");
}

void Card::set_label(std::string_view label) {
    check_name(label, kMaxLabelLength);
    tlv::TlvWriter writer;
    writer.add(tag::kFileReference, fid_bytes(protocol::fid::kDirectory));
    writer.add(tag::kLabel, as_bytes(label));
    change_profile(commands::kPutObject.apdu(writer.finish()), "set label");
}

}  // namespace carta::card

// Card: selection, status and the public objects (docs/card-protocol.md §4, §6, §8).
#include "carta/card/card.hpp"

#include <openssl/x509.h>

#include <algorithm>

#include "card_files.hpp"
#include "carta/apdu/tlv.hpp"
#include "carta/card/openssl.hpp"
#include "carta/card/text.hpp"

namespace carta::card {

using apdu::CommandApdu;

namespace {

constexpr std::size_t kPage = 256;

CommandApdu select_file_command(std::uint16_t fid) {
    return CommandApdu{
        0x00,        0xA4, 0x02, 0x0C, {static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)},
        std::nullopt};
}

CommandApdu read_binary_command(std::size_t offset, std::size_t length) {
    return CommandApdu{0x00, 0xB0,  static_cast<std::uint8_t>(offset >> 8), static_cast<std::uint8_t>(offset),
                       {},   length};
}

CommandApdu put_data_command(std::uint16_t p1p2, Bytes data) {
    return CommandApdu{0x00,
                       0xDB,
                       static_cast<std::uint8_t>(p1p2 >> 8),
                       static_cast<std::uint8_t>(p1p2),
                       std::move(data),
                       std::nullopt};
}

Bytes fid_bytes(std::uint16_t fid) {
    return {static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)};
}

// One label rule (text.hpp) for every name the library writes, whoever asked for it.
void check_name(std::string_view name, std::size_t max_bytes = kMaxNameLength) {
    if (auto problem = label_problem(name, max_bytes)) throw CardError(ErrorKind::InvalidData, *problem);
}

std::uint8_t free_key_ref(const ProfileContents& contents, bool rsa) {
    const std::uint8_t first = rsa ? files::kFirstRsaKeyRef : files::kFirstEcKeyRef;
    const std::uint8_t last = rsa ? files::kLastRsaKeyRef : files::kLastEcKeyRef;
    for (std::uint8_t ref = first; ref <= last; ++ref) {
        const bool taken = std::any_of(contents.keys.begin(), contents.keys.end(),
                                       [&](const KeyObject& k) { return k.key_ref == ref; });
        if (!taken) return ref;
    }
    throw CardError(ErrorKind::NoSpace,
                    std::string("no free ") + (rsa ? "RSA" : "EC") + " key slot on the card");
}

std::uint8_t free_certificate_index(const ProfileContents& contents) {
    for (std::uint8_t index = files::kFirstCertificate; index <= files::kLastCertificate; ++index) {
        const bool taken = std::any_of(contents.certificates.begin(), contents.certificates.end(),
                                       [&](const CertificateObject& c) { return c.index == index; });
        if (!taken) return index;
    }
    throw CardError(ErrorKind::NoSpace, "no free certificate slot on the card");
}

// What binds a cache entry to the card that answered it (object_cache.hpp): SHA-256
// over the object directory and the first page of every object file. The first page
// holds each object's header and the start of its content (a key's modulus or point,
// a certificate's serial number and issuer), so two cards that agree on number, change
// counter and directory layout still differ here unless their objects are the same.
class Fingerprint {
  public:
    explicit Fingerprint(ByteView directory) { add(directory); }
    // Length-prefixed, so that no two sequences of pages hash alike.
    void add(ByteView part) {
        const auto size = part.size();
        data_.insert(data_.end(), {static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)});
        data_.insert(data_.end(), part.begin(), part.end());
    }
    Bytes finish() const { return ossl::digest(HashAlgorithm::Sha256, data_); }

  private:
    Bytes data_;
};

SecretBytes private_key_info(EVP_PKEY* key) {
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, ossl::Deleter<PKCS8_PRIV_KEY_INFO_free>> info(EVP_PKEY2PKCS8(key));
    unsigned char* der = nullptr;
    const int length = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
    if (length <= 0) throw CardError(ErrorKind::InvalidData, "the private key cannot be encoded as PKCS#8");
    SecretBytes out(ByteView(der, static_cast<std::size_t>(length)));
    OPENSSL_clear_free(der, static_cast<std::size_t>(length));
    return out;
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
    try {
        return channel_.transmit(command);
    } catch (const apdu::TransportError& e) {
        throw CardError::from(e);
    } catch (const apdu::ApduError& e) {
        throw CardError(ErrorKind::InvalidData, std::string("malformed card answer: ") + e.what());
    }
}

Bytes Card::send_ok(const CommandApdu& command, std::string_view operation, std::optional<Code> code) {
    auto response = send(command);
    if (!response.ok()) throw_for_status(response.status, operation, code);
    return std::move(response.data);
}

ProfileStatus Card::select() {
    const auto aid = profile_aid(profile_);
    const auto fci = send_ok(CommandApdu{0x00, 0xA4, 0x04, 0x00, Bytes(aid.begin(), aid.end()), 256},
                             std::string("select the ") + std::string(profile_name(profile_)) + " profile");
    return files::parse_fci(profile_, fci);
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
    if ((fid >> 12) != 0x5 && file.size() >= files::kObjectHeaderSize) size = files::object_file_size(file);
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
    return files::parse_card_info(read_file(files::kCardInfoFid));
}

Card::ReadContents Card::read_contents() {
    const auto directory_file = read_file(files::kDirectoryFid);
    const auto directory = files::parse_directory(directory_file);
    Fingerprint fingerprint(directory_file);
    ProfileContents contents;
    contents.label = directory.label;
    for (const auto& entry : directory.entries) {
        const auto file = read_file(entry.fid());
        fingerprint.add(ByteView(file).first(std::min(kPage, file.size())));
        const auto object = files::parse_object_file(file);
        if (entry.type == files::DirectoryEntry::Type::Certificate) {
            CertificateObject cert;
            cert.index = entry.index;
            cert.name = object.name;
            cert.is_ca = object.flags & 0x01;
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
    return {std::move(contents), fingerprint.finish()};
}

Bytes Card::fingerprint() {
    const auto directory_file = read_file(files::kDirectoryFid);
    Fingerprint fingerprint(directory_file);
    for (const auto& entry : files::parse_directory(directory_file).entries) {
        send_ok(select_file_command(entry.fid()), "select file " + to_hex(fid_bytes(entry.fid()), 0));
        fingerprint.add(send_ok(read_binary_command(0, kPage), "read file"));
    }
    return fingerprint.finish();
}

ProfileContents Card::contents() {
    const auto transaction = begin_transaction();
    const auto status = select();
    if (cache_) {
        if (auto cached = cache_->get(status.card_number, profile_, status.change_counter)) {
            Proven claim{status.card_number, status.change_counter, std::move(cached->fingerprint)};
            if (proven_ == claim || fingerprint() == claim.fingerprint) {
                proven_ = std::move(claim);
                return std::move(cached->contents);
            }
        }
    }
    auto read = read_contents();
    if (cache_)
        cache_->put(status.card_number, profile_, status.change_counter, read.contents, read.fingerprint);
    proven_ = Proven{status.card_number, status.change_counter, std::move(read.fingerprint)};
    return std::move(read.contents);
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
    data.add_byte(0x80, info.code);
    if (!name.empty()) data.add(0x81, as_bytes(name));
    if (usage_flags != 0) data.add_byte(0x82, usage_flags);
    // The answer is the public key; the key's file (read back below) holds it too, with the name and flags
    // as the card recorded them, so one code path builds every KeyObject.
    send_ok(CommandApdu{0x00, 0x47, 0x00, key_ref, data.finish(), 256}, "generate key");
    if (cache_) cache_->forget(select().card_number, profile_);
    if (auto key = find_key(key_ref)) return *key;
    throw CardError(ErrorKind::InvalidData, "the generated key is missing from the card's directory");
}

KeyObject Card::import_key(ByteView pkcs8_der, std::string_view name, std::uint8_t usage_flags) {
    check_name(name);
    const unsigned char* p = pkcs8_der.data();
    ossl::PKey pkey(
        d2i_AutoPrivateKey_ex(nullptr, &p, static_cast<long>(pkcs8_der.size()), ossl::context(), nullptr));
    if (!pkey) throw CardError(ErrorKind::InvalidData, "not a private key (PKCS#8 DER)");
    const bool rsa = EVP_PKEY_is_a(pkey.get(), "RSA");
    // The card takes PKCS#8 only; a traditional (PKCS#1 / SEC1) encoding is converted here.
    const SecretBytes pkcs8 = private_key_info(pkey.get());
    const auto transaction = begin_transaction();
    const auto key_ref = free_key_ref(contents(), rsa);
    tlv::TlvWriter writer;
    writer.add(0x5C, fid_bytes(static_cast<std::uint16_t>(0x1000 + key_ref)));
    writer.add(0xC1, pkcs8.view());
    if (!name.empty()) writer.add(0x81, as_bytes(name));
    if (usage_flags != 0) writer.add_byte(0x82, usage_flags);
    auto command = put_data_command(0x3FFE, writer.finish());
    struct Wipe {
        Bytes& data;
        ~Wipe() { secure_wipe(data.data(), data.size()); }
    } wipe{command.data};
    send_ok(command, "import key");
    if (cache_) cache_->forget(select().card_number, profile_);
    if (auto key = find_key(key_ref)) return *key;
    throw CardError(ErrorKind::InvalidData, "the imported key is missing from the card's directory");
}

CertificateObject Card::write_certificate(ByteView der, std::string_view name, bool is_ca,
                                          std::optional<std::uint8_t> index) {
    check_name(name);
    const auto transaction = begin_transaction();
    const auto slot = index.value_or(free_certificate_index(contents()));
    if (slot < files::kFirstCertificate || slot > files::kLastCertificate)
        throw CardError(ErrorKind::InvalidData, "certificate index must be 1 to 15");
    tlv::TlvWriter writer;
    writer.add(0x5C, fid_bytes(static_cast<std::uint16_t>(0x2000 + slot)));
    writer.add(0x53, der);
    writer.add(0x81, as_bytes(name));
    writer.add_byte(0x82, is_ca ? 0x01 : 0x00);
    send_ok(put_data_command(0x3FFF, writer.finish()), "write certificate");
    if (cache_) cache_->forget(select().card_number, profile_);
    for (auto& cert : contents().certificates)
        if (cert.index == slot) return std::move(cert);
    throw CardError(ErrorKind::InvalidData, "the written certificate is missing from the card's directory");
}

void Card::rename(std::uint16_t fid, std::string_view name) {
    check_name(name);
    tlv::TlvWriter writer;
    writer.add(0x5C, fid_bytes(fid));
    writer.add(0x81, as_bytes(name));
    const auto transaction = begin_transaction();
    const auto status = select();
    send_ok(put_data_command(0x3FFF, writer.finish()), "rename object");
    if (cache_) cache_->forget(status.card_number, profile_);
}

void Card::delete_object(std::uint16_t fid) {
    const auto transaction = begin_transaction();
    const auto status = select();
    send_ok(CommandApdu{0x00, 0xE4, 0x02, 0x00, fid_bytes(fid), std::nullopt}, "delete object");
    if (cache_) cache_->forget(status.card_number, profile_);
}

void Card::set_label(std::string_view label) {
    check_name(label, kMaxLabelLength);
    tlv::TlvWriter writer;
    writer.add(0x5C, fid_bytes(files::kDirectoryFid));
    writer.add(0x50, as_bytes(label));
    const auto transaction = begin_transaction();
    const auto status = select();
    send_ok(put_data_command(0x3FFF, writer.finish()), "set label");
    if (cache_) cache_->forget(status.card_number, profile_);
}

}  // namespace carta::card

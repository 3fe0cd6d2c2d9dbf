// Card: PIN and PUK handling and the profile's life cycle (docs/card-protocol.md §3).
#include "carta/apdu/tlv.hpp"
#include "carta/card/card.hpp"
#include "carta/card/text.hpp"
#include "protocol.hpp"

namespace carta::card {

namespace commands = protocol::commands;

namespace {

std::uint8_t reference_of(Code code) {
    return code == Code::Pin ? protocol::kPinReference : protocol::kPukReference;
}

// The format rule (text.hpp) before any APDU: a code that cannot be right spends no try.
void check_code(Code code, const SecretBytes& value) {
    if (auto problem = code_problem(code, value.view()))
        throw CardError(ErrorKind::CodeLength, problem->message);
}

void check_profile_label(std::string_view label) {
    if (auto problem = label_problem(label, kMaxLabelLength))
        throw CardError(ErrorKind::InvalidData, *problem);
}

// A command whose data holds codes: the data is wiped however the call ends.
struct SecretCommand {
    apdu::CommandApdu apdu;
    explicit SecretCommand(const protocol::Command& command) : apdu(command.apdu()) {}
    SecretCommand(const SecretCommand&) = delete;
    SecretCommand& operator=(const SecretCommand&) = delete;
    ~SecretCommand() { secure_wipe(apdu.data.data(), apdu.data.size()); }

    // The code padded with 00 to `size` bytes (docs §3, "PIN block").
    void append_block(const SecretBytes& value, std::size_t size) {
        apdu.data.reserve(2 * protocol::kCodeBlock + 2);  // no reallocation: the old buffer would keep a copy
        apdu.data.insert(apdu.data.end(), value.data(), value.data() + value.size());
        apdu.data.insert(apdu.data.end(), size - value.size(), 0x00);
    }
    void append_tlv(std::uint32_t tag, const SecretBytes& value) {
        apdu.data.reserve(3 * (kCodeMaxLength + 2) + 40);
        tlv::append_tag(apdu.data, tag);
        tlv::append_length(apdu.data, value.size());
        apdu.data.insert(apdu.data.end(), value.data(), value.data() + value.size());
    }
};

}  // namespace

void Card::verify(Code code, const SecretBytes& value) {
    check_code(code, value);
    SecretCommand command(commands::kVerify.with_p2(reference_of(code)));
    command.append_block(
        value, value.size() <= protocol::kShortCodeBlock ? protocol::kShortCodeBlock : protocol::kCodeBlock);
    const auto transaction = begin_transaction();
    enter();
    send_ok(command.apdu, "verify " + std::string(code_name(code)), code);
}

bool Card::is_verified(Code code) {
    const auto transaction = begin_transaction();
    enter();
    // VERIFY without data asks for the status; it carries no code.
    const auto response = send(commands::kVerify.with_p2(reference_of(code)).apdu());
    if (response.ok()) return true;
    if (response.status.is_tries_left() || response.status == apdu::sw::kAuthenticationMethodBlocked ||
        response.status == apdu::sw::kReferenceNotFound)
        return false;
    throw_for_status(response.status, "query " + std::string(code_name(code)) + " status", code);
}

void Card::logout(Code code) {
    const auto transaction = begin_transaction();
    enter();
    send_ok(commands::kLogout.with_p2(reference_of(code)).apdu(), "log out");
}

void Card::change(Code code, const SecretBytes& old_value, const SecretBytes& new_value) {
    check_code(code, old_value);
    check_code(code, new_value);
    SecretCommand command(commands::kChangeReferenceData.with_p2(reference_of(code)));
    command.append_block(old_value, protocol::kCodeBlock);
    command.append_block(new_value, protocol::kCodeBlock);
    change_profile(command.apdu, "change " + std::string(code_name(code)), code);
}

void Card::unblock_pin(const SecretBytes& puk, const SecretBytes& new_pin) {
    check_code(Code::Puk, puk);
    check_code(Code::Pin, new_pin);
    SecretCommand command(commands::kUnblockPin);
    command.append_block(puk, protocol::kCodeBlock);
    command.append_block(new_pin, protocol::kCodeBlock);
    change_profile(command.apdu, "unblock PIN", Code::Puk);
}

void Card::set_pin_with_verified_puk(const SecretBytes& new_pin) {
    check_code(Code::Pin, new_pin);
    SecretCommand command(commands::kSetPinWithVerifiedPuk);
    command.append_block(new_pin, protocol::kCodeBlock);
    change_profile(command.apdu, "set PIN", Code::Pin);
}

void Card::initialise(const SecretBytes& puk, const SecretBytes* pin, std::string_view label) {
    check_code(Code::Puk, puk);
    if (pin != nullptr) check_code(Code::Pin, *pin);
    check_profile_label(label);
    SecretCommand command(commands::kInitialiseProfile);
    command.append_tlv(protocol::tag::kPuk, puk);
    if (pin != nullptr) command.append_tlv(protocol::tag::kPin, *pin);
    if (!label.empty()) {
        tlv::append_tag(command.apdu.data, protocol::tag::kLabel);
        tlv::append_length(command.apdu.data, label.size());
        command.apdu.data.insert(command.apdu.data.end(), label.begin(), label.end());
    }
    change_profile(command.apdu, "initialise profile");
}

void Card::erase(const SecretBytes& puk) {
    check_code(Code::Puk, puk);
    SecretCommand command(commands::kEraseProfile);
    command.append_tlv(protocol::tag::kPuk, puk);
    change_profile(command.apdu, "erase profile", Code::Puk);
}

}  // namespace carta::card

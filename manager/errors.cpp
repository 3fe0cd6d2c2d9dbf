#include "errors.hpp"

#include <iostream>
#include <new>

#include "carta/apdu/transport.hpp"
#include "carta/card/errors.hpp"
#include "session.hpp"

namespace carta::cli {
namespace {

Exit exit_for(card::ErrorKind kind) {
    using card::ErrorKind;
    switch (kind) {
        case ErrorKind::CodeIncorrect:
            return Exit::WrongCode;
        case ErrorKind::CodeBlocked:
            return Exit::Blocked;
        case ErrorKind::CodeLength:
            return Exit::InvalidInput;
        case ErrorKind::Transport:
            return Exit::Communication;
        case ErrorKind::AnswerLost:  // Communication when the card is gone (report_error)
        case ErrorKind::CodeNotSet:
        case ErrorKind::NotAuthenticated:
        case ErrorKind::WrongState:
        case ErrorKind::NotAllowed:
        case ErrorKind::NotFound:
        case ErrorKind::AlreadyExists:
        case ErrorKind::NoSpace:
        case ErrorKind::InvalidData:
        case ErrorKind::CardMemory:
        case ErrorKind::NotSupported:
        case ErrorKind::Unexpected:
            return Exit::Refused;
    }
    return Exit::Internal;
}

std::string with_tries(int left) {
    return std::to_string(left) + (left == 1 ? " try left" : " tries left");
}

}  // namespace

std::string exit_code_help() {
    return "Exit status:\n"
           "  0  success\n"
           "  1  usage: bad command line\n"
           "  2  no PC/SC service, reader or card, or not a carta card\n"
           "  3  wrong PIN or PUK (the message says how many tries are left)\n"
           "  4  PIN or PUK blocked\n"
           "  5  invalid input: code length, file, e-mail address, label, object name\n"
           "  6  refused: by the card (profile state, no room, not allowed), or a profile of a\n"
           "     running Thunderbird or Firefox\n"
           "  7  communication failure: card removed, reader or pcscd gone\n"
           "  8  csr check: the request fails a check\n"
           "  9  internal error\n"
           "  10 outcome unknown: the card went away while being written to; what was done is\n"
           "     reported, and the next carta run finds and names anything left unfinished\n";
}

void rethrow_code_error(card::Code code) {
    const std::string name(card::code_name(code));
    try {
        throw;
    } catch (const card::CardError& e) {
        switch (e.kind()) {
            case card::ErrorKind::CodeIncorrect:
                throw CliError(Exit::WrongCode, "wrong " + name + ", " + with_tries(e.tries_left()));
            case card::ErrorKind::CodeBlocked:
                if (e.status_word() && e.status_word()->is_tries_left())
                    throw CliError(
                        Exit::Blocked,
                        "wrong " + name + "; the " + name + " is now blocked" +
                            (code == card::Code::Pin ? " (unblock it with `carta pin unblock`)" : ""));
                throw CliError(Exit::Blocked,
                               "the " + name + " is blocked" +
                                   (code == card::Code::Pin ? " (unblock it with `carta pin unblock`)" : ""));
            case card::ErrorKind::CodeNotSet:
                throw CliError(Exit::Refused, "the " + name + " is not set" +
                                                  (code == card::Code::Pin
                                                       ? " (set it with `carta pin unblock`, or `carta init`)"
                                                       : " (run `carta init`)"));
            default:
                throw;
        }
    }
}

bool is_communication_failure(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const card::CardError& e) {
        // A card pulled mid-command shows up as a transport error or as a lost answer.
        return e.kind() == card::ErrorKind::Transport || e.kind() == card::ErrorKind::AnswerLost;
    } catch (const apdu::TransportError&) {
        return true;
    } catch (...) {
        return false;
    }
}

int report_error(std::exception_ptr error, const CommandContext& context) {
    Exit exit = Exit::Internal;
    std::string message;
    try {
        std::rethrow_exception(error);
    } catch (const CliError& e) {
        exit = e.exit();
        message = e.what();
    } catch (const card::CardError& e) {
        exit = exit_for(e.kind());
        message = e.what();
        // A card pulled mid-command shows up as a transport error or as a lost answer.
        if (e.kind() == card::ErrorKind::Transport || e.kind() == card::ErrorKind::AnswerLost) {
            if (auto lost = lost_card_message(context)) {
                exit = Exit::Communication;
                message = *lost;
            }
            if (exit == Exit::Communication) message = "communication with the card failed: " + message;
        }
    } catch (const apdu::TransportError& e) {
        exit = Exit::Communication;
        message = "communication with the card failed: " + lost_card_message(context).value_or(e.what());
    } catch (const std::invalid_argument& e) {
        exit = Exit::InvalidInput;
        message = e.what();
    } catch (const std::bad_alloc&) {
        message = "out of memory";
    } catch (const std::exception& e) {
        message = e.what();
    } catch (...) {
        message = "unknown error";
    }
    std::cerr << "carta: " << message << std::endl;
    return static_cast<int>(exit);
}

}  // namespace carta::cli

#include "carta/card/reader.hpp"

#include <charconv>

#include "carta/card/errors.hpp"

namespace carta::card {
namespace {

std::string list_of(const std::vector<apdu::ReaderState>& readers) {
    std::string names;
    for (const auto& reader : readers) names += (names.empty() ? "\"" : ", \"") + reader.name + "\"";
    return names;
}

}  // namespace

std::string choose_reader(apdu::ReaderMonitor& monitor, std::string_view selector) {
    std::vector<apdu::ReaderState> readers;
    try {
        readers = monitor.reader_states();
    } catch (const apdu::TransportError& e) {
        throw CardError::from(e);
    }
    if (readers.empty()) throw CardError(ErrorKind::Transport, "no smart-card reader found");
    if (selector.empty()) {
        for (const auto& reader : readers)
            if (reader.card_present) return reader.name;
        return readers.front().name;
    }
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(selector.data(), selector.data() + selector.size(), index);
    if (error == std::errc() && end == selector.data() + selector.size()) {
        if (index < readers.size()) return readers[index].name;
        throw CardError(ErrorKind::Transport,
                        "no reader with index " + std::string(selector) + "; readers: " + list_of(readers));
    }
    for (const auto& reader : readers)
        if (reader.name == selector) return reader.name;
    for (const auto& reader : readers)
        if (reader.name.starts_with(selector)) return reader.name;
    throw CardError(ErrorKind::Transport,
                    "no reader named \"" + std::string(selector) + "\"; readers: " + list_of(readers));
}

}  // namespace carta::card

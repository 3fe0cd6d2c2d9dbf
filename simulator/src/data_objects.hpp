// The data field of carta's commands: a flat list of BER-TLV data objects, each
// tag at most once, only the tags the command knows (anything else: 6A80).
#pragma once

#include <initializer_list>
#include <map>
#include <optional>

#include "card_status.hpp"
#include "carta/apdu/tlv.hpp"

namespace carta::sim {

class DataObjects {
  public:
    DataObjects(ByteView data, std::initializer_list<tlv::Tag> allowed) {
        std::vector<tlv::Tlv> elements;
        try {
            elements = tlv::parse_all(data);
        } catch (const tlv::TlvError&) {
            fail(apdu::sw::kIncorrectData);
        }
        for (const auto& element : elements) {
            bool known = false;
            for (const auto tag : allowed) known = known || tag == element.tag;
            require(known && values_.count(element.tag) == 0, apdu::sw::kIncorrectData);
            values_.emplace(element.tag, element.value);
        }
    }

    std::optional<ByteView> get(tlv::Tag tag) const {
        const auto found = values_.find(tag);
        if (found == values_.end()) return std::nullopt;
        return found->second;
    }
    bool has(tlv::Tag tag) const { return values_.count(tag) != 0; }
    // 6A80 when absent.
    ByteView required(tlv::Tag tag) const {
        const auto value = get(tag);
        require(value.has_value(), apdu::sw::kIncorrectData);
        return *value;
    }
    // A one-byte value (6A80 if absent or of another length).
    std::uint8_t required_byte(tlv::Tag tag) const {
        const ByteView value = required(tag);
        require(value.size() == 1, apdu::sw::kIncorrectData);
        return value[0];
    }
    std::optional<std::uint8_t> optional_byte(tlv::Tag tag) const {
        if (!has(tag)) return std::nullopt;
        return required_byte(tag);
    }
    // A UTF-8 text of at most `max` bytes (6A80 if longer).
    std::optional<std::string> optional_text(tlv::Tag tag, std::size_t max) const {
        const auto value = get(tag);
        if (!value) return std::nullopt;
        require(value->size() <= max, apdu::sw::kIncorrectData);
        return std::string(value->begin(), value->end());
    }
    bool empty() const { return values_.empty(); }

  private:
    std::map<tlv::Tag, ByteView> values_;
};

}  // namespace carta::sim

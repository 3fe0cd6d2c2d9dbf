#include "json_reader.hpp"

#include <cmath>
#include <cstdlib>

namespace carta::test {

class JsonParser {
  public:
    explicit JsonParser(const std::string& text) : text_(text) {}

    JsonValue document() {
        JsonValue value = parse_value();
        skip_space();
        if (pos_ != text_.size()) fail("trailing characters");
        return value;
    }

  private:
    [[noreturn]] void fail(const std::string& what) {
        throw std::invalid_argument("JSON: " + what + " at offset " + std::to_string(pos_));
    }
    void skip_space() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t'))
            ++pos_;
    }
    char peek() {
        skip_space();
        if (pos_ >= text_.size()) fail("unexpected end");
        return text_[pos_];
    }
    void expect(const std::string& word) {
        if (text_.compare(pos_, word.size(), word) != 0) fail("expected " + word);
        pos_ += word.size();
    }

    JsonValue parse_value() {
        JsonValue value;
        const char c = peek();
        if (c == '{') {
            value.type_ = JsonValue::Type::Object;
            ++pos_;
            if (peek() == '}') {
                ++pos_;
                return value;
            }
            for (;;) {
                if (peek() != '"') fail("expected a key");
                std::string key = parse_string();
                if (peek() != ':') fail("expected ':'");
                ++pos_;
                if (value.object_.count(key)) fail("duplicate key " + key);
                value.object_[key] = parse_value();
                const char next = peek();
                ++pos_;
                if (next == '}') break;
                if (next != ',') fail("expected ',' or '}'");
            }
        } else if (c == '[') {
            value.type_ = JsonValue::Type::Array;
            ++pos_;
            if (peek() == ']') {
                ++pos_;
                return value;
            }
            for (;;) {
                value.array_.push_back(parse_value());
                const char next = peek();
                ++pos_;
                if (next == ']') break;
                if (next != ',') fail("expected ',' or ']'");
            }
        } else if (c == '"') {
            value.type_ = JsonValue::Type::String;
            value.string_ = parse_string();
        } else if (c == 't') {
            expect("true");
            value.type_ = JsonValue::Type::Bool;
            value.bool_ = true;
        } else if (c == 'f') {
            expect("false");
            value.type_ = JsonValue::Type::Bool;
        } else if (c == 'n') {
            expect("null");
        } else {
            const char* start = text_.c_str() + pos_;
            char* end = nullptr;
            value.number_ = std::strtod(start, &end);
            if (end == start) fail("unexpected character");
            pos_ += static_cast<std::size_t>(end - start);
            value.type_ = JsonValue::Type::Number;
        }
        return value;
    }

    void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string parse_string() {
        ++pos_;  // opening quote
        std::string out;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) break;
            const char e = text_[pos_++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out += e;
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    if (pos_ + 4 > text_.size()) fail("short \\u escape");
                    const unsigned cp = static_cast<unsigned>(std::stoul(text_.substr(pos_, 4), nullptr, 16));
                    pos_ += 4;
                    append_utf8(out, cp);
                    break;
                }
                default:
                    fail("bad escape");
            }
        }
        fail("unterminated string");
    }

    const std::string& text_;
    std::size_t pos_ = 0;
};

JsonValue JsonValue::parse(const std::string& text) {
    return JsonParser(text).document();
}

bool JsonValue::as_bool() const {
    if (type_ != Type::Bool) throw std::logic_error("JSON value is not a boolean");
    return bool_;
}

std::int64_t JsonValue::as_int() const {
    if (type_ != Type::Number || std::floor(number_) != number_)
        throw std::logic_error("JSON value is not an integer");
    return static_cast<std::int64_t>(number_);
}

const std::string& JsonValue::as_string() const {
    if (type_ != Type::String) throw std::logic_error("JSON value is not a string");
    return string_;
}

const std::vector<JsonValue>& JsonValue::items() const {
    if (type_ != Type::Array) throw std::logic_error("JSON value is not an array");
    return array_;
}

std::size_t JsonValue::size() const {
    if (type_ == Type::Array) return array_.size();
    if (type_ == Type::Object) return object_.size();
    throw std::logic_error("JSON value has no size");
}

bool JsonValue::has(const std::string& key) const {
    return type_ == Type::Object && object_.count(key) != 0;
}

const JsonValue& JsonValue::operator[](const std::string& key) const {
    if (type_ != Type::Object) throw std::logic_error("JSON value is not an object (looking up " + key + ")");
    auto it = object_.find(key);
    if (it == object_.end()) throw std::out_of_range("JSON object has no key " + key);
    return it->second;
}

const JsonValue& JsonValue::operator[](std::size_t index) const {
    return items().at(index);
}

}  // namespace carta::test

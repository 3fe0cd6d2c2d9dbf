#include "json.hpp"

#include <stdexcept>

namespace carta::cli {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not valid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t n = 0;
    std::uint32_t min = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

void indent(std::string& out, int depth) {
    out += '\n';
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

}  // namespace

std::string json_quote(std::string_view text) {
    static const char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0x0F];
                } else if (c >= 0x80) {
                    const std::size_t n = utf8_length(text, i);
                    if (n == 0) {
                        out += "\\ufffd";
                        ++i;
                        continue;
                    }
                    out.append(text.substr(i, n));
                    i += n;
                    continue;
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
    return out;
}

Json& Json::set(std::string key, Json value) {
    auto* object = std::get_if<Object>(&value_);
    if (object == nullptr) throw std::logic_error("Json::set on a value that is not an object");
    for (auto& [k, v] : *object)
        if (k == key) {
            v = std::move(value);
            return *this;
        }
    object->emplace_back(std::move(key), std::move(value));
    return *this;
}

Json& Json::push(Json value) {
    auto* array = std::get_if<Array>(&value_);
    if (array == nullptr) throw std::logic_error("Json::push on a value that is not an array");
    array->push_back(std::move(value));
    return *this;
}

std::string Json::dump() const {
    std::string out;
    write(out, 0);
    return out;
}

void Json::write(std::string& out, int depth) const {
    if (std::holds_alternative<std::nullptr_t>(value_)) {
        out += "null";
    } else if (const auto* b = std::get_if<bool>(&value_)) {
        out += *b ? "true" : "false";
    } else if (const auto* n = std::get_if<std::int64_t>(&value_)) {
        out += std::to_string(*n);
    } else if (const auto* s = std::get_if<std::string>(&value_)) {
        out += json_quote(*s);
    } else if (const auto* a = std::get_if<Array>(&value_)) {
        if (a->empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (i > 0) out += ',';
            indent(out, depth + 1);
            (*a)[i].write(out, depth + 1);
        }
        indent(out, depth);
        out += ']';
    } else if (const auto* o = std::get_if<Object>(&value_)) {
        if (o->empty()) {
            out += "{}";
            return;
        }
        out += '{';
        for (std::size_t i = 0; i < o->size(); ++i) {
            if (i > 0) out += ',';
            indent(out, depth + 1);
            out += json_quote((*o)[i].first);
            out += ": ";
            (*o)[i].second.write(out, depth + 1);
        }
        indent(out, depth);
        out += '}';
    }
}

}  // namespace carta::cli

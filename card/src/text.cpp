#include "carta/card/text.hpp"

#include <array>
#include <cstdio>

namespace carta::card {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// One step through UTF-8 text: the code point at `text[at]` and its length in
// bytes, or nullopt (length 1) for a byte that does not start a well-formed character.
struct Step {
    std::optional<char32_t> code_point;
    std::size_t length;
};

// Per lead byte: the sequence length and the smallest code point it may encode
// (anything smaller is an overlong form).
struct Lead {
    unsigned char mask;
    unsigned char value;
    std::size_t length;
    char32_t minimum;
};
constexpr std::array<Lead, 4> kLeads{{
    {0x80, 0x00, 1, 0x0},
    {0xE0, 0xC0, 2, 0x80},
    {0xF0, 0xE0, 3, 0x800},
    {0xF8, 0xF0, 4, 0x10000},
}};

Step step(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    for (const auto& form : kLeads) {
        if ((lead & form.mask) != form.value) continue;
        if (at + form.length > text.size()) return {std::nullopt, 1};
        char32_t point = lead & static_cast<unsigned char>(~form.mask);
        for (std::size_t i = 1; i < form.length; ++i) {
            const auto next = static_cast<unsigned char>(text[at + i]);
            if ((next & 0xC0) != 0x80) return {std::nullopt, 1};
            point = point << 6 | (next & 0x3F);
        }
        const bool surrogate = point >= 0xD800 && point <= 0xDFFF;
        if (point < form.minimum || surrogate || point > 0x10FFFF) return {std::nullopt, 1};
        return {point, form.length};
    }
    return {std::nullopt, 1};
}

bool is_control(char32_t point) {
    return point < 0x20 || (point >= 0x7F && point <= 0x9F);
}

std::string hex_escape(const char* format, unsigned value) {
    char text[16];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
std::string_view utf8_prefix(std::string_view text, std::size_t max) {
    if (text.size() <= max) return text;
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

}  // namespace

bool is_utf8(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        const auto next = step(text, at);
        if (!next.code_point) return false;
        at += next.length;
    }
    return true;
}

std::size_t utf8_characters(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t at = 0; at < text.size(); ++count) at += step(text, at).length;
    return count;
}

std::optional<std::string> label_problem(std::string_view label, std::size_t max_bytes) {
    if (label.size() > max_bytes)
        return "a label can be at most " + std::to_string(max_bytes) + " bytes long, not " +
               std::to_string(label.size());
    for (std::size_t at = 0; at < label.size();) {
        const auto next = step(label, at);
        if (!next.code_point) return std::string("a label must be UTF-8 text");
        if (is_control(*next.code_point))
            return "a label must not contain control characters (found " +
                   hex_escape("U+%04X", static_cast<unsigned>(*next.code_point)) + ")";
        at += next.length;
    }
    return std::nullopt;
}

std::string sanitized_label(std::string_view text, std::size_t max_bytes) {
    std::string clean;
    for (std::size_t at = 0; at < text.size();) {
        const auto next = step(text, at);
        if (next.code_point && !is_control(*next.code_point))
            clean.append(text.substr(at, next.length));
        else
            clean.append(kReplacement);
        at += next.length;
    }
    return std::string(utf8_prefix(clean, max_bytes));
}

std::string printable(std::string_view text) {
    std::string shown;
    shown.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto next = step(text, at);
        if (!next.code_point)
            shown += hex_escape("\\x%02x", static_cast<unsigned char>(text[at]));
        else if (*next.code_point == '\\')
            shown += "\\\\";
        else if (*next.code_point >= 0x80 && is_control(*next.code_point))
            shown += hex_escape("\\u%04x", static_cast<unsigned>(*next.code_point));
        else if (is_control(*next.code_point))
            shown += hex_escape("\\x%02x", static_cast<unsigned>(*next.code_point));
        else
            shown.append(text.substr(at, next.length));
        at += next.length;
    }
    return shown;
}

std::string code_length_rule() {
    return std::to_string(kCodeMinLength) + " to " + std::to_string(kCodeMaxLength) +
           " bytes long in UTF-8 (a digit or Latin letter is one byte)";
}

std::optional<CodeProblem> code_problem(Code code, ByteView value) {
    const std::string name(code_name(code));
    const std::string_view text(reinterpret_cast<const char*>(value.data()), value.size());
    if (!is_utf8(text))
        return CodeProblem{CodeProblem::Kind::Character, "the " + name + " must be UTF-8 text"};
    if (text.find('\0') != std::string_view::npos)
        return CodeProblem{CodeProblem::Kind::Character, "the " + name + " must not contain a NUL character"};
    if (value.size() < kCodeMinLength || value.size() > kCodeMaxLength) {
        const std::size_t characters = utf8_characters(text);
        std::string message = "the " + name + " must be " + code_length_rule() + "; this one is " +
                              std::to_string(characters) + (characters == 1 ? " character" : " characters");
        if (characters != value.size()) message += " in " + std::to_string(value.size()) + " bytes";
        return CodeProblem{CodeProblem::Kind::Length, message};
    }
    return std::nullopt;
}

}  // namespace carta::card

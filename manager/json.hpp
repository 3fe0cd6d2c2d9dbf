// A small JSON value for carta's --json output: built in code, written with
// every string escaped (invalid UTF-8 becomes U+FFFD so the output always parses).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace carta::cli {

class Json {
  public:
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;

    Json() : value_(nullptr) {}
    Json(std::nullptr_t) : value_(nullptr) {}
    Json(bool b) : value_(b) {}
    Json(int n) : value_(static_cast<std::int64_t>(n)) {}
    Json(unsigned n) : value_(static_cast<std::int64_t>(n)) {}
    Json(std::int64_t n) : value_(n) {}
    Json(const char* s) : value_(std::string(s)) {}
    Json(std::string s) : value_(std::move(s)) {}
    Json(std::string_view s) : value_(std::string(s)) {}
    Json(Array a) : value_(std::move(a)) {}
    Json(Object o) : value_(std::move(o)) {}

    static Json object() { return Json(Object{}); }
    static Json array() { return Json(Array{}); }

    // Objects keep their keys in insertion order.
    Json& set(std::string key, Json value);
    Json& push(Json value);

    // Pretty-printed with two spaces per level, no trailing newline.
    std::string dump() const;

  private:
    void write(std::string& out, int depth) const;
    std::variant<std::nullptr_t, bool, std::int64_t, std::string, Array, Object> value_;
};

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace carta::cli

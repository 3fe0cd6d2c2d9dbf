// A strict JSON parser for reading carta's --json output in tests: every
// output must parse, and tests query it as j["profiles"]["common"]["state"].
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace carta::test {

class JsonValue {
  public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    // Throws std::invalid_argument with the offset of the first error.
    static JsonValue parse(const std::string& text);

    Type type() const { return type_; }
    bool is_null() const { return type_ == Type::Null; }
    bool as_bool() const;
    std::int64_t as_int() const;
    const std::string& as_string() const;
    const std::vector<JsonValue>& items() const;  // array
    std::size_t size() const;                     // array or object
    bool has(const std::string& key) const;
    const JsonValue& operator[](const std::string& key) const;  // throws if missing
    const JsonValue& operator[](std::size_t index) const;

  private:
    friend class JsonParser;
    Type type_ = Type::Null;
    bool bool_ = false;
    double number_ = 0;
    std::string string_;
    std::vector<JsonValue> array_;
    std::map<std::string, JsonValue> object_;
};

}  // namespace carta::test

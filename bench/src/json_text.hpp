// The little JSON that results.json needs, written by hand (no JSON library for one file).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace carta::bench {

std::string json_string(const std::string& text);  // quoted, escaped
std::string json_number(double value);             // null if not finite
std::string json_number(const std::optional<double>& value);
// {"n", "median_ms", "min_ms", "max_ms", "p10_ms", "p90_ms"[, "runs_ms" up to 20 runs]}
std::string json_times(const std::vector<double>& seconds);

}  // namespace carta::bench

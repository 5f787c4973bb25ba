// Parsing of the config's durations: "<number><unit>" with unit ms, s, m or h. Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace reghook {

// Returns the duration in milliseconds, or kInvalid naming the allowed form.
Result<int64_t> parseDurationMs(const std::string& text);

}  // namespace reghook

#include "core/duration.h"

#include <cctype>

namespace reghook {

Result<int64_t> parseDurationMs(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  const std::string number = text.substr(0, i);
  const std::string unit = text.substr(i);
  int64_t factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "m")
    factor = 60 * 1000;
  else if (unit == "h")
    factor = 3600 * 1000;
  if (number.empty() || number.size() > 9 || factor == 0) {
    return Status::invalid("InvalidDuration", "",
                           "'" + text +
                               "' is not a duration; write <number><unit> with unit ms, s, "
                               "m or h, e.g. \"500ms\", \"5s\", \"30m\", \"2h\"");
  }
  return static_cast<int64_t>(std::stoll(number)) * factor;
}

}  // namespace reghook

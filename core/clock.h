// Clock: the source of "now" in milliseconds since the Unix epoch, injected so tests control time.
// Implementations are thread-safe. Waiting is not part of the clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace reghook {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t nowMs() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t nowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace reghook

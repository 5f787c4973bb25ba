// FakeClock: a Clock that tests move by hand. Thread-safe.
#pragma once

#include <atomic>

#include "core/clock.h"

namespace reghook::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1795600000000) : now_(start_ms) {}
  int64_t nowMs() const override { return now_.load(); }
  void advanceMs(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace reghook::testing

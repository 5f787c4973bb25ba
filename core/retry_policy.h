// RetryPolicy: what an attempt's result means (SPEC §7) and when the next attempt is due.
// Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace reghook {

enum class AttemptOutcome {
  kDelivered,       // any 2xx
  kRetry,           // transport error, timeout, 408, 429, 5xx
  kFail,            // any other status (3xx included: redirects are not followed)
  kFailAndDisable,  // 410 Gone: fail and disable the webhook
};

// status_code 0 means the request got no HTTP answer (connection refused, timeout, TLS error).
AttemptOutcome classifyAttempt(int status_code);

class RetryPolicy {
 public:
  // schedule_ms[i] is the wait before attempt i+1 (the first is usually 0). jitter is the
  // relative spread applied to each wait (0.2 = ±20%).
  explicit RetryPolicy(std::vector<int64_t> schedule_ms, double jitter = 0.2);

  int maxAttempts() const { return static_cast<int>(schedule_ms_.size()); }
  // Delay before the attempt after `attempts_done` attempts, or nullopt when none is left.
  // unit_random is in [-1, 1] (the caller's random source; tests pass fixed values).
  // retry_after_ms, when the receiver sent Retry-After on 429/503, replaces the schedule's wait.
  std::optional<int64_t> nextDelayMs(int attempts_done, double unit_random,
                                     std::optional<int64_t> retry_after_ms = {}) const;

 private:
  std::vector<int64_t> schedule_ms_;
  double jitter_;
};

}  // namespace reghook

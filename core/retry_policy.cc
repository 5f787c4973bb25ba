#include "core/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace reghook {

AttemptOutcome classifyAttempt(int status_code) {
  if (status_code >= 200 && status_code < 300) return AttemptOutcome::kDelivered;
  if (status_code == 0 || status_code == 408 || status_code == 429 || status_code >= 500) {
    return AttemptOutcome::kRetry;
  }
  if (status_code == 410) return AttemptOutcome::kFailAndDisable;
  return AttemptOutcome::kFail;
}

RetryPolicy::RetryPolicy(std::vector<int64_t> schedule_ms, double jitter)
    : schedule_ms_(std::move(schedule_ms)), jitter_(jitter) {}

std::optional<int64_t> RetryPolicy::nextDelayMs(int attempts_done, double unit_random,
                                                std::optional<int64_t> retry_after_ms) const {
  if (attempts_done >= maxAttempts()) return std::nullopt;
  if (retry_after_ms) return std::clamp<int64_t>(*retry_after_ms, 0, 24LL * 3600 * 1000);
  const double base = static_cast<double>(schedule_ms_[attempts_done]);
  const double spread = std::clamp(unit_random, -1.0, 1.0) * jitter_;
  return static_cast<int64_t>(std::llround(base * (1.0 + spread)));
}

}  // namespace reghook

#include "core/retry_policy.h"

#include <gtest/gtest.h>

namespace reghook {
namespace {

TEST(ClassifyAttempt, FollowsTheSpec) {
  struct Case {
    int code;
    AttemptOutcome expected;
  };
  for (const Case& c : std::vector<Case>{{200, AttemptOutcome::kDelivered},
                                         {204, AttemptOutcome::kDelivered},
                                         {299, AttemptOutcome::kDelivered},
                                         {0, AttemptOutcome::kRetry},
                                         {408, AttemptOutcome::kRetry},
                                         {429, AttemptOutcome::kRetry},
                                         {500, AttemptOutcome::kRetry},
                                         {503, AttemptOutcome::kRetry},
                                         {301, AttemptOutcome::kFail},
                                         {302, AttemptOutcome::kFail},
                                         {400, AttemptOutcome::kFail},
                                         {401, AttemptOutcome::kFail},
                                         {404, AttemptOutcome::kFail},
                                         {410, AttemptOutcome::kFailAndDisable}}) {
    EXPECT_EQ(classifyAttempt(c.code), c.expected) << c.code;
  }
}

TEST(RetryPolicy, DefaultScheduleWithJitterBounds) {
  RetryPolicy policy({0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000}, 0.2);
  EXPECT_EQ(policy.maxAttempts(), 8);
  EXPECT_EQ(policy.nextDelayMs(0, 0.7), 0);             // first attempt: immediately
  EXPECT_EQ(policy.nextDelayMs(1, 0.0), 5000);          // 5 s
  EXPECT_EQ(policy.nextDelayMs(1, 1.0), 6000);          // +20 %
  EXPECT_EQ(policy.nextDelayMs(1, -1.0), 4000);         // -20 %
  EXPECT_EQ(policy.nextDelayMs(2, 0.0), 300000);        // 5 min
  EXPECT_EQ(policy.nextDelayMs(7, 0.0), 36000000);      // 10 h
  EXPECT_EQ(policy.nextDelayMs(8, 0.0), std::nullopt);  // then failed
}

TEST(RetryPolicy, RetryAfterReplacesTheScheduledWait) {
  RetryPolicy policy({0, 5000, 60000});
  EXPECT_EQ(policy.nextDelayMs(1, 0.5, 120000), 120000);
  EXPECT_EQ(policy.nextDelayMs(3, 0.5, 120000), std::nullopt);  // no attempts left
}

}  // namespace
}  // namespace reghook

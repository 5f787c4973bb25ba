#include "core/delivery_scheduler.h"

#include <gtest/gtest.h>

namespace reghook {
namespace {

TEST(DeliveryScheduler, RespectsDueTimeAndInFlightBoundPerWebhook) {
  DeliveryScheduler s(2);
  for (int i = 0; i < 5; ++i) s.add({"slow", "j/slow/" + std::to_string(i), 100});
  s.add({"fast", "j/fast/0", 100});
  s.add({"fast", "j/fast/1", 500});
  EXPECT_TRUE(s.takeDue(99, 100).empty());
  auto due = s.takeDue(100, 100);
  // two of "slow" (its bound) and the due one of "fast"
  ASSERT_EQ(due.size(), 3u);
  int slow = 0, fast = 0;
  for (const auto& j : due) (j.webhook_id == "slow" ? slow : fast)++;
  EXPECT_EQ(slow, 2);
  EXPECT_EQ(fast, 1);
  // slow is at its bound: nothing more from it until one finishes
  EXPECT_TRUE(s.takeDue(200, 100).empty());
  for (const auto& j : due) {
    if (j.webhook_id == "slow") {
      s.finish(j, std::nullopt);
      break;
    }
  }
  auto next = s.takeDue(200, 100);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].webhook_id, "slow");
  EXPECT_EQ(s.takeDue(500, 100).size(), 1u);  // fast's second job
}

TEST(DeliveryScheduler, FinishWithNextDueRequeues) {
  DeliveryScheduler s(1);
  s.add({"w", "j/w/a", 0});
  auto due = s.takeDue(0, 10);
  ASSERT_EQ(due.size(), 1u);
  s.finish(due[0], 1000);
  EXPECT_EQ(s.nextDueMs(), 1000);
  EXPECT_TRUE(s.takeDue(999, 10).empty());
  EXPECT_EQ(s.takeDue(1000, 10).size(), 1u);
}

TEST(DeliveryScheduler, RemoveWebhookDropsItsPendingJobs) {
  DeliveryScheduler s(4);
  s.add({"a", "j/a/1", 0});
  s.add({"b", "j/b/1", 0});
  s.removeWebhook("a");
  EXPECT_EQ(s.pendingCount(), 1u);
  auto due = s.takeDue(0, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].webhook_id, "b");
}

TEST(DeliveryScheduler, AddingAnExistingKeyMovesIt) {
  DeliveryScheduler s(4);
  s.add({"a", "j/a/1", 5000});
  s.add({"a", "j/a/1", 10});
  EXPECT_EQ(s.pendingCount(), 1u);
  EXPECT_EQ(s.takeDue(10, 10).size(), 1u);
}

TEST(DeliveryScheduler, AJobInFlightIsNotStartedTwice) {
  DeliveryScheduler s(4);
  s.add({"a", "j/a/1", 0});
  auto first = s.takeDue(0, 10);
  ASSERT_EQ(first.size(), 1u);
  s.add({"a", "j/a/1", 0});  // redelivered while its attempt runs
  EXPECT_TRUE(s.takeDue(0, 10).empty());
  s.finish(first[0], std::nullopt);  // the attempt ends: now it runs again
  EXPECT_EQ(s.takeDue(0, 10).size(), 1u);
}

TEST(DeliveryScheduler, StatsShowDepthAndOldest) {
  DeliveryScheduler s(1);
  s.add({"a", "j/a/1", 10});
  s.add({"a", "j/a/2", 20});
  s.takeDue(10, 1);
  auto stats = s.stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].depth, 2u);
  EXPECT_EQ(stats[0].oldest_due_ms, 20);
}

}  // namespace
}  // namespace reghook

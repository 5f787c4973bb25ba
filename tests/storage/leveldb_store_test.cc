#include "storage/leveldb_store.h"

#include <gtest/gtest.h>
#include <leveldb/helpers/memenv.h>

#include <filesystem>
#include <thread>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/store_helpers.h"

namespace reghook {
namespace {

class LeveldbStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    store_ = std::move(LeveldbStore::open("/db", clock_, env_.get()).value());
  }
  testing::FakeClock clock_;
  std::unique_ptr<leveldb::Env> env_;
  std::unique_ptr<LeveldbStore> store_;
};

TEST_F(LeveldbStoreTest, InboxStoresEachUpstreamIdOnceInOrder) {
  EXPECT_EQ(store_->appendInbox("reg01", {{"a", "{\"id\":\"a\"}"}, {"b", "{}"}}, {}).value(), 2u);
  EXPECT_EQ(store_->appendInbox("reg01", {{"a", "{}"}}, {}).value(), 0u);  // repeated id
  EXPECT_EQ(store_->appendInbox("reg02", {{"a", "{}"}}, {}).value(), 1u);  // other registry
  EXPECT_EQ(store_->inboxBacklog(), 3u);
  auto entries = store_->readInbox(0, 10).value();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].registry, "reg01");
  EXPECT_EQ(entries[0].event_json, "{\"id\":\"a\"}");
  EXPECT_LT(entries[0].seq, entries[1].seq);
  EXPECT_EQ(entries[2].registry, "reg02");
  EXPECT_EQ(store_->readInbox(entries[1].seq, 10).value().size(), 1u);
}

TEST_F(LeveldbStoreTest, OldEventIdsAreForgottenAndThenAcceptedAgain) {
  store_->appendInbox("reg01", {{"old", "{}"}}, {});
  clock_.advanceMs(1000);
  store_->appendInbox("reg01", {{"new", "{}"}}, {});
  EXPECT_EQ(store_->forgetEventIds(clock_.nowMs() - 500).value(), 1u);
  EXPECT_EQ(store_->appendInbox("reg01", {{"new", "{}"}}, {}).value(), 0u);  // still remembered
  EXPECT_EQ(store_->appendInbox("reg01", {{"old", "{}"}}, {}).value(), 1u);  // forgotten
}

TEST_F(LeveldbStoreTest, ConcurrentAppendsAreAllStoredOnce) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        // every id is sent by two threads
        const std::string id = "e" + std::to_string((t / 2) * 50 + i);
        ASSERT_TRUE(store_->appendInbox("reg01", {{id, "{}"}}, {}).isOk());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->readInbox(0, 1000).value().size(), 200u);
}

TEST_F(LeveldbStoreTest, CommitConsumesInboxAppliesIndexAndSkipsReplayedJobs) {
  store_->appendInbox("reg01", {{"a", "{}"}}, {});
  auto entry = store_->readInbox(0, 1).value().at(0);
  NormalizedBatch batch;
  batch.consumed_seqs = {entry.seq};
  DigestInfo info{"m", 10, {"v1"}, false};
  batch.index_changes = {{IndexChange::Kind::kPutDigest, "reg01", "r/x", "sha256:1", "", info},
                         {IndexChange::Kind::kPutTag, "reg01", "r/x", "sha256:1", "v1", {}}};
  Job job;
  job.webhook_id = "w1";
  job.event_id = "ev1";
  job.payload = "{}";
  batch.jobs = {job};
  batch.job_logs = {LogEntry{"w1", "ev1", 1000, "{\"status\":\"pending\"}"}};
  ASSERT_TRUE(store_->commitNormalized(batch).isOk());
  EXPECT_EQ(batch.jobs.size(), 1u);
  EXPECT_EQ(store_->inboxBacklog(), 0u);
  EXPECT_TRUE(store_->readInbox(0, 10).value().empty());
  EXPECT_EQ(store_->getDigest("reg01", "r/x", "sha256:1").value()->tags,
            std::vector<std::string>{"v1"});
  EXPECT_EQ(store_->digestOfTag("reg01", "r/x", "v1").value(), "sha256:1");
  EXPECT_EQ(store_->digestsOf("reg01", "r").value().size(), 0u);  // "r" is not a prefix match
  // the same event again (a replay after a crash) creates no second job
  NormalizedBatch again;
  again.jobs = {job};
  again.job_logs = batch.job_logs;
  ASSERT_TRUE(store_->commitNormalized(again).isOk());
  EXPECT_TRUE(again.jobs.empty());
  EXPECT_EQ(testing::pendingJobs(*store_).size(), 1u);
}

TEST_F(LeveldbStoreTest, LogPagesNewestFirstWithTokens) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(
        store_
            ->putLog({"w1", "e" + std::to_string(i), 1000 + i, "{\"n\":" + std::to_string(i) + "}"})
            .isOk());
  }
  store_->putLog({"w2", "other", 5000, "{}"});
  auto first = store_->listLog("w1", 10, "").value();
  ASSERT_EQ(first.items.size(), 10u);
  EXPECT_EQ(first.items[0].event_id, "e24");
  EXPECT_FALSE(first.next_token.empty());
  auto second = store_->listLog("w1", 10, first.next_token).value();
  EXPECT_EQ(second.items[0].event_id, "e14");
  auto third = store_->listLog("w1", 10, second.next_token).value();
  ASSERT_EQ(third.items.size(), 5u);
  EXPECT_EQ(third.items[4].event_id, "e0");
  EXPECT_TRUE(third.next_token.empty());
  EXPECT_EQ(store_->findLog("w1", "e3").value()->json, "{\"n\":3}");
}

TEST_F(LeveldbStoreTest, PruneKeepsNewestAndYoungAndPending) {
  for (int i = 0; i < 10; ++i) store_->putLog({"w1", "e" + std::to_string(i), 1000 + i, "{}"});
  Job pending;
  pending.webhook_id = "w1";
  pending.event_id = "e0";
  ASSERT_TRUE(store_->putJob(pending).isOk());
  EXPECT_EQ(store_->pruneLog("w1", 5, 0).value(), 4u);  // e1..e4 go; e0 has a pending job
  EXPECT_EQ(store_->listLog("w1", 100, "").value().items.size(), 6u);
  EXPECT_EQ(store_->pruneLog("w1", 100, 1008).value(), 3u);  // e5..e7 older than 1008
  EXPECT_FALSE(store_->findLog("w1", "e5").value().has_value());
}

TEST_F(LeveldbStoreTest, DeletingAWebhookRemovesItsJobsAndLogAndBlocksLateWrites) {
  Webhook w;
  w.id = "wid1";
  w.registry = "reg01";
  w.name = "hook1";
  w.actions = {"push"};
  w.custom_headers = {{"A", "b"}};
  ASSERT_TRUE(store_->putWebhook(w).isOk());
  EXPECT_EQ(store_->listWebhooks().value().at(0).custom_headers, w.custom_headers);
  Job job;
  job.webhook_id = "wid1";
  job.event_id = "e1";
  store_->putJob(job);
  store_->putLog({"wid1", "e1", 1, "{}"});
  ASSERT_TRUE(store_->deleteWebhook(w).isOk());
  EXPECT_TRUE(store_->listWebhooks().value().empty());
  EXPECT_TRUE(testing::pendingJobs(*store_).empty());
  EXPECT_TRUE(store_->listLog("wid1", 10, "").value().items.empty());
  // an attempt that was in flight when the webhook was deleted leaves nothing behind
  EXPECT_FALSE(store_->recordAttempt(job, {"wid1", "e1", 1, "{}"}, false).isOk());
  EXPECT_TRUE(store_->listLog("wid1", 10, "").value().items.empty());
}

TEST_F(LeveldbStoreTest, DeadLettersArePagedPerRegistry) {
  store_->appendInbox(
      "reg01", {},
      {{"reg01", "x1", "unknown action", "{}", 10}, {"reg01", "x2", "no id", "{}", 20}});
  auto page = store_->listDeadLetters("reg01", 1, "").value();
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].event_id, "x2");
  auto next = store_->listDeadLetters("reg01", 1, page.next_token).value();
  EXPECT_EQ(next.items.at(0).reason, "unknown action");
  EXPECT_TRUE(store_->listDeadLetters("reg02", 5, "").value().items.empty());
}

TEST_F(LeveldbStoreTest, OldDeadLettersAreDeleted) {
  store_->appendInbox("reg01", {},
                      {{"reg01", "x1", "no id", "{}", 1000}, {"reg01", "x2", "no id", "{}", 3000}});
  store_->appendInbox("reg02", {}, {{"reg02", "y1", "no id", "{}", 1500}});
  EXPECT_EQ(store_->forgetDeadLetters(2000).value(), 2u);
  auto left = store_->listDeadLetters("reg01", 10, "").value();
  ASSERT_EQ(left.items.size(), 1u);
  EXPECT_EQ(left.items[0].event_id, "x2");
  EXPECT_TRUE(store_->listDeadLetters("reg02", 10, "").value().items.empty());
}

TEST(LeveldbStoreOnDisk, ReopeningKeepsEverything) {
  testing::FakeClock clock;
  const auto dir =
      std::filesystem::temp_directory_path() / ("reghook-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = std::move(LeveldbStore::open(dir.string(), clock).value());
    store->appendInbox("reg01", {{"a", "{}"}, {"b", "{}"}}, {});
    Job job;
    job.webhook_id = "w";
    job.event_id = "e";
    job.attempts = 3;
    job.next_ms = 42;
    store->putJob(job);
  }
  {
    auto reopened = LeveldbStore::open(dir.string(), clock);
    ASSERT_TRUE(reopened.isOk());
    auto& store = reopened.value();
    EXPECT_EQ(store->inboxBacklog(), 2u);
    EXPECT_EQ(store->appendInbox("reg01", {{"a", "{}"}}, {}).value(), 0u);  // still deduped
    EXPECT_EQ(store->appendInbox("reg01", {{"c", "{}"}}, {}).value(), 1u);
    auto entries = store->readInbox(0, 10).value();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_LT(entries[1].seq, entries[2].seq);  // sequence continues after the old ones
    auto jobs = testing::pendingJobs(*store);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].attempts, 3);
    EXPECT_EQ(jobs[0].next_ms, 42);
    // a second process cannot open the same directory
    auto second = LeveldbStore::open(dir.string(), clock);
    EXPECT_FALSE(second.isOk());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reghook

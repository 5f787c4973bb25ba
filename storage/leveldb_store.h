// LeveldbStore: the Store port on an embedded LevelDB database. Owns the key layout (below) and
// the translation of leveldb::Status. Thread-safe; one process per directory (LevelDB's lock).
//
// Keys (registry and webhook ids are [A-Za-z0-9-], repositories may hold '/', hence '\0'):
//   i/<seq:20>                          inbox entry: registry '\0' event json
//   u/<registry>/<event id>             upstream ids seen (dedupe): <received ms:13>
//   z/<registry>/<ms:13>/<event id>     dead letter
//   d/<registry>/<repo>\0<digest>       digest index entry
//   t/<registry>/<repo>\0<tag>          tag -> digest
//   w/<registry>/<name>                 webhook
//   j/<webhook id>/<event id>           pending delivery job (its state; small, scanned at start)
//   p/<webhook id>/<event id>           the pending job's payload
//   l/<webhook id>/<ms:13>/<event id>   delivery log entry
//   x/<webhook id>/<event id>           log entry's <ms:13> (find by event id)
#pragma once

#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/clock.h"
#include "core/store.h"

namespace reghook {

class LeveldbStore : public Store {
 public:
  // Opens (creating if needed) the database in dir. env is for tests (an in-memory Env); null
  // means the real file system. kUnavailable says why the database could not be opened.
  static Result<std::unique_ptr<LeveldbStore>> open(const std::string& dir, const Clock& clock,
                                                    leveldb::Env* env = nullptr);
  ~LeveldbStore() override;

  Result<size_t> appendInbox(const std::string& registry, const std::vector<InboxItem>& items,
                             const std::vector<DeadLetter>& dead_letters) override;
  Result<std::vector<InboxEntry>> readInbox(uint64_t after_seq, size_t max) override;
  size_t inboxBacklog() const override { return backlog_.load(); }
  Result<size_t> forgetEventIds(int64_t received_before_ms) override;
  Result<size_t> forgetDeadLetters(int64_t received_before_ms) override;
  Result<Page<DeadLetter>> listDeadLetters(const std::string& registry, size_t top,
                                           const std::string& skip_token) override;

  Result<std::optional<DigestInfo>> getDigest(const std::string& registry,
                                              const std::string& repository,
                                              const std::string& digest) override;
  Result<std::optional<std::string>> digestOfTag(const std::string& registry,
                                                 const std::string& repository,
                                                 const std::string& tag) override;
  Result<std::vector<std::pair<std::string, DigestInfo>>> digestsOf(
      const std::string& registry, const std::string& repository) override;

  Status commitNormalized(NormalizedBatch& batch) override;

  Result<std::vector<Webhook>> listWebhooks() override;
  Status putWebhook(const Webhook& webhook) override;
  Status deleteWebhook(const Webhook& webhook) override;

  Status scanJobs(const std::function<void(Job&&)>& visit) override;
  Result<Job> getJob(const std::string& key) override;
  Status recordAttempt(const Job& job, const LogEntry& entry, bool done) override;
  Status putJob(Job& job) override;

  Status putLog(const LogEntry& entry) override;
  Result<Page<LogEntry>> listLog(const std::string& webhook_id, size_t top,
                                 const std::string& skip_token) override;
  Result<std::optional<LogEntry>> findLog(const std::string& webhook_id,
                                          const std::string& event_id) override;
  Result<size_t> pruneLog(const std::string& webhook_id, size_t max_entries,
                          int64_t min_created_ms) override;

 private:
  LeveldbStore(std::unique_ptr<const leveldb::FilterPolicy> filter, leveldb::DB* db,
               const Clock& clock);
  Status init();
  Result<std::optional<std::string>> get(const std::string& key);
  Status write(leveldb::WriteBatch& batch, bool sync);
  void deletePrefix(const std::string& prefix, leveldb::WriteBatch& batch);

  std::unique_ptr<const leveldb::FilterPolicy> filter_;  // outlives db_ (declared first)
  std::unique_ptr<leveldb::DB> db_;
  const Clock& clock_;
  std::atomic<size_t> backlog_{0};

  // Inbox sequence numbers: allocated under seq_mutex_; readInbox only returns entries below
  // the smallest sequence still being written, so a slower writer never leaves a gap behind.
  std::mutex seq_mutex_;
  uint64_t next_seq_ = 1;
  std::multiset<uint64_t> writing_;
  // Serialises dedupe check + write per upstream id (striped).
  std::mutex dedupe_mutex_[1024];
  // Orders webhook deletion against attempt records, so a deleted webhook's log stays deleted.
  std::mutex webhook_mutex_;
  std::set<std::string> deleted_webhooks_;
};

}  // namespace reghook

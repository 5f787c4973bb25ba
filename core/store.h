// Store: the durable state of reghook, as one port so that a change that spans several parts
// (an inbox event consumed, its digest index updates and its delivery jobs) commits atomically.
// Implementations are thread-safe. Every method returns kUnavailable when the database fails.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/webhook.h"

namespace reghook {

// An upstream event accepted by the sink, as stored in the inbox.
struct InboxItem {
  std::string event_id;    // upstream id: the dedupe key within a registry
  std::string event_json;  // the upstream event object, compact JSON
};

struct InboxEntry {
  uint64_t seq = 0;  // arrival order
  std::string registry;
  std::string event_json;
};

// An event reghook could not use, kept for operators with the reason.
struct DeadLetter {
  std::string registry;
  std::string event_id;
  std::string reason;
  std::string event_json;
  int64_t received_ms = 0;
};

struct DigestInfo {
  std::string media_type;
  int64_t size = 0;
  std::vector<std::string> tags;
  bool chart = false;
};

// Changes to the digest index, applied in the order given.
struct IndexChange {
  enum class Kind { kPutDigest, kDeleteDigest, kPutTag, kDeleteTag } kind;
  std::string registry;
  std::string repository;
  std::string digest;  // kPutDigest, kDeleteDigest, kPutTag
  std::string tag;     // kPutTag, kDeleteTag
  DigestInfo info;     // kPutDigest
};

// A delivery job: one ACR event for one webhook.
struct Job {
  std::string key;  // assigned by the store
  std::string webhook_id;
  std::string event_id;
  std::string action;
  std::string payload;  // the ACR JSON body
  std::string subject;  // "repository:tag" or "repository@digest", for logs and tables
  int attempts = 0;
  int64_t next_ms = 0;
  int64_t created_ms = 0;
};

// One delivery log entry, kept per webhook. json is the API's Event object.
struct LogEntry {
  std::string webhook_id;
  std::string event_id;
  int64_t created_ms = 0;  // orders the log; the same for every attempt of the event
  std::string json;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_token;  // empty when there is no further page
};

// Everything the normalizer produced for a group of inbox entries, committed at once.
struct NormalizedBatch {
  std::vector<uint64_t> consumed_seqs;
  std::vector<IndexChange> index_changes;
  std::vector<Job> jobs;           // their log entries are written as "pending"
  std::vector<LogEntry> job_logs;  // one per job, same order
};

class Store {
 public:
  virtual ~Store() = default;

  // --- inbox (sink) ---
  // Durably (fsync) stores the items whose id this registry has not sent before, and the dead
  // letters. Returns how many items were new. Safe to call from many threads at once.
  virtual Result<size_t> appendInbox(const std::string& registry,
                                     const std::vector<InboxItem>& items,
                                     const std::vector<DeadLetter>& dead_letters) = 0;
  // Up to max entries with seq > after_seq, in arrival order.
  virtual Result<std::vector<InboxEntry>> readInbox(uint64_t after_seq, size_t max) = 0;
  virtual size_t inboxBacklog() const = 0;
  // Forgets the upstream ids received before the time (the registry resends an event within
  // seconds of a lost answer, so old ids only take space). Returns how many were forgotten.
  virtual Result<size_t> forgetEventIds(int64_t received_before_ms) = 0;
  // Deletes the dead letters received before the time. Returns how many.
  virtual Result<size_t> forgetDeadLetters(int64_t received_before_ms) = 0;
  virtual Result<Page<DeadLetter>> listDeadLetters(const std::string& registry, size_t top,
                                                   const std::string& skip_token) = 0;

  // --- digest index ---
  virtual Result<std::optional<DigestInfo>> getDigest(const std::string& registry,
                                                      const std::string& repository,
                                                      const std::string& digest) = 0;
  virtual Result<std::optional<std::string>> digestOfTag(const std::string& registry,
                                                         const std::string& repository,
                                                         const std::string& tag) = 0;
  virtual Result<std::vector<std::pair<std::string, DigestInfo>>> digestsOf(
      const std::string& registry, const std::string& repository) = 0;

  // --- normalizer commit ---
  // Removes the consumed inbox entries, applies the index changes, and creates the jobs with
  // their log entries, all in one atomic write. Jobs whose (webhook, event) already exists are
  // skipped, so replaying an entry after a crash does not duplicate deliveries. Fills job keys.
  virtual Status commitNormalized(NormalizedBatch& batch) = 0;

  // --- webhooks ---
  virtual Result<std::vector<Webhook>> listWebhooks() = 0;
  virtual Status putWebhook(const Webhook& webhook) = 0;
  // Removes the webhook, its pending jobs and its delivery log.
  virtual Status deleteWebhook(const Webhook& webhook) = 0;

  // --- jobs ---
  // Calls visit with every pending job (payload left empty), in key order, without holding them
  // all in memory.
  virtual Status scanJobs(const std::function<void(Job&&)>& visit) = 0;
  // kNotFound when the job is gone (delivered, or its webhook deleted).
  virtual Result<Job> getJob(const std::string& key) = 0;
  // Records an attempt: writes the log entry and either updates the job (next attempt) or
  // removes it (done == true), atomically.
  virtual Status recordAttempt(const Job& job, const LogEntry& entry, bool done) = 0;
  // Creates a job again for an event already in the log (redeliver). Fills job.key.
  virtual Status putJob(Job& job) = 0;

  // --- delivery log ---
  virtual Status putLog(const LogEntry& entry) = 0;
  // Newest first. skip_token is a next_token from an earlier page.
  virtual Result<Page<LogEntry>> listLog(const std::string& webhook_id, size_t top,
                                         const std::string& skip_token) = 0;
  virtual Result<std::optional<LogEntry>> findLog(const std::string& webhook_id,
                                                  const std::string& event_id) = 0;
  // Deletes entries beyond the newest max_entries and those created before min_created_ms.
  // Returns how many were deleted.
  virtual Result<size_t> pruneLog(const std::string& webhook_id, size_t max_entries,
                                  int64_t min_created_ms) = 0;
};

}  // namespace reghook

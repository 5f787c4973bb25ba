// DeliveryScheduler: the in-memory view of pending delivery jobs, one queue per webhook with a
// bound on jobs in flight, so a slow webhook never holds another's jobs. Durable state lives in
// the Outbox; this only decides what to start next. Thread-safe (one internal mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace reghook {

struct ScheduledJob {
  std::string webhook_id;
  std::string job_key;  // the Outbox's key for the job
  int64_t due_ms = 0;
};

struct QueueStats {
  std::string webhook_id;
  size_t depth = 0;           // pending plus in flight
  int64_t oldest_due_ms = 0;  // due time of the earliest pending job (0 when none)
};

class DeliveryScheduler {
 public:
  explicit DeliveryScheduler(int max_in_flight_per_webhook);

  // Adds a job (or moves it, if the key is already pending, to the new due time). A job that is
  // in flight is not started a second time: it is queued again when its attempt finishes.
  void add(const ScheduledJob& job);
  // Returns up to `max` due jobs whose webhook is under its in-flight bound, marking them in
  // flight; the earliest due first.
  std::vector<ScheduledJob> takeDue(int64_t now_ms, size_t max);
  // Marks a job taken by takeDue as finished; with next_due_ms it is pending again.
  void finish(const ScheduledJob& job, std::optional<int64_t> next_due_ms);
  // Drops every pending job of the webhook (its in-flight jobs finish on their own).
  void removeWebhook(const std::string& webhook_id);
  // Earliest due time among webhooks with capacity, if any.
  std::optional<int64_t> nextDueMs() const;
  std::vector<QueueStats> stats() const;
  size_t pendingCount() const;

 private:
  struct Queue {
    std::set<std::pair<int64_t, std::string>> jobs;  // (due, job key)
    std::map<std::string, int64_t> due_by_key;
    std::set<std::string> in_flight_keys;
    std::map<std::string, int64_t> again_after_flight;  // added while in flight: due time
    int in_flight = 0;
  };
  void refreshHead(const std::string& webhook_id, Queue& queue);  // requires mutex_

  const int max_in_flight_;
  mutable std::mutex mutex_;
  std::map<std::string, Queue> queues_;
  // (due of first job, webhook id) for each webhook with pending jobs and free capacity.
  std::set<std::pair<int64_t, std::string>> heads_;
  std::map<std::string, int64_t> head_of_;
  size_t pending_ = 0;
};

}  // namespace reghook

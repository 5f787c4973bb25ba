// DeliveryService: runs delivery jobs (SPEC §7): per-webhook queues with an in-flight bound,
// HTTP attempts with Standard Webhooks headers, retries with backoff and jitter, the delivery
// log, ping, redelivery and log retention. Thread-safe; start() runs its worker threads, and
// tests may instead call runDue() on their own thread with a fake clock.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/delivery_scheduler.h"
#include "core/http_sender.h"
#include "core/retry_policy.h"
#include "core/store.h"
#include "plugin/config.h"
#include "plugin/metrics.h"
#include "plugin/webhook_catalog.h"

namespace reghook {

struct PingResult {
  std::string id;
  SendResult result;
};

class DeliveryService {
 public:
  DeliveryService(Store& store, WebhookCatalog& catalog, HttpSender& sender, Metrics& metrics,
                  const Clock& clock, const DeliveryConfig& config);
  ~DeliveryService();

  // Queues the pending jobs of the store. Tests call it before runDue(); start() calls it.
  Status load();
  // Starts `workers` delivery threads and the log pruner. With load_jobs, the pending jobs of
  // the store are queued in the background first (the server serves meanwhile: a restart with
  // a million pending jobs does not hold back the registry's notifications).
  void start(int workers, bool load_jobs = true);
  // True once the pending jobs found at start are all queued.
  bool jobsLoaded() const { return jobs_loaded_; }
  // Stops taking jobs, waits for the attempts in flight to be recorded, joins the threads.
  void stop();
  bool running() const { return running_; }

  // Queues jobs just written to the store.
  void enqueue(const std::vector<Job>& jobs);
  // Runs every due job on the calling thread (tests); returns how many attempts were made.
  size_t runDue();

  // The log entry of a job not attempted yet.
  LogEntry pendingLog(const Webhook& webhook, const Job& job) const;

  // Sends a ping now, synchronously, regardless of status, actions and scope; logs it.
  Result<PingResult> ping(const Webhook& webhook);
  // Queues the logged event for a new attempt now, keeping its id. kNotFound when not in log.
  Status redeliver(const Webhook& webhook, const std::string& event_id);
  // Drops the queued jobs of a deleted webhook.
  void forgetWebhook(const std::string& webhook_id);
  // Applies log retention to every webhook now; returns the entries deleted.
  size_t pruneLogs();

  std::vector<QueueStats> queueStats() const { return scheduler_.stats(); }
  size_t pendingCount() const { return scheduler_.pendingCount(); }

 private:
  struct Prepared {
    OutgoingRequest request;
    Headers logged_headers;  // custom header values masked
  };
  // The request for an event, and its headers as the log shows them. sign == false leaves out
  // the signature: for log entries of requests not sent (pending, webhook disabled).
  Prepared prepare(const Webhook& webhook, const std::string& event_id, const std::string& payload,
                   bool sign = true) const;
  void attempt(const ScheduledJob& scheduled);
  void workerLoop();
  void prunerLoop();
  double jitter();

  Store& store_;
  WebhookCatalog& catalog_;
  HttpSender& sender_;
  Metrics& metrics_;
  const Clock& clock_;
  const DeliveryConfig config_;
  RetryPolicy policy_;
  DeliveryScheduler scheduler_;

  std::atomic<bool> running_{false};
  std::atomic<bool> jobs_loaded_{false};
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  std::thread pruner_;
  std::mutex random_mutex_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace reghook

// IngestWorker: the stage between the inbox and the outbox. Reads stored upstream events in
// arrival order, normalizes them (holding a digest delete until the tag deletes of its request
// are in), fans each ACR event out to the matching webhooks, and commits the consumed entries,
// index changes and jobs in one batch before queueing the jobs for delivery. Runs on one thread
// of its own (start/stop); tests may call processAvailable() instead.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/distribution/normalizer.h"
#include "core/clock.h"
#include "core/store.h"
#include "plugin/delivery_service.h"
#include "plugin/metrics.h"
#include "plugin/webhook_catalog.h"

namespace reghook {

class IngestWorker {
 public:
  // dead_letter_max_age_ms: dead letters older than this are deleted (hourly).
  IngestWorker(Store& store, WebhookCatalog& catalog, DeliveryService& delivery, Metrics& metrics,
               const Clock& clock, int64_t hold_ms = 250,
               int64_t dead_letter_max_age_ms = 30LL * 24 * 3600 * 1000);

  // How long upstream event ids are remembered to drop the registry's repeats, and how often
  // older ids and old dead letters are forgotten.
  static constexpr int64_t kRememberIdsMs = 7LL * 24 * 3600 * 1000;
  static constexpr int64_t kForgetEveryMs = 3600LL * 1000;
  ~IngestWorker();

  void start();
  void stop();
  void notify();
  bool running() const { return running_; }

  // Processes every available inbox entry. A held digest delete is committed when its window
  // has passed, or at once with flush_held. Returns false if the store failed.
  bool processAvailable(bool flush_held);

 private:
  struct Pending {
    uint64_t seq;
    UpstreamEvent event;
  };
  // What one commit carries, plus what to count once it is durable.
  struct Batch {
    NormalizedBatch store;
    std::vector<std::pair<std::string, std::string>> upstream;  // (registry, upstream action)
    std::vector<std::pair<std::string, std::string>> events;    // (registry, action)
    std::vector<std::pair<std::string, std::string>> dropped;   // (registry, reason)
  };
  // Normalizes a group and fans it out into the batch; false if the store failed.
  bool normalizeInto(const std::vector<Pending>& group, Batch& batch);
  bool commit(Batch& batch);
  // After a failure: forget what was read but not committed, to read it again.
  bool rewind(const Batch& batch);
  void loop();

  Store& store_;
  WebhookCatalog& catalog_;
  DeliveryService& delivery_;
  Metrics& metrics_;
  const Clock& clock_;
  const int64_t hold_ms_;
  const int64_t dead_letter_max_age_ms_;
  distribution::Normalizer normalizer_;

  uint64_t read_up_to_ = 0;  // last inbox seq read (committed or held)
  int64_t last_forget_ms_ = 0;
  // Per registry: a digest delete and the tag deletes of its request, and when to stop waiting.
  // Registries are held apart, so one registry's events do not end another's wait.
  struct Held {
    std::vector<Pending> group;
    int64_t deadline_ms = 0;
  };
  std::map<std::string, Held> held_;

  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  std::thread thread_;
};

}  // namespace reghook

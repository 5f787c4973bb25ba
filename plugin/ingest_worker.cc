#include "plugin/ingest_worker.h"

#include <Poco/Logger.h>

#include <algorithm>

#include "adapters/acr/acr_json.h"
#include "adapters/distribution/envelope.h"

namespace reghook {
namespace {

Poco::Logger& logger() { return Poco::Logger::get("reghook.ingest"); }

std::string subjectOf(const AcrEvent& e) {
  if (!e.target) return "";
  const AcrTarget& t = *e.target;
  if (!t.tag.empty()) return t.repository + ":" + t.tag;
  if (t.tags && !t.tags->empty()) return t.repository + ":" + t.tags->front();
  if (!t.digest.empty()) return t.repository + "@" + t.digest;
  return t.repository;
}

}  // namespace

IngestWorker::IngestWorker(Store& store, WebhookCatalog& catalog, DeliveryService& delivery,
                           Metrics& metrics, const Clock& clock, int64_t hold_ms,
                           int64_t dead_letter_max_age_ms)
    : store_(store),
      catalog_(catalog),
      delivery_(delivery),
      metrics_(metrics),
      clock_(clock),
      hold_ms_(hold_ms),
      dead_letter_max_age_ms_(dead_letter_max_age_ms),
      normalizer_(store) {}

IngestWorker::~IngestWorker() { stop(); }

void IngestWorker::start() {
  running_ = true;
  thread_ = std::thread([this] { loop(); });
}

void IngestWorker::stop() {
  if (!running_.exchange(false)) return;
  notify();
  thread_.join();
}

void IngestWorker::notify() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (notified_) return;  // already woken: the pass it starts reads this entry too
    notified_ = true;
  }
  wake_.notify_one();
}

void IngestWorker::loop() {
  last_forget_ms_ = clock_.nowMs();
  while (running_) {
    const bool ok = processAvailable(false);
    if (clock_.nowMs() - last_forget_ms_ >= kForgetEveryMs) {
      last_forget_ms_ = clock_.nowMs();
      auto ids = store_.forgetEventIds(last_forget_ms_ - kRememberIdsMs);
      if (!ids.isOk()) logger().error("cannot forget old event ids: %s", ids.status().message());
      auto letters = store_.forgetDeadLetters(last_forget_ms_ - dead_letter_max_age_ms_);
      if (!letters.isOk()) {
        logger().error("cannot delete old dead letters: %s", letters.status().message());
      }
    }
    std::unique_lock<std::mutex> lock(mutex_);
    int64_t wait_ms = ok ? 1000 : 500;
    for (const auto& [registry, held] : held_) {
      wait_ms = std::min(wait_ms, std::max<int64_t>(1, held.deadline_ms - clock_.nowMs()));
    }
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return notified_; });
    notified_ = false;
  }
}

bool IngestWorker::processAvailable(bool flush_held) {
  constexpr size_t kRead = 256;
  constexpr size_t kMaxBatch = 1024;  // inbox entries per commit
  Batch batch;
  while (true) {
    auto entries = store_.readInbox(read_up_to_, kRead);
    if (!entries.isOk()) {
      logger().error("cannot read the inbox: %s", entries.status().message());
      return rewind(batch);
    }
    for (const auto& entry : entries.value()) {
      auto event = distribution::parseEvent(entry.event_json, entry.registry);
      if (!event.isOk()) {
        // The sink dead-letters unusable events; a stored one that fails here is corrupt.
        logger().error("inbox entry %s is unusable: %s", std::to_string(entry.seq),
                       event.status().message());
        batch.store.consumed_seqs.push_back(entry.seq);
        read_up_to_ = entry.seq;
        continue;
      }
      Pending p{entry.seq, event.value()};
      batch.upstream.emplace_back(p.event.registry, p.event.action);
      auto held = held_.find(p.event.registry);
      if (held != held_.end()) {
        const UpstreamEvent& head = held->second.group.front().event;
        if (distribution::isTagDelete(p.event) && p.event.request_id == head.request_id &&
            p.event.repository == head.repository) {
          held->second.group.push_back(std::move(p));
          read_up_to_ = entry.seq;
          continue;
        }
        if (!normalizeInto(held->second.group, batch)) return rewind(batch);
        held_.erase(held);
      }
      if (distribution::isDigestDelete(p.event)) {
        const std::string registry = p.event.registry;
        held_[registry] = Held{{std::move(p)}, clock_.nowMs() + hold_ms_};
      } else if (!normalizeInto({p}, batch)) {
        return rewind(batch);
      }
      read_up_to_ = entry.seq;
    }
    if (batch.store.consumed_seqs.size() >= kMaxBatch && !commit(batch)) return false;
    if (entries.value().size() < kRead) break;
  }
  for (auto it = held_.begin(); it != held_.end();) {
    if (flush_held || clock_.nowMs() >= it->second.deadline_ms) {
      if (!normalizeInto(it->second.group, batch)) return rewind(batch);
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  return commit(batch);
}

bool IngestWorker::rewind(const Batch& batch) {
  uint64_t first = read_up_to_ + 1;
  for (uint64_t seq : batch.store.consumed_seqs) first = std::min(first, seq);
  for (const auto& [registry, held] : held_) {
    for (const auto& p : held.group) first = std::min(first, p.seq);
  }
  read_up_to_ = first - 1;
  held_.clear();
  normalizer_.committed();  // the overlay described changes that were not committed
  return false;
}

bool IngestWorker::normalizeInto(const std::vector<Pending>& group, Batch& batch) {
  std::vector<UpstreamEvent> events;
  for (const auto& p : group) events.push_back(p.event);
  auto normalized = normalizer_.normalize(events);
  if (!normalized.isOk()) {
    logger().error("cannot normalize event %s: %s", events.front().id,
                   normalized.status().message());
    return false;
  }
  for (const auto& p : group) batch.store.consumed_seqs.push_back(p.seq);
  for (auto& c : normalized->changes) batch.store.index_changes.push_back(std::move(c));
  const int64_t now = clock_.nowMs();
  const std::string& registry = events.front().registry;
  for (const auto& event : normalized->events) {
    batch.events.emplace_back(registry, event.action);
    const std::string payload = acr::payloadJson(event);
    for (const auto& webhook : catalog_.match(registry, event)) {
      Job job;
      job.webhook_id = webhook->id;
      job.event_id = event.id;
      job.action = event.action;
      job.payload = payload;
      job.subject = subjectOf(event);
      job.next_ms = now;
      job.created_ms = now;
      batch.store.job_logs.push_back(delivery_.pendingLog(*webhook, job));
      batch.store.jobs.push_back(std::move(job));
    }
  }
  for (const auto& reason : normalized->dropped) batch.dropped.emplace_back(registry, reason);
  return true;
}

bool IngestWorker::commit(Batch& batch) {
  if (batch.store.consumed_seqs.empty()) return true;
  Status s = store_.commitNormalized(batch.store);
  if (!s.isOk()) {
    logger().error("cannot commit normalized events: %s", s.message());
    return rewind(batch);
  }
  normalizer_.committed();
  for (const auto& [registry, action] : batch.upstream) {
    metrics_.add("reghook_upstream_events_total", {{"registry", registry}, {"action", action}});
  }
  for (const auto& [registry, action] : batch.events) {
    metrics_.add("reghook_events_total", {{"registry", registry}, {"action", action}});
  }
  for (const auto& [registry, reason] : batch.dropped) {
    metrics_.add("reghook_events_dropped_total", {{"registry", registry}, {"reason", reason}});
  }
  delivery_.enqueue(batch.store.jobs);
  batch = Batch{};
  return true;
}

}  // namespace reghook

#include "plugin/ingest_worker.h"

#include <Poco/Logger.h>

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
                           Metrics& metrics, const Clock& clock, int64_t hold_ms)
    : store_(store),
      catalog_(catalog),
      delivery_(delivery),
      metrics_(metrics),
      clock_(clock),
      hold_ms_(hold_ms),
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
    notified_ = true;
  }
  wake_.notify_one();
}

void IngestWorker::loop() {
  while (running_) {
    const bool ok = processAvailable(false);
    std::unique_lock<std::mutex> lock(mutex_);
    int64_t wait_ms = ok ? 1000 : 500;
    if (!held_.empty()) wait_ms = std::max<int64_t>(1, held_deadline_ms_ - clock_.nowMs());
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return notified_; });
    notified_ = false;
  }
}

bool IngestWorker::processAvailable(bool flush_held) {
  while (true) {
    auto entries = store_.readInbox(read_up_to_, 256);
    if (!entries.isOk()) {
      logger().error("cannot read the inbox: %s", entries.status().message());
      return false;
    }
    for (const auto& entry : entries.value()) {
      auto event = distribution::parseEvent(entry.event_json, entry.registry);
      if (!event.isOk()) {
        // The sink dead-letters unusable events; a stored one that fails here is corrupt.
        logger().error("inbox entry %s is unusable: %s", std::to_string(entry.seq),
                       event.status().message());
        NormalizedBatch batch;
        batch.consumed_seqs.push_back(entry.seq);
        if (!store_.commitNormalized(batch).isOk()) return false;
        read_up_to_ = entry.seq;
        continue;
      }
      Pending p{entry.seq, event.value()};
      if (!held_.empty()) {
        const UpstreamEvent& head = held_.front().event;
        if (distribution::isTagDelete(p.event) && p.event.registry == head.registry &&
            p.event.request_id == head.request_id && p.event.repository == head.repository) {
          held_.push_back(std::move(p));
          read_up_to_ = entry.seq;
          continue;
        }
        const bool ok = process(held_);
        held_.clear();
        if (!ok) return false;
      }
      if (distribution::isDigestDelete(p.event)) {
        held_.push_back(std::move(p));
        held_deadline_ms_ = clock_.nowMs() + hold_ms_;
      } else if (!process({p})) {
        return false;
      }
      read_up_to_ = entry.seq;
    }
    if (entries.value().size() < 256) break;
  }
  if (!held_.empty() && (flush_held || clock_.nowMs() >= held_deadline_ms_)) {
    const bool ok = process(held_);
    held_.clear();
    return ok;
  }
  return true;
}

bool IngestWorker::process(const std::vector<Pending>& group) {
  std::vector<UpstreamEvent> events;
  for (const auto& p : group) events.push_back(p.event);
  auto normalized = normalizer_.normalize(events);
  if (!normalized.isOk()) {
    logger().error("cannot normalize event %s: %s", events.front().id,
                   normalized.status().message());
    read_up_to_ = group.front().seq - 1;  // try again from this group
    return false;
  }
  NormalizedBatch batch;
  for (const auto& p : group) batch.consumed_seqs.push_back(p.seq);
  batch.index_changes = normalized->changes;
  const int64_t now = clock_.nowMs();
  const std::string& registry = events.front().registry;
  for (const auto& event : normalized->events) {
    const std::string payload = acr::payloadJson(event);
    for (const auto& webhook : catalog_.match(registry, event)) {
      Job job;
      job.webhook_id = webhook.id;
      job.event_id = event.id;
      job.action = event.action;
      job.payload = payload;
      job.subject = subjectOf(event);
      job.next_ms = now;
      job.created_ms = now;
      batch.job_logs.push_back(delivery_.pendingLog(webhook, job));
      batch.jobs.push_back(std::move(job));
    }
  }
  Status s = store_.commitNormalized(batch);
  if (!s.isOk()) {
    logger().error("cannot commit normalized events: %s", s.message());
    read_up_to_ = group.front().seq - 1;
    return false;
  }
  for (const auto& event : normalized->events) {
    metrics_.add("reghook_events_total", {{"registry", registry}, {"action", event.action}});
  }
  for (const auto& reason : normalized->dropped) {
    metrics_.add("reghook_events_dropped_total", {{"registry", registry}, {"reason", reason}});
  }
  delivery_.enqueue(batch.jobs);
  return true;
}

}  // namespace reghook

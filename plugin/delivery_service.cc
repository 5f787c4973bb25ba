#include "plugin/delivery_service.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/String.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <sstream>

#include "adapters/acr/acr_json.h"
#include "adapters/http/signer.h"
#include "plugin/version.h"

namespace reghook {
namespace {

const char* outcomeName(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::kDelivered:
      return "delivered";
    case AttemptOutcome::kRetry:
      return "retrying";
    default:
      return "failed";
  }
}

bool hasHeader(const Headers& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (Poco::icompare(k, name) == 0) return true;
  }
  return false;
}

Poco::Logger& logger() { return Poco::Logger::get("reghook.delivery"); }

}  // namespace

DeliveryService::DeliveryService(Store& store, WebhookCatalog& catalog, HttpSender& sender,
                                 Metrics& metrics, const Clock& clock, const DeliveryConfig& config)
    : store_(store),
      catalog_(catalog),
      sender_(sender),
      metrics_(metrics),
      clock_(clock),
      config_(config),
      policy_(config.retry_schedule_ms),
      scheduler_(config.max_in_flight_per_webhook) {}

DeliveryService::~DeliveryService() { stop(); }

Status DeliveryService::load() {
  size_t n = 0;
  Status s = store_.scanJobs([this, &n](Job&& job) {
    scheduler_.add({job.webhook_id, job.key, job.next_ms});
    if (++n % 4096 == 0) wake_.notify_all();  // workers may start on what is queued so far
  });
  jobs_loaded_ = true;
  wake_.notify_all();
  return s;
}

void DeliveryService::start(int workers, bool load_jobs) {
  running_ = true;
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { workerLoop(); });
  pruner_ = std::thread([this, load_jobs] {
    if (load_jobs) {
      const auto started = std::chrono::steady_clock::now();
      Status s = load();
      if (!s.isOk()) logger().error("cannot load pending deliveries: %s", s.message());
      logger().information(
          "queued %z pending deliveries from the database in %Ld ms", scheduler_.pendingCount(),
          static_cast<Poco::Int64>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count()));
    }
    prunerLoop();
  });
}

void DeliveryService::stop() {
  if (!running_.exchange(false)) return;
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  if (pruner_.joinable()) pruner_.join();
}

void DeliveryService::enqueue(const std::vector<Job>& jobs) {
  for (const auto& job : jobs) scheduler_.add({job.webhook_id, job.key, job.next_ms});
  if (!jobs.empty()) wake_.notify_all();
}

void DeliveryService::forgetWebhook(const std::string& webhook_id) {
  scheduler_.removeWebhook(webhook_id);
}

size_t DeliveryService::runDue() {
  size_t n = 0;
  while (true) {
    auto due = scheduler_.takeDue(clock_.nowMs(), 1);
    if (due.empty()) return n;
    attempt(due.front());
    ++n;
  }
}

void DeliveryService::workerLoop() {
  while (running_) {
    auto due = scheduler_.takeDue(clock_.nowMs(), 1);
    if (!due.empty()) {
      attempt(due.front());
      continue;
    }
    std::unique_lock<std::mutex> lock(wake_mutex_);
    auto next = scheduler_.nextDueMs();
    const int64_t wait_ms =
        next ? std::max<int64_t>(1, std::min<int64_t>(*next - clock_.nowMs(), 1000)) : 1000;
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms));
  }
}

void DeliveryService::prunerLoop() {
  int64_t last = clock_.nowMs();
  while (running_) {
    {
      std::unique_lock<std::mutex> lock(wake_mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1));
    }
    if (running_ && clock_.nowMs() - last >= 60000) {
      pruneLogs();
      last = clock_.nowMs();
    }
  }
}

size_t DeliveryService::pruneLogs() {
  size_t deleted = 0;
  const int64_t min_created = clock_.nowMs() - config_.log_max_age_days * 24 * 3600 * 1000;
  for (const auto& registry : catalog_.registries()) {
    for (const auto& w : catalog_.list(registry)) {
      auto n = store_.pruneLog(w.id, static_cast<size_t>(config_.log_max_entries), min_created);
      if (n.isOk()) deleted += n.value();
    }
  }
  return deleted;
}

double DeliveryService::jitter() {
  std::lock_guard<std::mutex> lock(random_mutex_);
  return std::uniform_real_distribution<double>(-1.0, 1.0)(random_);
}

DeliveryService::Prepared DeliveryService::prepare(const Webhook& webhook,
                                                   const std::string& event_id,
                                                   const std::string& payload, bool sign) const {
  Prepared p;
  p.request.uri = webhook.service_uri;
  p.request.body = payload;
  p.request.timeout_ms = webhook.timeout_seconds * 1000;
  for (const auto& [name, value] : webhook.custom_headers) {
    p.request.headers.emplace_back(name, value);
    p.logged_headers.emplace_back(name, "******");
  }
  auto add = [&p](const std::string& name, const std::string& value) {
    p.request.headers.emplace_back(name, value);
    p.logged_headers.emplace_back(name, value);
  };
  if (!hasHeader(webhook.custom_headers, "Content-Type")) {
    add("Content-Type", "application/json; charset=utf-8");
  }
  // The sender puts these two on the wire itself; the log shows them too.
  p.logged_headers.emplace_back("Content-Length", std::to_string(payload.size()));
  p.logged_headers.emplace_back("User-Agent", std::string("reghook/") + kVersion);
  const int64_t timestamp = clock_.nowMs() / 1000;
  add("webhook-id", event_id);
  add("webhook-timestamp", std::to_string(timestamp));
  if (sign && !webhook.signing_secret.empty()) {
    add("webhook-signature",
        http::webhookSignature(webhook.signing_secret, event_id, timestamp, payload));
  }
  return p;
}

LogEntry DeliveryService::pendingLog(const Webhook& webhook, const Job& job) const {
  acr::AttemptRecord r;
  r.event_id = job.event_id;
  r.payload = job.payload;
  r.request_headers = prepare(webhook, job.event_id, job.payload, false).logged_headers;
  r.request_uri = acr::maskUri(webhook.service_uri);
  r.status = "pending";
  r.timestamp = acr::rfc3339(job.created_ms);
  r.action = job.action;
  r.subject = job.subject;
  return LogEntry{webhook.id, job.event_id, job.created_ms, acr::logEntryJson(r)};
}

void DeliveryService::attempt(const ScheduledJob& scheduled) {
  auto job = store_.getJob(scheduled.job_key);
  auto webhook = catalog_.byId(scheduled.webhook_id);
  if (!job.isOk() || !webhook) {
    scheduler_.finish(scheduled, std::nullopt);
    return;
  }
  Job& j = job.value();
  acr::AttemptRecord r;
  r.event_id = j.event_id;
  r.payload = j.payload;
  r.request_uri = acr::maskUri(webhook->service_uri);
  r.action = j.action;
  r.subject = j.subject;
  r.attempts = j.attempts + 1;
  r.timestamp = acr::rfc3339(clock_.nowMs());
  std::optional<int64_t> next_ms;
  AttemptOutcome outcome;
  std::string outcome_label;
  if (!webhook->enabled()) {
    // Disabled after the job was queued: it is not sent; redeliver sends it once re-enabled.
    r.attempts = j.attempts;
    r.request_headers = prepare(*webhook, j.event_id, j.payload, false).logged_headers;
    r.status = "failed";
    r.error = "not sent: the webhook is disabled";
    outcome_label = "skipped_disabled";
    outcome = AttemptOutcome::kFail;
  } else {
    Prepared p = prepare(*webhook, j.event_id, j.payload);
    r.request_headers = p.logged_headers;
    SendResult sent = sender_.send(p.request);
    r.duration_ms = sent.duration_ms;
    if (sent.answered) {
      r.response = acr::ResponseRecord{sent.status_code, sent.reason, sent.headers, sent.body};
    } else {
      r.error = sent.error;
    }
    outcome = classifyAttempt(sent.answered ? sent.status_code : 0);
    if (outcome == AttemptOutcome::kRetry) {
      auto delay = policy_.nextDelayMs(r.attempts, jitter(), sent.retry_after_ms);
      if (delay)
        next_ms = clock_.nowMs() + *delay;
      else
        outcome = AttemptOutcome::kFail;
    }
    r.status = outcomeName(outcome);
    outcome_label = r.status;
    metrics_.observeLatencyMs("reghook_delivery_attempt_seconds",
                              {{"registry", webhook->registry}, {"webhook", webhook->name}},
                              static_cast<double>(sent.duration_ms));
    logger().information("delivery registry=%s webhook=%s event=%s attempt=%d status=%d %s %s",
                         webhook->registry, webhook->name, j.event_id, r.attempts, sent.status_code,
                         std::string(r.status),
                         sent.answered ? std::to_string(sent.duration_ms) + "ms" : sent.error);
  }
  if (outcome == AttemptOutcome::kFailAndDisable) {
    Webhook disabled = *webhook;
    disabled.status = "disabled";
    disabled.updated_at = acr::rfc3339(clock_.nowMs());
    catalog_.put(disabled);
    logger().warning("webhook %s/%s disabled: its endpoint answered 410 Gone", webhook->registry,
                     webhook->name);
  }
  metrics_.add(
      "reghook_deliveries_total",
      {{"registry", webhook->registry}, {"webhook", webhook->name}, {"outcome", outcome_label}});
  j.attempts = r.attempts;
  if (next_ms) j.next_ms = *next_ms;
  LogEntry entry{j.webhook_id, j.event_id, j.created_ms, acr::logEntryJson(r)};
  Status recorded = store_.recordAttempt(j, entry, !next_ms);
  if (!recorded.isOk() && recorded.code() != Code::kNotFound) {
    logger().error("cannot record delivery of event %s: %s", j.event_id, recorded.message());
  }
  scheduler_.finish(scheduled, next_ms);
  wake_.notify_one();
}

Result<PingResult> DeliveryService::ping(const Webhook& webhook) {
  PingResult out;
  out.id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  AcrEvent event;
  event.id = out.id;
  event.timestamp = acr::rfc3339(clock_.nowMs());
  event.action = "ping";
  const std::string payload = acr::payloadJson(event);
  Prepared p = prepare(webhook, out.id, payload);
  out.result = sender_.send(p.request);
  acr::AttemptRecord r;
  r.event_id = out.id;
  r.payload = payload;
  r.request_headers = p.logged_headers;
  r.request_uri = acr::maskUri(webhook.service_uri);
  if (out.result.answered) {
    r.response = acr::ResponseRecord{out.result.status_code, out.result.reason, out.result.headers,
                                     out.result.body};
  } else {
    r.error = out.result.error;
  }
  r.status = classifyAttempt(out.result.answered ? out.result.status_code : 0) ==
                     AttemptOutcome::kDelivered
                 ? "delivered"
                 : "failed";
  r.attempts = 1;
  r.timestamp = event.timestamp;
  r.duration_ms = out.result.duration_ms;
  r.action = "ping";
  Status s = store_.putLog({webhook.id, out.id, clock_.nowMs(), acr::logEntryJson(r)});
  if (!s.isOk()) return s;
  metrics_.add(
      "reghook_deliveries_total",
      {{"registry", webhook.registry}, {"webhook", webhook.name}, {"outcome", "ping_" + r.status}});
  return out;
}

Status DeliveryService::redeliver(const Webhook& webhook, const std::string& event_id) {
  auto found = store_.findLog(webhook.id, event_id);
  if (!found.isOk()) return found.status();
  if (!found.value()) {
    return Status::notFound("event '" + event_id + "' is not in the delivery log of webhook '" +
                            webhook.name + "'");
  }
  Job job;
  job.webhook_id = webhook.id;
  job.event_id = event_id;
  job.created_ms = found.value()->created_ms;
  job.next_ms = clock_.nowMs();
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    auto entry = parser.parse(found.value()->json).extract<Poco::JSON::Object::Ptr>();
    auto content = entry->getObject("eventRequestMessage")->getObject("content");
    std::ostringstream payload;
    content->stringify(payload);
    job.payload = payload.str();
    job.action = entry->optValue<std::string>("action", "");
    job.subject = entry->optValue<std::string>("subject", "");
  } catch (const Poco::Exception& e) {
    return Status::internal("the logged event cannot be read: " + e.displayText());
  }
  Status s = store_.putJob(job);
  if (!s.isOk()) return s;
  enqueue({job});
  return Status::ok();
}

}  // namespace reghook

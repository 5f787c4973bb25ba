#include "plugin/server.h"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>

#include <sstream>

#include "adapters/http/poco_http_sender.h"
#include "plugin/version.h"

namespace reghook {

Server::Server(const Config& config, const Clock& clock) : config_(config), clock_(clock) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::create(const Config& config, const Clock& clock,
                                               const std::string& console_dir) {
  std::unique_ptr<Server> s(new Server(config, clock));
  auto guard =
      http::AddressGuard::create(config.delivery.deny_networks, config.delivery.allow_networks);
  if (!guard.isOk()) {
    return Status::invalid(
        "InvalidConfig", "delivery",
        "config key 'delivery.denyNetworks/allowNetworks': " + guard.status().message());
  }
  auto store = LeveldbStore::open(config.data_dir, clock);
  if (!store.isOk()) return store.status();
  s->store_ = std::move(store.value());
  declareMetrics(s->metrics_);
  s->catalog_ = std::make_unique<WebhookCatalog>(*s->store_, config.webhooks_per_registry);
  Status loaded = s->catalog_->load();
  if (!loaded.isOk()) return loaded;
  s->sender_ = std::make_unique<http::PocoHttpSender>(guard.value(), config.delivery.ca_file,
                                                      std::string("reghook/") + kVersion);
  s->delivery_ = std::make_unique<DeliveryService>(*s->store_, *s->catalog_, *s->sender_,
                                                   s->metrics_, clock, s->config_.delivery);
  s->ingest_ =
      std::make_unique<IngestWorker>(*s->store_, *s->catalog_, *s->delivery_, s->metrics_, clock,
                                     250, s->config_.delivery.log_max_age_days * 24 * 3600 * 1000);
  s->context_.reset(new ApiContext{s->config_,
                                   *s->store_,
                                   *s->catalog_,
                                   *s->delivery_,
                                   *s->ingest_,
                                   s->metrics_,
                                   clock,
                                   console_dir,
                                   {},
                                   {}});
  Server* self = s.get();
  s->metrics_.setGaugeSource([self](std::string& out) {
    std::ostringstream g;
    g << "# HELP reghook_inbox_backlog Events stored but not yet normalized.\n"
      << "# TYPE reghook_inbox_backlog gauge\nreghook_inbox_backlog "
      << self->store_->inboxBacklog() << "\n";
    g << "# HELP reghook_queue_depth Pending and in-flight deliveries per webhook.\n"
      << "# TYPE reghook_queue_depth gauge\n";
    std::ostringstream age;
    age << "# HELP reghook_queue_oldest_pending_seconds Age of the oldest due delivery.\n"
        << "# TYPE reghook_queue_oldest_pending_seconds gauge\n";
    const int64_t now = self->clock_.nowMs();
    for (const auto& q : self->delivery_->queueStats()) {
      auto w = self->catalog_->byId(q.webhook_id);
      if (!w) continue;
      const std::string labels =
          "{registry=\"" + promLabel(w->registry) + "\",webhook=\"" + promLabel(w->name) + "\"}";
      g << "reghook_queue_depth" << labels << " " << q.depth << "\n";
      const int64_t oldest = q.oldest_due_ms && q.oldest_due_ms < now ? now - q.oldest_due_ms : 0;
      age << "reghook_queue_oldest_pending_seconds" << labels << " " << oldest / 1000.0 << "\n";
    }
    out += g.str() + age.str();
  });
  return s;
}

Status Server::start() {
  ingest_->start();
  delivery_->start(32);
  try {
    Poco::Net::ServerSocket socket(
        Poco::Net::SocketAddress(config_.listen_host, config_.listen_port), 256);
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(64);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    pool_ = std::make_unique<Poco::ThreadPool>(4, 64);
    http_ = std::make_unique<Poco::Net::HTTPServer>(new ApiHandlerFactory(*context_), *pool_,
                                                    socket, params);
    http_->start();
  } catch (const Poco::Exception& e) {
    return Status::unavailable("cannot listen on " + config_.listen_host + ":" +
                               std::to_string(config_.listen_port) + ": " + e.displayText());
  }
  return Status::ok();
}

uint16_t Server::port() const { return http_ ? http_->port() : 0; }

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (http_) http_->stopAll(false);
  if (pool_) pool_->joinAll();
  if (ingest_) ingest_->stop();
  if (delivery_) delivery_->stop();
  http_.reset();
  store_.reset();  // closes LevelDB
}

}  // namespace reghook

// Server: the composition root. Builds every part from a Config (store, catalog, delivery,
// ingest, HTTP server on its own thread pool), starts them in order and stops them in reverse.
// start/stop are called from one thread; the parts are thread-safe.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/http_sender.h"
#include "plugin/config.h"
#include "plugin/delivery_service.h"
#include "plugin/http_api.h"
#include "plugin/ingest_worker.h"
#include "plugin/metrics.h"
#include "plugin/webhook_catalog.h"
#include "storage/leveldb_store.h"

namespace reghook {

class Server {
 public:
  // Opens the database and loads webhooks and pending jobs. kInvalid/kUnavailable say why not.
  static Result<std::unique_ptr<Server>> create(const Config& config, const Clock& clock,
                                                const std::string& console_dir);
  ~Server();

  // Starts ingest, delivery and the HTTP listener (port 0 picks a free one).
  Status start();
  // Stops accepting, lets attempts in flight be recorded, closes the database.
  void stop();
  uint16_t port() const;

  Metrics& metrics() { return metrics_; }

 private:
  Server(const Config& config, const Clock& clock);

  const Config config_;
  const Clock& clock_;
  Metrics metrics_;
  std::unique_ptr<LeveldbStore> store_;
  std::unique_ptr<WebhookCatalog> catalog_;
  std::unique_ptr<HttpSender> sender_;
  std::unique_ptr<DeliveryService> delivery_;
  std::unique_ptr<IngestWorker> ingest_;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> http_;
  bool stopped_ = false;
};

}  // namespace reghook

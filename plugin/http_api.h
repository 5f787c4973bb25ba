// The HTTP surface of reghook: the registry sink, the admin API, health, metrics and the web
// console, behind one request handler factory (one handler object per request, as Poco wants).
// Unknown paths answer a JSON 404 and wrong methods a JSON 405, never Poco's bare 501.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/store.h"
#include "plugin/config.h"
#include "plugin/delivery_service.h"
#include "plugin/ingest_worker.h"
#include "plugin/metrics.h"
#include "plugin/webhook_catalog.h"

namespace reghook {

// What the handlers share. Owned by the Server; outlives every request.
struct ApiContext {
  const Config& config;
  Store& store;
  WebhookCatalog& catalog;
  DeliveryService& delivery;
  IngestWorker& ingest;
  Metrics& metrics;
  const Clock& clock;
  std::string console_dir;  // where the console's static files are

  // Last source.instanceID seen per registry (a change means the registry restarted).
  std::mutex instance_mutex;
  std::map<std::string, std::string> instance_ids;
};

class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ApiHandlerFactory(ApiContext& context) : context_(context) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  ApiContext& context_;
};

// Declares the metric families the handlers and services write.
void declareMetrics(Metrics& metrics);

}  // namespace reghook

// The event types that flow through reghook: the registry's event as parsed (UpstreamEvent) and
// the ACR-shaped event delivered to webhooks (AcrEvent). Plain value types, not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace reghook {

struct Reference {
  std::string media_type;
  int64_t size = 0;
  std::string digest;
};

// One event of a distribution notification envelope, with the fields reghook uses.
struct UpstreamEvent {
  std::string registry;  // reghook's name for the registry that sent it
  std::string id;
  std::string timestamp;  // kept exactly as sent (9 fractional digits)
  std::string action;     // push, pull, mount, delete
  std::string media_type;
  std::optional<int64_t> size;
  std::optional<int64_t> length;
  std::string digest;
  std::string repository;
  std::string url;
  std::string tag;
  std::vector<Reference> references;
  std::string request_id;
  std::string request_host;
  std::string request_method;
  std::string request_useragent;
  std::string source_instance_id;
};

struct AcrTarget {
  std::string media_type;
  std::optional<int64_t> size;
  std::string digest;
  std::optional<int64_t> length;
  std::string repository;
  std::string tag;
  std::string name;                              // chart events
  std::string version;                           // chart events
  std::optional<std::vector<std::string>> tags;  // delete events
};

struct AcrRequest {
  std::string id;
  std::string host;
  std::string method;
  std::string useragent;
};

// One ACR event: what a webhook receives. A ping has no target and no request.
struct AcrEvent {
  std::string id;
  std::string timestamp;
  std::string action;  // push, delete, chart_push, chart_delete, pull, ping
  std::optional<AcrTarget> target;
  std::optional<AcrRequest> request;
};

}  // namespace reghook

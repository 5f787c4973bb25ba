// HttpSender: the port through which deliveries leave reghook. One call is one HTTP attempt:
// no retries, no redirects. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/webhook.h"

namespace reghook {

struct OutgoingRequest {
  std::string uri;
  Headers headers;
  std::string body;
  int timeout_ms = 5000;
};

struct SendResult {
  bool answered = false;  // false: no HTTP answer (refused, timeout, TLS, address refused)
  int status_code = 0;
  std::string reason;
  Headers headers;
  std::string body;
  std::string error;  // why there was no answer
  int64_t duration_ms = 0;
  std::optional<int64_t> retry_after_ms;  // from Retry-After on 429/503
};

class HttpSender {
 public:
  virtual ~HttpSender() = default;
  virtual SendResult send(const OutgoingRequest& request) = 0;
};

}  // namespace reghook

// ACR's JSON shapes: the event payload a webhook receives and the delivery log's Event object
// (SPEC §3, §6). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/webhook.h"

namespace reghook::acr {

// Compact JSON, keys in ACR's order (id, timestamp, action, target, request); absent fields
// omitted.
std::string payloadJson(const AcrEvent& event);

struct ResponseRecord {
  int status_code = 0;
  std::string reason;
  Headers headers;
  std::string body;  // cut to 4096 characters by logEntryJson
};

// What one attempt sent and got, as the delivery log shows it.
struct AttemptRecord {
  std::string event_id;
  std::string payload;      // the ACR JSON that was sent
  Headers request_headers;  // as sent, custom header values already masked
  std::string request_uri;  // as shown in the log (see maskUri)
  std::optional<ResponseRecord> response;
  std::string status;  // delivered, retrying, failed, pending
  int attempts = 0;
  std::string timestamp;  // RFC 3339, time of the attempt (or of creation when pending)
  int64_t duration_ms = 0;
  std::string error;
  std::string action;   // extension: lets tables show the action without parsing content
  std::string subject;  // extension: "repository:tag"
};

std::string logEntryJson(const AttemptRecord& record);

// The service URI as the log shows it: user info and query replaced by "******" (they often
// carry credentials).
std::string maskUri(const std::string& uri);

// RFC 3339 UTC with milliseconds.
std::string rfc3339(int64_t ms);

}  // namespace reghook::acr

// Parsing of the registry's notification envelopes ({"events": [...]}) and of one stored event.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"

namespace reghook::distribution {

struct EnvelopeEvent {
  std::string id;           // upstream id (a content hash when the event has none)
  std::string json;         // a one-event envelope holding it, compact: what the inbox stores
  std::string instance_id;  // source.instanceID: changes when the registry restarts
  std::string problem;      // non-empty when reghook cannot use the event (it goes to dead letters)
};

// kInvalid when the body is not JSON or not an envelope; the message says which, for a person.
Result<std::vector<EnvelopeEvent>> parseEnvelope(const std::string& body);

// Parses one event as the sink stores it (an envelope holding exactly that event). kInvalid if it
// is not an event reghook can use.
Result<UpstreamEvent> parseEvent(const std::string& json, const std::string& registry);

}  // namespace reghook::distribution

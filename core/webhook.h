// Webhook: a named subscription of one registry (SPEC §4) and the rules its fields obey.
// A plain value type; the validation functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace reghook {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Webhook {
  std::string
      id;  // internal, never reused: keys its jobs and log so a re-created name starts clean
  std::string registry;
  std::string name;
  std::string service_uri;  // secret
  Headers custom_headers;   // secret
  std::vector<std::string> actions;
  std::string status = "enabled";
  std::string scope;
  int timeout_seconds = 5;
  std::string signing_secret;  // secret
  std::string created_at;
  std::string updated_at;

  bool enabled() const { return status == "enabled"; }
  bool hasAction(const std::string& action) const;
};

// The actions a webhook may list, in the order ACR documents them.
const std::vector<std::string>& knownActions();

// Each returns ok or kInvalid with the API error code, the field as target, and a message that
// says what is wrong and what is allowed.
Status validateRegistryName(const std::string& name);
Status validateWebhookName(const std::string& name);
Status validateServiceUri(const std::string& uri);
Status validateHeaders(const Headers& headers);
Status validateActions(const std::vector<std::string>& actions);
Status validateStatus(const std::string& status);
Status validateTimeoutSeconds(int64_t seconds);
Status validateSigningSecret(const std::string& secret);
// All of the above plus the scope grammar.
Status validateWebhook(const Webhook& webhook);

// Warnings to return with a valid webhook (e.g. 'quarantine' never fires).
std::vector<std::string> webhookWarnings(const Webhook& webhook);

}  // namespace reghook

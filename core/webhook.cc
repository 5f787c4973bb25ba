#include "core/webhook.h"

#include <algorithm>
#include <regex>

#include "core/scope.h"

namespace reghook {

bool Webhook::hasAction(const std::string& action) const {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

const std::vector<std::string>& knownActions() {
  static const std::vector<std::string> kActions = {"push",         "delete",     "chart_push",
                                                    "chart_delete", "quarantine", "pull"};
  return kActions;
}

namespace {

bool alnum5to50(const std::string& s) {
  static const std::regex kName("[a-zA-Z0-9]{5,50}");
  return std::regex_match(s, kName);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Status validateRegistryName(const std::string& name) {
  if (alnum5to50(name)) return Status::ok();
  return Status::invalid("InvalidRegistryName", "registry",
                         "registry name '" + name +
                             "' is invalid: use 5 to 50 letters and digits (^[a-zA-Z0-9]{5,50}$)");
}

Status validateWebhookName(const std::string& name) {
  if (alnum5to50(name)) return Status::ok();
  return Status::invalid("InvalidWebhookName", "name",
                         "webhook name '" + name +
                             "' is invalid: use 5 to 50 letters and digits (^[a-zA-Z0-9]{5,50}$)");
}

Status validateServiceUri(const std::string& uri) {
  static const std::regex kUri(
      R"(^https?://([^/?#\s@]+@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?([/?#][^\s]*)?$)");
  if (uri.empty()) {
    return Status::invalid("InvalidServiceUri", "serviceUri",
                           "serviceUri is required: an absolute http:// or https:// URL");
  }
  if (!std::regex_match(uri, kUri)) {
    return Status::invalid("InvalidServiceUri", "serviceUri",
                           "serviceUri must be an absolute http:// or https:// URL with a host, "
                           "e.g. https://hooks.example.com/acr; got a value that is not");
  }
  return Status::ok();
}

Status validateHeaders(const Headers& headers) {
  static const std::regex kToken("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  for (const auto& [name, value] : headers) {
    if (!std::regex_match(name, kToken)) {
      return Status::invalid(
          "InvalidCustomHeader", "customHeaders",
          "header name '" + name + "' is invalid: use letters, digits and !#$%&'*+.^_`|~- only");
    }
    if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
      return Status::invalid("InvalidCustomHeader", "customHeaders",
                             "the value of header '" + name +
                                 "' contains a line break; header values must be one line");
    }
  }
  return Status::ok();
}

Status validateActions(const std::vector<std::string>& actions) {
  if (actions.empty()) {
    return Status::invalid("InvalidActions", "actions",
                           "actions must list at least one of: " + joined(knownActions()));
  }
  for (const auto& action : actions) {
    const auto& known = knownActions();
    if (std::find(known.begin(), known.end(), action) == known.end()) {
      return Status::invalid("InvalidActions", "actions",
                             "action '" + action + "' is unknown; allowed: " + joined(known));
    }
  }
  return Status::ok();
}

Status validateStatus(const std::string& status) {
  if (status == "enabled" || status == "disabled") return Status::ok();
  return Status::invalid("InvalidStatus", "status",
                         "status '" + status + "' is invalid; allowed: enabled, disabled");
}

Status validateTimeoutSeconds(int64_t seconds) {
  if (seconds >= 1 && seconds <= 60) return Status::ok();
  return Status::invalid(
      "InvalidTimeout", "timeoutSeconds",
      "timeoutSeconds " + std::to_string(seconds) + " is out of range; allowed: 1 to 60");
}

Status validateSigningSecret(const std::string& secret) {
  if (secret.empty()) return Status::ok();
  static const std::regex kSecret("whsec_[A-Za-z0-9+/]+={0,2}");
  const std::string body = secret.size() > 6 ? secret.substr(6) : "";
  size_t padding = 0;
  for (auto it = body.rbegin(); it != body.rend() && *it == '='; ++it) ++padding;
  const size_t bytes = body.size() / 4 * 3 - padding;
  if (!std::regex_match(secret, kSecret) || body.size() % 4 != 0 || bytes < 24 || bytes > 64) {
    return Status::invalid("InvalidSigningSecret", "signingSecret",
                           "signingSecret must be 'whsec_' followed by the base64 of 24 to 64 "
                           "random bytes (Standard Webhooks), e.g. whsec_" +
                               std::string("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  }
  return Status::ok();
}

Status validateWebhook(const Webhook& webhook) {
  for (const Status& s :
       {validateWebhookName(webhook.name), validateServiceUri(webhook.service_uri),
        validateHeaders(webhook.custom_headers), validateActions(webhook.actions),
        validateStatus(webhook.status), validateTimeoutSeconds(webhook.timeout_seconds),
        validateSigningSecret(webhook.signing_secret)}) {
    if (!s.isOk()) return s;
  }
  auto scope = Scope::parse(webhook.scope);
  return scope.isOk() ? Status::ok() : scope.status();
}

std::vector<std::string> webhookWarnings(const Webhook& webhook) {
  std::vector<std::string> warnings;
  if (webhook.hasAction("quarantine")) {
    warnings.push_back(
        "action 'quarantine' is accepted for compatibility with ACR but never fires: the "
        "distribution registry has no quarantine");
  }
  return warnings;
}

}  // namespace reghook

#include "plugin/config.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/duration.h"
#include "core/webhook.h"

namespace reghook {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Status bad(const std::string& key, const std::string& what) {
  return Status::invalid("InvalidConfig", key, "config key '" + key + "': " + what);
}

Status rejectUnknown(const Object::Ptr& o, const std::string& path,
                     const std::set<std::string>& known) {
  for (const auto& [key, value] : *o) {
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return bad(path + key, "unknown key; known keys here: " + list);
    }
  }
  return Status::ok();
}

// Reads a string, resolving "${env:NAME}".
Status readString(const Object::Ptr& o, const std::string& path, const std::string& key,
                  std::string& out) {
  if (!o->has(key)) return Status::ok();
  Var v = o->get(key);
  if (!v.isString()) return bad(path + key, "must be a string");
  std::string s = v.extract<std::string>();
  if (s.rfind("${env:", 0) == 0 && s.size() > 7 && s.back() == '}') {
    const std::string name = s.substr(6, s.size() - 7);
    const char* env = std::getenv(name.c_str());
    if (!env) return bad(path + key, "environment variable " + name + " is not set");
    s = env;
  }
  out = s;
  return Status::ok();
}

Status readInt(const Object::Ptr& o, const std::string& path, const std::string& key, int64_t min,
               int64_t max, int64_t& out) {
  if (!o->has(key)) return Status::ok();
  Var v = o->get(key);
  if (!v.isInteger()) return bad(path + key, "must be an integer");
  const int64_t n = v.convert<int64_t>();
  if (n < min || n > max) {
    return bad(path + key,
               "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = n;
  return Status::ok();
}

Status readStrings(const Object::Ptr& o, const std::string& path, const std::string& key,
                   std::vector<std::string>& out) {
  if (!o->has(key)) return Status::ok();
  Array::Ptr arr = o->getArray(key);
  if (!arr) return bad(path + key, "must be an array of strings");
  out.clear();
  for (size_t i = 0; i < arr->size(); ++i) {
    if (!arr->get(i).isString())
      return bad(path + key + "[" + std::to_string(i) + "]", "must be a string");
    out.push_back(arr->get(i).extract<std::string>());
  }
  return Status::ok();
}

#define RETURN_IF_ERROR(expr)  \
  do {                         \
    Status _s = (expr);        \
    if (!_s.isOk()) return _s; \
  } while (0)

Status readDelivery(const Object::Ptr& o, DeliveryConfig& d) {
  const std::string p = "delivery.";
  RETURN_IF_ERROR(
      rejectUnknown(o, p,
                    {"timeoutSeconds", "retrySchedule", "maxInFlightPerWebhook", "logMaxEntries",
                     "logMaxAgeDays", "caFile", "denyNetworks", "allowNetworks"}));
  int64_t n = d.timeout_seconds;
  RETURN_IF_ERROR(readInt(o, p, "timeoutSeconds", 1, 60, n));
  d.timeout_seconds = static_cast<int>(n);
  std::vector<std::string> schedule;
  RETURN_IF_ERROR(readStrings(o, p, "retrySchedule", schedule));
  if (o->has("retrySchedule")) {
    if (schedule.empty())
      return bad(p + "retrySchedule", "needs at least one entry (the first attempt)");
    d.retry_schedule_ms.clear();
    for (size_t i = 0; i < schedule.size(); ++i) {
      auto ms = parseDurationMs(schedule[i]);
      if (!ms.isOk())
        return bad(p + "retrySchedule[" + std::to_string(i) + "]", ms.status().message());
      d.retry_schedule_ms.push_back(ms.value());
    }
  }
  n = d.max_in_flight_per_webhook;
  RETURN_IF_ERROR(readInt(o, p, "maxInFlightPerWebhook", 1, 64, n));
  d.max_in_flight_per_webhook = static_cast<int>(n);
  RETURN_IF_ERROR(readInt(o, p, "logMaxEntries", 1, 100000000, d.log_max_entries));
  RETURN_IF_ERROR(readInt(o, p, "logMaxAgeDays", 1, 3650, d.log_max_age_days));
  RETURN_IF_ERROR(readString(o, p, "caFile", d.ca_file));
  RETURN_IF_ERROR(readStrings(o, p, "denyNetworks", d.deny_networks));
  RETURN_IF_ERROR(readStrings(o, p, "allowNetworks", d.allow_networks));
  return Status::ok();
}

}  // namespace

const RegistryConfig* Config::registry(const std::string& name) const {
  for (const auto& r : registries) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Result<Config> parseConfig(const std::string& text) {
  Object::Ptr root;
  try {
    Poco::JSON::Parser parser;
    Var v = parser.parse(text);
    if (v.type() == typeid(Object::Ptr)) root = v.extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Status::invalid("InvalidConfig", "", "the config is not valid JSON: " + e.displayText());
  }
  if (!root) return Status::invalid("InvalidConfig", "", "the config must be a JSON object");
  Config c;
  RETURN_IF_ERROR(rejectUnknown(
      root, "", {"listen", "dataDir", "adminToken", "registries", "delivery", "limits"}));
  std::string listen = "0.0.0.0:8080";
  RETURN_IF_ERROR(readString(root, "", "listen", listen));
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
    }
  }
  if (colon == std::string::npos || port < 0 || port > 65535) {
    return bad("listen", "must be host:port, e.g. 0.0.0.0:8080 (port 0 picks a free port)");
  }
  c.listen_host = listen.substr(0, colon);
  c.listen_port = static_cast<uint16_t>(port);
  RETURN_IF_ERROR(readString(root, "", "dataDir", c.data_dir));
  RETURN_IF_ERROR(readString(root, "", "adminToken", c.admin_token));
  if (c.admin_token.empty()) return bad("adminToken", "is required (the admin API's bearer token)");

  Array::Ptr registries = root->getArray("registries");
  if (!registries || registries->size() == 0) {
    return bad("registries", "is required: a list of {\"name\": ..., \"token\": ...}");
  }
  for (size_t i = 0; i < registries->size(); ++i) {
    const std::string p = "registries[" + std::to_string(i) + "].";
    Object::Ptr r = registries->getObject(i);
    if (!r) return bad("registries[" + std::to_string(i) + "]", "must be an object");
    RETURN_IF_ERROR(rejectUnknown(r, p, {"name", "token"}));
    RegistryConfig rc;
    RETURN_IF_ERROR(readString(r, p, "name", rc.name));
    RETURN_IF_ERROR(readString(r, p, "token", rc.token));
    Status name_ok = validateRegistryName(rc.name);
    if (!name_ok.isOk()) return bad(p + "name", name_ok.message());
    if (rc.token.empty()) return bad(p + "token", "is required (the registry's sink token)");
    if (c.registry(rc.name)) return bad(p + "name", "registry '" + rc.name + "' is listed twice");
    c.registries.push_back(rc);
  }
  if (root->has("delivery")) {
    Object::Ptr d = root->getObject("delivery");
    if (!d) return bad("delivery", "must be an object");
    RETURN_IF_ERROR(readDelivery(d, c.delivery));
  }
  if (root->has("limits")) {
    Object::Ptr l = root->getObject("limits");
    if (!l) return bad("limits", "must be an object");
    RETURN_IF_ERROR(rejectUnknown(l, "limits.", {"maxBodyBytes", "webhooksPerRegistry"}));
    RETURN_IF_ERROR(readInt(l, "limits.", "maxBodyBytes", 1024, 1 << 30, c.max_body_bytes));
    RETURN_IF_ERROR(
        readInt(l, "limits.", "webhooksPerRegistry", 1, 1000000, c.webhooks_per_registry));
  }
  return c;
}

Result<Config> loadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::invalid("InvalidConfig", "", "cannot read config file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return parseConfig(text.str());
}

}  // namespace reghook

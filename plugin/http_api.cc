#include "plugin/http_api.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <fstream>
#include <set>
#include <sstream>

#include "adapters/acr/acr_json.h"
#include "adapters/distribution/envelope.h"
#include "core/secure_compare.h"

namespace reghook {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

Poco::Logger& logger() { return Poco::Logger::get("reghook.http"); }

std::string stringify(const Object::Ptr& o) {
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

Object::Ptr ordered() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

int httpStatus(const Status& s) {
  switch (s.code()) {
    case Code::kOk:
      return 200;
    case Code::kInvalid:
      return 400;
    case Code::kUnauthorized:
      return 401;
    case Code::kNotFound:
      return 404;
    case Code::kConflict:
      return 409;
    case Code::kTooLarge:
      return 413;
    case Code::kUnavailable:
      return 503;
    case Code::kInternal:
      return 500;
  }
  return 500;
}

// Thrown inside a handler to answer with an error; caught at the top of handleRequest.
struct ApiError {
  Status status;
  int http = 0;  // overrides the mapping (405)
};

[[noreturn]] void fail(Status s) { throw ApiError{std::move(s)}; }
void check(const Status& s) {
  if (!s.isOk()) fail(s);
}

Status invalidBody(const std::string& message, const std::string& target = "") {
  return Status::invalid("InvalidRequestBody", target, message);
}

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      if (!current.empty()) parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(ApiContext& context) : ctx_(context) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    try {
      Poco::URI uri(request.getURI());
      query_ = uri.getQueryParameters();
      route(request, response, uri.getPath());
    } catch (const ApiError& e) {
      sendError(request, response, e.status, e.http);
    } catch (const std::exception& e) {
      logger().error("internal error on %s %s: %s", request.getMethod(), request.getURI(),
                     std::string(e.what()));
      sendError(request, response, Status::internal("internal error: " + std::string(e.what())), 0);
    } catch (...) {
      sendError(request, response, Status::internal("internal error"), 0);
    }
    drain(request);
  }

 private:
  // ---------- plumbing ----------
  // Reads what is left of the request body, so that on a kept-alive connection its bytes are not
  // taken for the next request (an early error answer leaves the body unread).
  void drain(HTTPServerRequest& request) {
    try {
      std::istream& in = request.stream();
      char buf[16384];
      int64_t left = ctx_.config.max_body_bytes + 65536;
      while (left > 0 && (in.read(buf, sizeof buf) || in.gcount() > 0)) left -= in.gcount();
    } catch (const std::exception&) {
    }
  }

  void send(HTTPServerResponse& response, int status, const std::string& body,
            const std::string& type = "application/json; charset=utf-8") {
    if (response.sent()) return;
    response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response.setContentType(type);
    response.set("Cache-Control", "no-store");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
  }

  void sendJson(HTTPServerResponse& response, int status, const Object::Ptr& body) {
    send(response, status, stringify(body));
  }

  void sendError(HTTPServerRequest& request, HTTPServerResponse& response, const Status& s,
                 int http) {
    const int status = http ? http : httpStatus(s);
    Object::Ptr error = ordered();
    error->set("code", s.errorCode().empty() ? "Error" : s.errorCode());
    error->set("message", s.message());
    if (!s.target().empty()) error->set("target", s.target());
    Object::Ptr body = ordered();
    body->set("error", error);
    logger().information("rejected %s %s: %d %s", request.getMethod(), request.getURI(), status,
                         s.message());
    if (status == 401) response.set("WWW-Authenticate", "Bearer");
    if (status == 413) response.setKeepAlive(false);  // the rest of the body is not read
    sendJson(response, status, body);
  }

  [[noreturn]] void methodNotAllowed(const std::string& allowed) {
    throw ApiError{Status::error(Code::kInvalid, "method not allowed here; allowed: " + allowed,
                                 "MethodNotAllowed"),
                   405};
  }

  void requireMethod(HTTPServerRequest& request, const std::set<std::string>& allowed) {
    if (allowed.count(request.getMethod())) return;
    std::string list;
    for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
    methodNotAllowed(list);
  }

  std::string bearer(HTTPServerRequest& request) {
    const std::string auth = request.get("Authorization", "");
    if (auth.size() > 7 && Poco::icompare(auth.substr(0, 7), "Bearer ") == 0) return auth.substr(7);
    return "";
  }

  void requireAdmin(HTTPServerRequest& request) {
    if (!constantTimeEquals(bearer(request), ctx_.config.admin_token)) {
      fail(Status::error(Code::kUnauthorized,
                         "missing or wrong admin token: send Authorization: Bearer <adminToken>",
                         "Unauthorized"));
    }
  }

  std::string readBody(HTTPServerRequest& request) {
    const int64_t limit = ctx_.config.max_body_bytes;
    if (request.hasContentLength() && request.getContentLength64() > limit) {
      fail(Status::error(
          Code::kTooLarge,
          "the body is over the limit of " + std::to_string(limit) + " bytes (limits.maxBodyBytes)",
          "PayloadTooLarge"));
    }
    std::string body;
    char buf[16384];
    std::istream& in = request.stream();
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      body.append(buf, static_cast<size_t>(in.gcount()));
      if (static_cast<int64_t>(body.size()) > limit) {
        fail(Status::error(Code::kTooLarge,
                           "the body is over the limit of " + std::to_string(limit) +
                               " bytes (limits.maxBodyBytes)",
                           "PayloadTooLarge"));
      }
    }
    return body;
  }

  Object::Ptr readJsonObject(HTTPServerRequest& request) {
    const std::string body = readBody(request);
    if (body.empty()) return ordered();
    try {
      Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
      auto v = parser.parse(body);
      if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
      fail(invalidBody("the body is not valid JSON (" + e.displayText() + ")"));
    }
    fail(invalidBody("the body must be a JSON object"));
  }

  std::string queryParam(const std::string& name) const {
    for (const auto& [k, v] : query_) {
      if (k == name) return v;
    }
    return "";
  }

  // ---------- routing ----------
  void route(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& path) {
    const auto parts = splitPath(path);
    if (path == "/healthz") {
      requireMethod(request, {"GET", "HEAD"});
      return send(response, 200, "{\"status\":\"ok\"}");
    }
    if (path == "/readyz") {
      requireMethod(request, {"GET", "HEAD"});
      const bool ready = ctx_.ingest.running() && ctx_.delivery.running();
      return send(response, ready ? 200 : 503,
                  std::string(ready ? "{\"status\":\"ready\"" : "{\"status\":\"starting\"") +
                      ",\"pendingDeliveriesLoaded\":" +
                      (ctx_.delivery.jobsLoaded() ? "true" : "false") + "}");
    }
    if (path == "/metrics") {
      requireMethod(request, {"GET"});
      return send(response, 200, ctx_.metrics.render(), "text/plain; version=0.0.4");
    }
    if (parts.size() == 2 && parts[0] == "v1" && parts[1] == "registries") {
      requireMethod(request, {"GET"});
      requireAdmin(request);
      return listRegistries(response);
    }
    if (parts.size() >= 3 && parts[0] == "v1" && parts[1] == "registries") {
      return routeRegistry(request, response, parts);
    }
    if (request.getMethod() == "GET" || request.getMethod() == "HEAD") {
      if (serveConsole(response, path)) return;
    }
    fail(Status::notFound("no such path: " + path));
  }

  void routeRegistry(HTTPServerRequest& request, HTTPServerResponse& response,
                     const std::vector<std::string>& p) {
    const std::string& registry = p[2];
    const RegistryConfig* reg = ctx_.config.registry(registry);
    if (p.size() == 4 && p[3] == "notifications") {
      requireMethod(request, {"POST"});
      if (!reg) {
        // Not the URL's name as a label: any client could grow the metrics without bound.
        ctx_.metrics.add("reghook_requests_rejected_total",
                         {{"registry", "(unknown)"}, {"code", "404"}});
        fail(Status::notFound("registry '" + registry + "' is not configured in reghook"));
      }
      return sink(request, response, *reg);
    }
    requireAdmin(request);
    if (!reg) fail(Status::notFound("registry '" + registry + "' is not configured in reghook"));
    if (p.size() == 4 && p[3] == "usages") {
      requireMethod(request, {"GET"});
      return usages(response, registry);
    }
    if (p.size() == 4 && p[3] == "deadletters") {
      requireMethod(request, {"GET"});
      return deadLetters(response, registry);
    }
    if (p.size() == 4 && p[3] == "webhooks") {
      requireMethod(request, {"GET"});
      return listWebhooks(response, registry);
    }
    if (p.size() >= 5 && p[3] == "webhooks") {
      const std::string& name = p[4];
      if (p.size() == 5) {
        requireMethod(request, {"GET", "PUT", "PATCH", "DELETE"});
        const std::string& m = request.getMethod();
        if (m == "GET") return showWebhook(response, existing(registry, name));
        if (m == "PUT") return putWebhook(request, response, registry, name);
        if (m == "PATCH") return patchWebhook(request, response, existing(registry, name));
        return deleteWebhook(response, registry, name);
      }
      if (p.size() == 6 && p[5] == "ping") {
        requireMethod(request, {"POST"});
        return ping(response, existing(registry, name));
      }
      if (p.size() == 6 && p[5] == "getCallbackConfig") {
        requireMethod(request, {"POST"});
        return callbackConfig(response, existing(registry, name));
      }
      if (p.size() == 6 && (p[5] == "events" || p[5] == "listEvents")) {
        requireMethod(request, {p[5] == "events" ? "GET" : "POST"});
        return listEvents(response, existing(registry, name));
      }
      if (p.size() == 8 && p[5] == "events" && p[7] == "redeliver") {
        requireMethod(request, {"POST"});
        const Webhook w = existing(registry, name);
        check(ctx_.delivery.redeliver(w, p[6]));
        Object::Ptr body = ordered();
        body->set("id", p[6]);
        body->set("status", "queued");
        return sendJson(response, 202, body);
      }
    }
    fail(Status::notFound("no such path: " + request.getURI()));
  }

  // ---------- sink ----------
  void sink(HTTPServerRequest& request, HTTPServerResponse& response, const RegistryConfig& reg) {
    if (!constantTimeEquals(bearer(request), reg.token)) {
      ctx_.metrics.add("reghook_requests_rejected_total",
                       {{"registry", reg.name}, {"code", "401"}});
      fail(Status::error(Code::kUnauthorized,
                         "missing or wrong sink token for registry '" + reg.name +
                             "': set Authorization: [Bearer <token>] in the registry's "
                             "notifications.endpoints[].headers",
                         "Unauthorized"));
    }
    std::string body;
    try {
      body = readBody(request);
    } catch (const ApiError&) {
      ctx_.metrics.add("reghook_requests_rejected_total",
                       {{"registry", reg.name}, {"code", "413"}});
      throw;
    }
    auto parsed = distribution::parseEnvelope(body);
    if (!parsed.isOk()) {
      ctx_.metrics.add("reghook_requests_rejected_total",
                       {{"registry", reg.name}, {"code", "400"}});
      fail(parsed.status());
    }
    std::vector<InboxItem> items;
    std::vector<DeadLetter> dead;
    const int64_t now = ctx_.clock.nowMs();
    for (const auto& e : parsed.value()) {
      trackInstance(reg.name, e.instance_id);
      if (!e.problem.empty()) {
        dead.push_back({reg.name, e.id, e.problem, e.json, now});
        logger().warning("dead-lettered event %s from registry %s: %s", e.id, reg.name, e.problem);
      } else {
        items.push_back({e.id, e.json});
      }
    }
    auto stored = ctx_.store.appendInbox(reg.name, items, dead);
    check(stored.status());
    ctx_.metrics.add("reghook_envelopes_received_total", {{"registry", reg.name}});
    if (!dead.empty()) {
      ctx_.metrics.add("reghook_events_deadlettered_total", {{"registry", reg.name}},
                       static_cast<double>(dead.size()));
    }
    const size_t duplicates = items.size() - stored.value();
    if (duplicates) {
      ctx_.metrics.add("reghook_events_duplicate_total", {{"registry", reg.name}},
                       static_cast<double>(duplicates));
    }
    if (stored.value()) ctx_.ingest.notify();
    send(response, 200,
         "{\"accepted\":" + std::to_string(stored.value()) + ",\"duplicates\":" +
             std::to_string(duplicates) + ",\"deadLettered\":" + std::to_string(dead.size()) + "}");
  }

  void trackInstance(const std::string& registry, const std::string& instance) {
    if (instance.empty()) return;
    std::lock_guard<std::mutex> lock(ctx_.instance_mutex);
    std::string& last = ctx_.instance_ids[registry];
    if (!last.empty() && last != instance) {
      ctx_.metrics.add("reghook_registry_restarts_total", {{"registry", registry}});
      logger().warning(
          "registry %s restarted (instanceID %s -> %s): events it had queued in "
          "memory were lost, so a gap is possible",
          registry, last, instance);
    }
    last = instance;
  }

  // ---------- admin: webhooks ----------
  Webhook existing(const std::string& registry, const std::string& name) {
    auto w = ctx_.catalog.get(registry, name);
    if (!w) {
      fail(
          Status::notFound("webhook '" + name + "' does not exist in registry '" + registry + "'"));
    }
    return *w;
  }

  Object::Ptr resource(const Webhook& w) {
    Object::Ptr o = ordered();
    o->set("name", w.name);
    o->set("registry", w.registry);
    o->set("status", w.status);
    o->set("scope", w.scope);
    Array::Ptr actions = new Array;
    for (const auto& a : w.actions) actions->add(a);
    o->set("actions", actions);
    o->set("provisioningState", "Succeeded");
    o->set("timeoutSeconds", w.timeout_seconds);
    o->set("createdAt", w.created_at);
    o->set("updatedAt", w.updated_at);
    return o;
  }

  void listWebhooks(HTTPServerResponse& response, const std::string& registry) {
    Array::Ptr value = new Array;
    for (const auto& w : ctx_.catalog.list(registry)) value->add(resource(w));
    Object::Ptr body = ordered();
    body->set("value", value);
    body->set("nextLink", Poco::Dynamic::Var());
    sendJson(response, 200, body);
  }

  void showWebhook(HTTPServerResponse& response, const Webhook& w) {
    sendJson(response, 200, resource(w));
  }

  // Applies the fields present in body to w. Rejects unknown fields and wrong types.
  void applyFields(const Object::Ptr& body, Webhook& w) {
    static const std::set<std::string> kKnown = {"name",           "serviceUri",   "customHeaders",
                                                 "actions",        "status",       "scope",
                                                 "timeoutSeconds", "signingSecret"};
    for (const auto& [key, value] : *body) {
      if (!kKnown.count(key)) {
        fail(invalidBody("unknown field '" + key +
                             "'; allowed: serviceUri, customHeaders, "
                             "actions, status, scope, timeoutSeconds, signingSecret",
                         key));
      }
    }
    auto str = [&](const std::string& key, std::string& out) {
      if (!body->has(key)) return;
      auto v = body->get(key);
      if (!v.isString()) fail(invalidBody("'" + key + "' must be a string", key));
      out = v.extract<std::string>();
    };
    if (body->has("name")) {
      std::string name;
      str("name", name);
      if (name != w.name) {
        fail(Status::invalid(
            "InvalidWebhookName", "name",
            "the body's name '" + name + "' differs from the URL's '" + w.name + "'"));
      }
    }
    str("serviceUri", w.service_uri);
    str("status", w.status);
    str("scope", w.scope);
    str("signingSecret", w.signing_secret);
    if (body->has("timeoutSeconds")) {
      auto v = body->get("timeoutSeconds");
      if (!v.isInteger()) {
        fail(Status::invalid("InvalidTimeout", "timeoutSeconds",
                             "timeoutSeconds must be an integer from 1 to 60"));
      }
      const int64_t t = v.convert<int64_t>();
      check(validateTimeoutSeconds(t));
      w.timeout_seconds = static_cast<int>(t);
    }
    if (body->has("actions")) {
      Array::Ptr arr = body->getArray("actions");
      if (!arr) fail(invalidBody("'actions' must be an array of strings", "actions"));
      w.actions.clear();
      for (const auto& a : *arr) {
        if (!a.isString()) fail(invalidBody("'actions' must be an array of strings", "actions"));
        const std::string action = a.extract<std::string>();
        if (std::find(w.actions.begin(), w.actions.end(), action) == w.actions.end()) {
          w.actions.push_back(action);
        }
      }
    }
    if (body->has("customHeaders")) {
      Object::Ptr headers = body->getObject("customHeaders");
      if (!headers) {
        fail(invalidBody("'customHeaders' must be an object of header name to value",
                         "customHeaders"));
      }
      w.custom_headers.clear();
      for (const auto& [k, v] : *headers) {
        if (!v.isString()) {
          fail(Status::invalid("InvalidCustomHeader", "customHeaders",
                               "the value of header '" + k + "' must be a string"));
        }
        w.custom_headers.emplace_back(k, v.extract<std::string>());
      }
    }
  }

  void answerWebhook(HTTPServerResponse& response, int status, const Webhook& w) {
    Object::Ptr body = resource(w);
    const auto warnings = webhookWarnings(w);
    if (!warnings.empty()) {
      Array::Ptr list = new Array;
      for (const auto& text : warnings) list->add(text);
      body->set("warnings", list);
    }
    sendJson(response, status, body);
  }

  void putWebhook(HTTPServerRequest& request, HTTPServerResponse& response,
                  const std::string& registry, const std::string& name) {
    check(validateWebhookName(name));
    Object::Ptr body = readJsonObject(request);
    auto current = ctx_.catalog.get(registry, name);
    Webhook w;
    w.registry = registry;
    w.name = name;
    w.timeout_seconds = ctx_.config.delivery.timeout_seconds;
    applyFields(body, w);
    const std::string now = acr::rfc3339(ctx_.clock.nowMs());
    w.id =
        current ? current->id : Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    w.created_at = current ? current->created_at : now;
    w.updated_at = now;
    check(validateWebhook(w));
    auto created = ctx_.catalog.put(w);
    check(created.status());
    answerWebhook(response, created.value() ? 201 : 200, w);
  }

  void patchWebhook(HTTPServerRequest& request, HTTPServerResponse& response, Webhook w) {
    Object::Ptr body = readJsonObject(request);
    applyFields(body, w);
    w.updated_at = acr::rfc3339(ctx_.clock.nowMs());
    check(validateWebhook(w));
    check(ctx_.catalog.put(w).status());
    answerWebhook(response, 200, w);
  }

  void deleteWebhook(HTTPServerResponse& response, const std::string& registry,
                     const std::string& name) {
    auto removed = ctx_.catalog.remove(registry, name);
    check(removed.status());
    ctx_.delivery.forgetWebhook(removed->id);
    response.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    response.setContentLength(0);
    response.send();
  }

  void callbackConfig(HTTPServerResponse& response, const Webhook& w) {
    Object::Ptr body = ordered();
    body->set("serviceUri", w.service_uri);
    Object::Ptr headers = ordered();
    for (const auto& [k, v] : w.custom_headers) headers->set(k, v);
    body->set("customHeaders", headers);
    if (!w.signing_secret.empty()) body->set("signingSecret", w.signing_secret);
    sendJson(response, 200, body);
  }

  void ping(HTTPServerResponse& response, const Webhook& w) {
    auto result = ctx_.delivery.ping(w);
    check(result.status());
    Object::Ptr body = ordered();
    body->set("id", result->id);
    const SendResult& r = result->result;
    body->set("statusCode", r.answered ? std::to_string(r.status_code) : "");
    body->set("reasonPhrase", r.answered ? r.reason : "");
    body->set("durationMs", r.duration_ms);
    if (!r.answered) body->set("error", r.error);
    sendJson(response, 200, body);
  }

  size_t topParam() {
    const std::string top = queryParam("top");
    if (top.empty()) return 50;
    if (top.size() > 5 || top.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(top) < 1 || std::stoul(top) > 1000) {
      fail(Status::invalid("InvalidQuery", "top", "top must be an integer from 1 to 1000"));
    }
    return std::stoul(top);
  }

  std::string nextLink(const std::string& base, size_t top, const std::string& token) {
    if (token.empty()) return "";
    std::string encoded;
    Poco::URI::encode(token, "/?&=+#", encoded);
    return base + "?top=" + std::to_string(top) + "&skipToken=" + encoded;
  }

  void sendPage(HTTPServerResponse& response, const std::vector<std::string>& items,
                const std::string& next) {
    std::string body = "{\"value\":[";
    for (size_t i = 0; i < items.size(); ++i) body += (i ? "," : "") + items[i];
    body += "],\"nextLink\":";
    if (next.empty()) {
      body += "null";
    } else {
      body += "\"" + next + "\"";
    }
    send(response, 200, body + "}");
  }

  void listEvents(HTTPServerResponse& response, const Webhook& w) {
    const size_t top = topParam();
    auto page = ctx_.store.listLog(w.id, top, queryParam("skipToken"));
    check(page.status());
    std::vector<std::string> items;
    for (const auto& e : page->items) items.push_back(e.json);
    sendPage(response, items,
             nextLink("/v1/registries/" + w.registry + "/webhooks/" + w.name + "/events", top,
                      page->next_token));
  }

  void deadLetters(HTTPServerResponse& response, const std::string& registry) {
    const size_t top = topParam();
    auto page = ctx_.store.listDeadLetters(registry, top, queryParam("skipToken"));
    check(page.status());
    std::vector<std::string> items;
    for (const auto& d : page->items) {
      Object::Ptr o = ordered();
      o->set("eventId", d.event_id);
      o->set("reason", d.reason);
      o->set("receivedAt", acr::rfc3339(d.received_ms));
      try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        o->set("event", parser.parse(d.event_json));
      } catch (const Poco::Exception&) {
        o->set("event", d.event_json);
      }
      items.push_back(stringify(o));
    }
    sendPage(response, items,
             nextLink("/v1/registries/" + registry + "/deadletters", top, page->next_token));
  }

  void listRegistries(HTTPServerResponse& response) {
    Array::Ptr value = new Array;
    for (const auto& r : ctx_.config.registries) {
      Object::Ptr o = ordered();
      o->set("name", r.name);
      o->set("webhooks", ctx_.catalog.count(r.name));
      value->add(o);
    }
    Object::Ptr body = ordered();
    body->set("value", value);
    sendJson(response, 200, body);
  }

  void usages(HTTPServerResponse& response, const std::string& registry) {
    Object::Ptr usage = ordered();
    usage->set("name", "Webhooks");
    usage->set("currentValue", ctx_.catalog.count(registry));
    usage->set("limit", ctx_.catalog.limit());
    usage->set("unit", "Count");
    Array::Ptr value = new Array;
    value->add(usage);
    Object::Ptr body = ordered();
    body->set("value", value);
    sendJson(response, 200, body);
  }

  // ---------- console ----------
  bool serveConsole(HTTPServerResponse& response, const std::string& path) {
    if (ctx_.console_dir.empty()) return false;
    static const std::map<std::string, std::string> kFiles = {{"/", "index.html"},
                                                              {"/index.html", "index.html"},
                                                              {"/app.js", "app.js"},
                                                              {"/style.css", "style.css"}};
    auto it = kFiles.find(path);
    if (it == kFiles.end()) return false;
    std::ifstream in(ctx_.console_dir + "/" + it->second, std::ios::binary);
    if (!in) return false;
    std::stringstream content;
    content << in.rdbuf();
    const std::string& file = it->second;
    const std::string type = file.size() > 3 && file.substr(file.size() - 3) == ".js"
                                 ? "text/javascript; charset=utf-8"
                             : file.substr(file.size() - 4) == ".css" ? "text/css; charset=utf-8"
                                                                      : "text/html; charset=utf-8";
    response.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    send(response, 200, content.str(), type);
    return true;
  }

  ApiContext& ctx_;
  Poco::URI::QueryParameters query_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* ApiHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new ApiHandler(context_);
}

void declareMetrics(Metrics& m) {
  m.declare("reghook_envelopes_received_total", "counter",
            "Notification envelopes acknowledged, by registry.");
  m.declare("reghook_upstream_events_total", "counter",
            "Registry events received (before normalization), by registry and upstream action.");
  m.declare("reghook_events_total", "counter", "ACR events produced, by registry and action.");
  m.declare("reghook_events_dropped_total", "counter",
            "Registry events that produce no ACR event (blob, mount, HEAD, tag delete).");
  m.declare("reghook_events_deadlettered_total", "counter",
            "Registry events reghook could not use, kept in the dead-letter list.");
  m.declare("reghook_events_duplicate_total", "counter",
            "Registry events received again with an id already stored.");
  m.declare("reghook_requests_rejected_total", "counter",
            "Sink requests answered with an error, by registry and status code.");
  m.declare("reghook_registry_restarts_total", "counter",
            "Changes of the registry's source.instanceID (its in-memory queue was lost).");
  m.declare("reghook_deliveries_total", "counter", "Delivery attempts by webhook and outcome.");
  m.declare("reghook_delivery_attempt_seconds", "histogram",
            "Duration of delivery attempts, by webhook.");
}

}  // namespace reghook

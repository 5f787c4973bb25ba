#include "adapters/acr/acr_json.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <sstream>

namespace reghook::acr {
namespace {

using Poco::JSON::Object;

Object::Ptr ordered() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void setIf(Object::Ptr& o, const char* key, const std::string& value) {
  if (!value.empty()) o->set(key, value);
}

std::string compact(const Object::Ptr& o) {
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

Object::Ptr headersObject(const Headers& headers) {
  Object::Ptr o = ordered();
  for (const auto& [k, v] : headers) o->set(k, v);
  return o;
}

}  // namespace

std::string payloadJson(const AcrEvent& e) {
  Object::Ptr o = ordered();
  o->set("id", e.id);
  o->set("timestamp", e.timestamp);
  o->set("action", e.action);
  if (e.target) {
    const AcrTarget& t = *e.target;
    Object::Ptr target = ordered();
    setIf(target, "mediaType", t.media_type);
    if (t.size && *t.size > 0) target->set("size", *t.size);
    setIf(target, "digest", t.digest);
    if (t.length && *t.length > 0) target->set("length", *t.length);
    setIf(target, "repository", t.repository);
    setIf(target, "tag", t.tag);
    setIf(target, "name", t.name);
    setIf(target, "version", t.version);
    if (t.tags) {
      Poco::JSON::Array::Ptr tags = new Poco::JSON::Array;
      for (const auto& tag : *t.tags) tags->add(tag);
      target->set("tags", tags);
    }
    o->set("target", target);
  }
  if (e.request) {
    Object::Ptr request = ordered();
    setIf(request, "id", e.request->id);
    setIf(request, "host", e.request->host);
    setIf(request, "method", e.request->method);
    setIf(request, "useragent", e.request->useragent);
    o->set("request", request);
  }
  return compact(o);
}

std::string logEntryJson(const AttemptRecord& r) {
  Object::Ptr o = ordered();
  o->set("id", r.event_id);
  Object::Ptr request = ordered();
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    request->set("content", parser.parse(r.payload));
  } catch (const Poco::Exception&) {
    request->set("content", r.payload);
  }
  request->set("headers", headersObject(r.request_headers));
  request->set("method", "POST");
  request->set("requestUri", r.request_uri);
  request->set("version", "1.1");
  o->set("eventRequestMessage", request);
  if (r.response) {
    Object::Ptr response = ordered();
    response->set("content", r.response->body.substr(0, 4096));
    response->set("headers", headersObject(r.response->headers));
    response->set("reasonPhrase", r.response->reason);
    response->set("statusCode", std::to_string(r.response->status_code));
    response->set("version", "1.1");
    o->set("eventResponseMessage", response);
  }
  o->set("status", r.status);
  o->set("attempts", r.attempts);
  o->set("timestamp", r.timestamp);
  o->set("durationMs", r.duration_ms);
  if (!r.error.empty()) o->set("error", r.error);
  o->set("action", r.action);
  setIf(o, "subject", r.subject);
  return compact(o);
}

std::string maskUri(const std::string& uri) {
  try {
    Poco::URI parsed(uri);
    std::string out = parsed.getScheme() + "://";
    if (!parsed.getUserInfo().empty()) out += "******@";
    out += parsed.getAuthority().substr(parsed.getUserInfo().empty()
                                            ? 0
                                            : parsed.getUserInfo().size() + 1);
    out += parsed.getPath();
    if (!parsed.getRawQuery().empty()) out += "?******";
    return out;
  } catch (const Poco::Exception&) {
    return "******";
  }
}

std::string rfc3339(int64_t ms) {
  Poco::Timestamp ts(static_cast<Poco::Timestamp::TimeVal>(ms) * 1000);
  return Poco::DateTimeFormatter::format(ts, "%Y-%m-%dT%H:%M:%S.%iZ");
}

}  // namespace reghook::acr

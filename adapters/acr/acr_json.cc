#include "adapters/acr/acr_json.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/JSONString.h>
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

// Appends "key":value to a JSON object being written; first tells whether a comma is needed.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectWriter() { out_ += '}'; }
  void raw(const char* key, const std::string& json) {
    out_ += first_ ? "\"" : ",\"";
    first_ = false;
    out_ += key;
    out_ += "\":";
    out_ += json;
  }
  void text(const char* key, const std::string& value) {
    if (!value.empty()) raw(key, Poco::toJSON(value));
  }
  void number(const char* key, const std::optional<int64_t>& value) {
    if (value && *value > 0) raw(key, std::to_string(*value));
  }

 private:
  std::string& out_;
  bool first_ = true;
};

// Written directly rather than through a Poco::JSON::Object: this runs once per event on the
// ingest path and the shape is fixed. Strings are escaped by Poco::toJSON.
std::string payloadJson(const AcrEvent& e) {
  std::string out;
  out.reserve(512);
  {
    ObjectWriter event(out);
    event.text("id", e.id);
    event.text("timestamp", e.timestamp);
    event.text("action", e.action);
    if (e.target) {
      const AcrTarget& t = *e.target;
      std::string target;
      {
        ObjectWriter w(target);
        w.text("mediaType", t.media_type);
        w.number("size", t.size);
        w.text("digest", t.digest);
        w.number("length", t.length);
        w.text("repository", t.repository);
        w.text("tag", t.tag);
        w.text("name", t.name);
        w.text("version", t.version);
        if (t.tags) {
          std::string tags = "[";
          for (size_t i = 0; i < t.tags->size(); ++i) tags += (i ? "," : "") + Poco::toJSON((*t.tags)[i]);
          w.raw("tags", tags + "]");
        }
      }
      event.raw("target", target);
    }
    if (e.request) {
      std::string request;
      {
        ObjectWriter w(request);
        w.text("id", e.request->id);
        w.text("host", e.request->host);
        w.text("method", e.request->method);
        w.text("useragent", e.request->useragent);
      }
      event.raw("request", request);
    }
  }
  return out;
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

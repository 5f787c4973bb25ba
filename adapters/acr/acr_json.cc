#include "adapters/acr/acr_json.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSONString.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

namespace reghook::acr {
namespace {

// Writes one JSON object into a string: '{' on construction, '}' on destruction, members in the
// order they are added. Keys and strings are escaped by Poco::toJSON.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectWriter() { out_ += '}'; }
  void raw(const std::string& key, const std::string& json) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += Poco::toJSON(key);
    out_ += ':';
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

std::string headersJson(const Headers& headers) {
  std::string out;
  {
    ObjectWriter w(out);
    for (const auto& [k, v] : headers) w.raw(k, Poco::toJSON(v));
  }
  return out;
}

}  // namespace

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
          for (size_t i = 0; i < t.tags->size(); ++i)
            tags += (i ? "," : "") + Poco::toJSON((*t.tags)[i]);
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

// Written directly, like payloadJson: one entry is written per delivery attempt. The payload is
// reghook's own compact JSON, so it is embedded as it is.
std::string logEntryJson(const AttemptRecord& r) {
  std::string out;
  out.reserve(1024 + r.payload.size());
  {
    ObjectWriter entry(out);
    entry.text("id", r.event_id);
    std::string request;
    {
      ObjectWriter w(request);
      w.raw("content", r.payload.empty() ? "null" : r.payload);
      w.raw("headers", headersJson(r.request_headers));
      w.raw("method", "\"POST\"");
      w.raw("requestUri", Poco::toJSON(r.request_uri));
      w.raw("version", "\"1.1\"");
    }
    entry.raw("eventRequestMessage", request);
    if (r.response) {
      std::string response;
      {
        ObjectWriter w(response);
        w.raw("content", Poco::toJSON(r.response->body.substr(0, 4096)));
        w.raw("headers", headersJson(r.response->headers));
        w.raw("reasonPhrase", Poco::toJSON(r.response->reason));
        w.raw("statusCode", "\"" + std::to_string(r.response->status_code) + "\"");
        w.raw("version", "\"1.1\"");
      }
      entry.raw("eventResponseMessage", response);
    }
    entry.text("status", r.status);
    entry.raw("attempts", std::to_string(r.attempts));
    entry.text("timestamp", r.timestamp);
    entry.raw("durationMs", std::to_string(r.duration_ms));
    entry.text("error", r.error);
    entry.text("action", r.action);
    entry.text("subject", r.subject);
  }
  return out;
}

std::string maskUri(const std::string& uri) {
  try {
    Poco::URI parsed(uri);
    std::string out = parsed.getScheme() + "://";
    if (!parsed.getUserInfo().empty()) out += "******@";
    out += parsed.getAuthority().substr(
        parsed.getUserInfo().empty() ? 0 : parsed.getUserInfo().size() + 1);
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

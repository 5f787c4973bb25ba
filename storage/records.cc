#include "storage/records.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace reghook::records {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string str(const Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

Result<Object::Ptr> parse(const std::string& data, const char* what) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(data).extract<Object::Ptr>();
  } catch (const std::exception& e) {
    return Status::internal(std::string("stored ") + what + " record is corrupt: " + e.what());
  }
}

std::string getStr(const Object::Ptr& o, const char* key) {
  return o->has(key) ? o->getValue<std::string>(key) : std::string();
}

int64_t getInt(const Object::Ptr& o, const char* key) {
  return o->has(key) ? o->getValue<int64_t>(key) : 0;
}

}  // namespace

std::string encode(const Webhook& w) {
  Object o;
  o.set("id", w.id);
  o.set("registry", w.registry);
  o.set("name", w.name);
  o.set("serviceUri", w.service_uri);
  Array headers;
  for (const auto& [k, v] : w.custom_headers) {
    Array pair;
    pair.add(k);
    pair.add(v);
    headers.add(pair);
  }
  o.set("customHeaders", headers);
  Array actions;
  for (const auto& a : w.actions) actions.add(a);
  o.set("actions", actions);
  o.set("status", w.status);
  o.set("scope", w.scope);
  o.set("timeoutSeconds", w.timeout_seconds);
  o.set("signingSecret", w.signing_secret);
  o.set("createdAt", w.created_at);
  o.set("updatedAt", w.updated_at);
  return str(o);
}

Result<Webhook> decodeWebhook(const std::string& data) {
  auto parsed = parse(data, "webhook");
  if (!parsed.isOk()) return parsed.status();
  const Object::Ptr& o = parsed.value();
  Webhook w;
  w.id = getStr(o, "id");
  w.registry = getStr(o, "registry");
  w.name = getStr(o, "name");
  w.service_uri = getStr(o, "serviceUri");
  for (const auto& pair : *o->getArray("customHeaders")) {
    auto arr = pair.extract<Array::Ptr>();
    w.custom_headers.emplace_back(arr->getElement<std::string>(0), arr->getElement<std::string>(1));
  }
  for (const auto& a : *o->getArray("actions")) w.actions.push_back(a.convert<std::string>());
  w.status = getStr(o, "status");
  w.scope = getStr(o, "scope");
  w.timeout_seconds = static_cast<int>(getInt(o, "timeoutSeconds"));
  w.signing_secret = getStr(o, "signingSecret");
  w.created_at = getStr(o, "createdAt");
  w.updated_at = getStr(o, "updatedAt");
  return w;
}

// Jobs are read and written on every delivery attempt, so they use a plain line format rather
// than a JSON DOM: seven fields, one per line, then the payload (compact JSON, so no line
// breaks in the fields before it; the payload itself is taken whole).
std::string encode(const Job& j) {
  std::string out;
  out.reserve(j.payload.size() + 160);
  for (const std::string& field :
       {j.webhook_id, j.event_id, j.action, j.subject, std::to_string(j.attempts),
        std::to_string(j.next_ms), std::to_string(j.created_ms)}) {
    out += field;
    out += '\n';
  }
  out += j.payload;
  return out;
}

Result<Job> decodeJob(const std::string& data) {
  std::string fields[7];
  size_t start = 0;
  for (auto& field : fields) {
    const size_t end = data.find('\n', start);
    if (end == std::string::npos) return Status::internal("stored job record is corrupt");
    field = data.substr(start, end - start);
    start = end + 1;
  }
  Job j;
  j.webhook_id = fields[0];
  j.event_id = fields[1];
  j.action = fields[2];
  j.subject = fields[3];
  try {
    j.attempts = std::stoi(fields[4]);
    j.next_ms = std::stoll(fields[5]);
    j.created_ms = std::stoll(fields[6]);
  } catch (const std::exception&) {
    return Status::internal("stored job record has a bad number");
  }
  j.payload = data.substr(start);
  return j;
}

std::string encode(const DigestInfo& info) {
  Object o;
  o.set("mediaType", info.media_type);
  o.set("size", info.size);
  Array tags;
  for (const auto& t : info.tags) tags.add(t);
  o.set("tags", tags);
  o.set("chart", info.chart);
  return str(o);
}

Result<DigestInfo> decodeDigestInfo(const std::string& data) {
  auto parsed = parse(data, "digest index");
  if (!parsed.isOk()) return parsed.status();
  const Object::Ptr& o = parsed.value();
  DigestInfo info;
  info.media_type = getStr(o, "mediaType");
  info.size = getInt(o, "size");
  for (const auto& t : *o->getArray("tags")) info.tags.push_back(t.convert<std::string>());
  info.chart = o->has("chart") && o->getValue<bool>("chart");
  return info;
}

std::string encode(const DeadLetter& d) {
  Object o;
  o.set("registry", d.registry);
  o.set("eventId", d.event_id);
  o.set("reason", d.reason);
  o.set("event", d.event_json);
  o.set("receivedMs", d.received_ms);
  return str(o);
}

Result<DeadLetter> decodeDeadLetter(const std::string& data) {
  auto parsed = parse(data, "dead letter");
  if (!parsed.isOk()) return parsed.status();
  const Object::Ptr& o = parsed.value();
  DeadLetter d;
  d.registry = getStr(o, "registry");
  d.event_id = getStr(o, "eventId");
  d.reason = getStr(o, "reason");
  d.event_json = getStr(o, "event");
  d.received_ms = getInt(o, "receivedMs");
  return d;
}

}  // namespace reghook::records

#include "adapters/distribution/envelope.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

namespace reghook::distribution {
namespace {

using Poco::JSON::Object;

std::string str(const Object::Ptr& o, const char* key) {
  if (!o || !o->has(key)) return "";
  Poco::Dynamic::Var v = o->get(key);
  return v.isString() ? v.extract<std::string>() : "";
}

std::optional<int64_t> num(const Object::Ptr& o, const char* key) {
  if (!o || !o->has(key)) return std::nullopt;
  Poco::Dynamic::Var v = o->get(key);
  if (!v.isNumeric()) return std::nullopt;
  return v.convert<int64_t>();
}

// What makes an event unusable, or "" when it is fine.
std::string problemOf(const Object::Ptr& event) {
  if (str(event, "id").empty()) return "the event has no id";
  const std::string action = str(event, "action");
  if (action.empty()) return "the event has no action";
  if (action != "push" && action != "pull" && action != "mount" && action != "delete") {
    return "unknown action '" + action + "' (known: push, pull, mount, delete)";
  }
  if (str(event, "timestamp").empty()) return "the event has no timestamp";
  Object::Ptr target = event->getObject("target");
  if (!target) return "the event has no target object";
  if (str(target, "repository").empty()) return "the event's target has no repository";
  return "";
}

}  // namespace

Result<std::vector<EnvelopeEvent>> parseEnvelope(const std::string& body) {
  Poco::Dynamic::Var root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(body);
  } catch (const Poco::Exception& e) {
    return Status::invalid("InvalidBody", "body",
                           "the body is not valid JSON (" + e.displayText() +
                               "); expected a notification envelope {\"events\": [...]}");
  }
  Object::Ptr object;
  if (root.type() == typeid(Object::Ptr)) object = root.extract<Object::Ptr>();
  if (!object || !object->has("events") || !object->getArray("events")) {
    return Status::invalid("InvalidBody", "body",
                           "the body is JSON but not a notification envelope: expected "
                           "{\"events\": [...]}");
  }
  std::vector<EnvelopeEvent> out;
  for (const auto& item : *object->getArray("events")) {
    EnvelopeEvent e;
    Object::Ptr event;
    if (item.type() == typeid(Object::Ptr)) event = item.extract<Object::Ptr>();
    std::ostringstream json;
    if (event) {
      event->stringify(json);
    } else {
      Poco::JSON::Stringifier::stringify(item, json);
    }
    e.json = json.str();
    e.problem = event ? problemOf(event) : "the event is not a JSON object";
    e.id = str(event, "id");
    e.action = str(event, "action");
    if (event) e.instance_id = str(event->getObject("source"), "instanceID");
    if (e.id.empty()) {
      Poco::SHA1Engine sha1;
      sha1.update(e.json);
      e.id = "sha1-" + Poco::DigestEngine::digestToHex(sha1.digest());
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<UpstreamEvent> parseEvent(const std::string& json, const std::string& registry) {
  Object::Ptr event;
  try {
    Poco::JSON::Parser parser;
    event = parser.parse(json).extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Status::invalid("InvalidEvent", "event", "stored event is not JSON: " + e.displayText());
  }
  const std::string problem = problemOf(event);
  if (!problem.empty()) return Status::invalid("InvalidEvent", "event", problem);
  UpstreamEvent u;
  u.registry = registry;
  u.id = str(event, "id");
  u.timestamp = str(event, "timestamp");
  u.action = str(event, "action");
  Object::Ptr target = event->getObject("target");
  u.media_type = str(target, "mediaType");
  u.size = num(target, "size");
  u.length = num(target, "length");
  u.digest = str(target, "digest");
  u.repository = str(target, "repository");
  u.url = str(target, "url");
  u.tag = str(target, "tag");
  if (auto refs = target->getArray("references")) {
    for (const auto& r : *refs) {
      if (r.type() != typeid(Object::Ptr)) continue;
      Object::Ptr ref = r.extract<Object::Ptr>();
      u.references.push_back({str(ref, "mediaType"), num(ref, "size").value_or(0), str(ref, "digest")});
    }
  }
  Object::Ptr request = event->getObject("request");
  u.request_id = str(request, "id");
  u.request_host = str(request, "host");
  u.request_method = str(request, "method");
  u.request_useragent = str(request, "useragent");
  u.source_instance_id = str(event->getObject("source"), "instanceID");
  return u;
}

}  // namespace reghook::distribution

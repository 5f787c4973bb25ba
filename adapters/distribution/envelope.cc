#include "adapters/distribution/envelope.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

namespace reghook::distribution {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// An event as the scanner saw it: the fields reghook uses, and whether it had the right shape.
struct ScannedEvent {
  bool is_object = false;
  bool has_target = false;
  UpstreamEvent event;
};

// Streams through an envelope ({"events": [...]}) with Poco's parser and keeps only the fields
// reghook uses, instead of building a DOM and reading it: the sink and the normalizer run this
// once per registry event, so it is the hot path of ingest.
class EnvelopeScanner : public Poco::JSON::Handler {
 public:
  bool envelope() const { return events_array_seen_; }
  std::vector<ScannedEvent>& events() { return events_; }

  void reset() override {}
  void startObject() override { open(false); }
  void endObject() override { stack_.pop_back(); }
  void startArray() override { open(true); }
  void endArray() override { stack_.pop_back(); }
  void key(const std::string& k) override { stack_.back().key = k; }
  void null() override { scalar(); }
  void value(int v) override { number(v); }
  void value(unsigned v) override { number(v); }
  void value(Poco::Int64 v) override { number(v); }
  void value(Poco::UInt64 v) override { number(static_cast<int64_t>(v)); }
  void value(double v) override { number(static_cast<int64_t>(v)); }
  void value(bool) override { scalar(); }
  void value(const std::string& v) override {
    scalar();
    if (stack_.empty()) return;
    const Frame& parent = stack_.back();
    const std::string& k = parent.key;
    switch (parent.role) {
      case Role::kEvent: {
        UpstreamEvent& e = current();
        if (k == "id")
          e.id = v;
        else if (k == "action")
          e.action = v;
        else if (k == "timestamp")
          e.timestamp = v;
        break;
      }
      case Role::kTarget: {
        UpstreamEvent& e = current();
        if (k == "mediaType")
          e.media_type = v;
        else if (k == "digest")
          e.digest = v;
        else if (k == "repository")
          e.repository = v;
        else if (k == "url")
          e.url = v;
        else if (k == "tag")
          e.tag = v;
        break;
      }
      case Role::kReference:
        if (k == "mediaType")
          current().references.back().media_type = v;
        else if (k == "digest")
          current().references.back().digest = v;
        break;
      case Role::kRequest: {
        UpstreamEvent& e = current();
        if (k == "id")
          e.request_id = v;
        else if (k == "host")
          e.request_host = v;
        else if (k == "method")
          e.request_method = v;
        else if (k == "useragent")
          e.request_useragent = v;
        break;
      }
      case Role::kSource:
        if (k == "instanceID") current().source_instance_id = v;
        break;
      default:
        break;
    }
  }

 private:
  enum class Role {
    kOther,
    kRoot,
    kEvents,
    kEvent,
    kTarget,
    kReferences,
    kReference,
    kRequest,
    kSource
  };
  struct Frame {
    Role role;
    std::string key;
  };

  UpstreamEvent& current() { return events_.back().event; }

  // What a new container is, given where it opens.
  Role roleOf(bool array) const {
    if (stack_.empty()) return array ? Role::kOther : Role::kRoot;
    const Frame& parent = stack_.back();
    switch (parent.role) {
      case Role::kRoot:
        return array && parent.key == "events" ? Role::kEvents : Role::kOther;
      case Role::kEvents:
        return array ? Role::kOther : Role::kEvent;
      case Role::kEvent:
        if (array) return Role::kOther;
        if (parent.key == "target") return Role::kTarget;
        if (parent.key == "request") return Role::kRequest;
        if (parent.key == "source") return Role::kSource;
        return Role::kOther;
      case Role::kTarget:
        return array && parent.key == "references" ? Role::kReferences : Role::kOther;
      case Role::kReferences:
        return array ? Role::kOther : Role::kReference;
      default:
        return Role::kOther;
    }
  }

  void open(bool array) {
    const Role role = roleOf(array);
    if (!stack_.empty() && stack_.back().role == Role::kEvents) {
      events_.emplace_back();
      events_.back().is_object = !array;
    }
    if (role == Role::kEvents) events_array_seen_ = true;
    if (role == Role::kTarget) events_.back().has_target = true;
    if (role == Role::kReference) current().references.emplace_back();
    stack_.push_back({role, ""});
  }

  void number(int64_t v) {
    scalar();
    if (stack_.empty()) return;
    const Frame& parent = stack_.back();
    if (parent.role == Role::kTarget && parent.key == "size") current().size = v;
    if (parent.role == Role::kTarget && parent.key == "length") current().length = v;
    if (parent.role == Role::kReference && parent.key == "size")
      current().references.back().size = v;
  }

  // A scalar directly in the events array is an event too (an unusable one).
  void scalar() {
    if (!stack_.empty() && stack_.back().role == Role::kEvents) events_.emplace_back();
  }

  std::vector<Frame> stack_;
  std::vector<ScannedEvent> events_;
  bool events_array_seen_ = false;
};

// What makes an event unusable, or "" when it is fine.
std::string problemOf(const ScannedEvent& s) {
  const UpstreamEvent& e = s.event;
  if (!s.is_object) return "the event is not a JSON object";
  if (e.id.empty()) return "the event has no id";
  if (e.action.empty()) return "the event has no action";
  if (e.action != "push" && e.action != "pull" && e.action != "mount" && e.action != "delete") {
    return "unknown action '" + e.action + "' (known: push, pull, mount, delete)";
  }
  if (e.timestamp.empty()) return "the event has no timestamp";
  if (!s.has_target) return "the event has no target object";
  if (e.repository.empty()) return "the event's target has no repository";
  return "";
}

// Parses with the scanner; kInvalid with a readable message when the text is not JSON.
Result<Poco::SharedPtr<EnvelopeScanner>> scan(const std::string& json) {
  Poco::SharedPtr<EnvelopeScanner> scanner = new EnvelopeScanner;
  try {
    Poco::JSON::Parser parser(scanner);
    parser.parse(json);
  } catch (const Poco::Exception& e) {
    return Status::invalid("InvalidBody", "body",
                           "the body is not valid JSON (" + e.displayText() +
                               "); expected a notification envelope {\"events\": [...]}");
  }
  return scanner;
}

// The JSON text without the whitespace between tokens (the registry indents its envelopes).
// Only called on text the parser accepted, so strings and escapes are well formed.
std::string withoutWhitespace(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size())
        out += json[++i];
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out += c;
    }
  }
  return out;
}

std::string contentId(const std::string& json) {
  Poco::SHA1Engine sha1;
  sha1.update(json);
  return "sha1-" + Poco::DigestEngine::digestToHex(sha1.digest());
}

}  // namespace

Result<std::vector<EnvelopeEvent>> parseEnvelope(const std::string& body) {
  auto scanned = scan(body);
  if (!scanned.isOk()) return scanned.status();
  EnvelopeScanner& scanner = *scanned.value();
  if (!scanner.envelope()) {
    return Status::invalid("InvalidBody", "body",
                           "the body is JSON but not a notification envelope: expected "
                           "{\"events\": [...]}");
  }
  std::vector<EnvelopeEvent> out;
  const auto& events = scanner.events();
  if (events.size() == 1) {
    // The registry sends one event per envelope: store the envelope itself, compacted.
    out.push_back({events[0].event.id, withoutWhitespace(body), events[0].event.source_instance_id,
                   problemOf(events[0])});
  } else {
    // Several events: each is stored as an envelope of its own.
    Poco::JSON::Parser parser;
    Array::Ptr array = parser.parse(body).extract<Object::Ptr>()->getArray("events");
    for (size_t i = 0; i < events.size(); ++i) {
      std::ostringstream json;
      json << "{\"events\":[";
      Poco::JSON::Stringifier::stringify(array->get(i), json);
      json << "]}";
      out.push_back({events[i].event.id, json.str(), events[i].event.source_instance_id,
                     problemOf(events[i])});
    }
  }
  for (auto& e : out) {
    if (e.id.empty()) e.id = contentId(e.json);
  }
  return out;
}

Result<UpstreamEvent> parseEvent(const std::string& json, const std::string& registry) {
  auto scanned = scan(json);
  if (!scanned.isOk()) {
    return Status::invalid("InvalidEvent", "event",
                           "stored event is not JSON: " + scanned.status().message());
  }
  auto& events = scanned.value()->events();
  if (events.size() != 1) {
    return Status::invalid("InvalidEvent", "event", "stored entry does not hold exactly one event");
  }
  const std::string problem = problemOf(events[0]);
  if (!problem.empty()) return Status::invalid("InvalidEvent", "event", problem);
  UpstreamEvent e = std::move(events[0].event);
  e.registry = registry;
  return e;
}

}  // namespace reghook::distribution

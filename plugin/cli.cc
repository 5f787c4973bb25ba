#include "plugin/cli.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace reghook {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const char kUsage[] =
    "usage: reghook webhook <command> [options]\n"
    "\n"
    "commands:\n"
    "  create       --registry R --name N --uri U --actions A [A ...] [--headers H [H ...]]\n"
    "               [--scope S] [--status enabled|disabled] [--timeout SECONDS]\n"
    "               [--signing-secret whsec_...]\n"
    "  update       --registry R --name N [any option of create]\n"
    "  delete       --registry R --name N\n"
    "  show         --registry R --name N\n"
    "  get-config   --registry R --name N      (reveals the URI, headers and secret)\n"
    "  ping         --registry R --name N\n"
    "  list         --registry R\n"
    "  list-events  --registry R --name N [--top N]\n"
    "  redeliver    --registry R --name N --event ID\n"
    "\n"
    "options for every command:\n"
    "  --server URL    admin API address (default $REGHOOK_SERVER or http://127.0.0.1:8080)\n"
    "  --token TOKEN   admin token (default $REGHOOK_TOKEN)\n"
    "  --output json|table   (default json)\n"
    "  --help\n"
    "\n"
    "actions: push delete chart_push chart_delete quarantine pull\n"
    "headers: 'Name=value' or 'Name: value', several after one --headers\n";

struct Options {
  std::string command;
  std::map<std::string, std::vector<std::string>> values;
  bool has(const std::string& k) const { return values.count(k) > 0; }
  std::string one(const std::string& k) const {
    auto it = values.find(k);
    return it == values.end() || it->second.empty() ? "" : it->second.front();
  }
};

struct CliError {
  std::string message;
};

const std::map<std::string, std::set<std::string>>& commandOptions() {
  static const std::set<std::string> kEdit = {"registry", "name",    "uri",
                                              "actions",  "headers", "scope",
                                              "status",   "timeout", "signing-secret"};
  static const std::map<std::string, std::set<std::string>> kOptions = {
      {"create", kEdit},
      {"update", kEdit},
      {"delete", {"registry", "name"}},
      {"show", {"registry", "name"}},
      {"get-config", {"registry", "name"}},
      {"ping", {"registry", "name"}},
      {"list", {"registry"}},
      {"list-events", {"registry", "name", "top"}},
      {"redeliver", {"registry", "name", "event"}},
  };
  return kOptions;
}

Options parse(const std::vector<std::string>& args) {
  Options o;
  if (args.size() < 2) throw CliError{"missing command"};
  o.command = args[1];
  auto known = commandOptions().find(o.command);
  if (known == commandOptions().end()) throw CliError{"unknown command '" + o.command + "'"};
  std::string current;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0) {
      current = a.substr(2);
      if (current == "help") {
        o.values["help"];
        continue;
      }
      if (!known->second.count(current) && current != "server" && current != "token" &&
          current != "output") {
        throw CliError{"unknown option --" + current + " for '" + o.command + "'"};
      }
      o.values[current];
      continue;
    }
    if (current.empty()) throw CliError{"unexpected argument '" + a + "'"};
    auto& list = o.values[current];
    const bool multi = current == "actions" || current == "headers";
    if (!multi && !list.empty()) throw CliError{"--" + current + " takes one value"};
    list.push_back(a);
  }
  for (const auto& [k, v] : o.values) {
    if (k != "help" && v.empty()) throw CliError{"--" + k + " needs a value"};
  }
  return o;
}

void require(const Options& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!o.has(k)) throw CliError{"--" + std::string(k) + " is required for '" + o.command + "'"};
  }
}

struct Reply {
  int status = 0;
  std::string body;
};

class Client {
 public:
  Client(std::string server, std::string token)
      : server_(std::move(server)), token_(std::move(token)) {}

  Reply call(const std::string& method, const std::string& path, const std::string& body = "") {
    Poco::URI uri(server_);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort());
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + token_);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    Reply reply;
    try {
      session->sendRequest(request) << body;
      Poco::Net::HTTPResponse response;
      std::istream& in = session->receiveResponse(response);
      Poco::StreamCopier::copyToString(in, reply.body);
      reply.status = response.getStatus();
    } catch (const Poco::Exception& e) {
      throw CliError{"cannot reach reghook at " + server_ + ": " + e.displayText()};
    }
    if (reply.status >= 400) {
      std::string message = reply.body;
      try {
        Poco::JSON::Parser parser;
        auto error = parser.parse(reply.body).extract<Object::Ptr>()->getObject("error");
        message = error->getValue<std::string>("message");
      } catch (const std::exception&) {
      }
      throw CliError{message.empty() ? "HTTP " + std::to_string(reply.status) : message};
    }
    return reply;
  }

 private:
  std::string server_;
  std::string token_;
};

std::string encodePath(const std::string& segment) {
  std::string out;
  Poco::URI::encode(segment, "/?#&=+%", out);
  return out;
}

std::string body(const Options& o) {
  Object::Ptr b = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (o.has("uri")) b->set("serviceUri", o.one("uri"));
  if (o.has("actions")) {
    Array::Ptr actions = new Array;
    for (const auto& a : o.values.at("actions")) actions->add(a);
    b->set("actions", actions);
  }
  if (o.has("headers")) {
    Object::Ptr headers = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& h : o.values.at("headers")) {
      const size_t colon = h.find(':');
      const size_t equals = h.find('=');
      size_t sep = std::min(colon, equals);
      if (sep == std::string::npos || sep == 0) {
        throw CliError{"header '" + h + "' is not 'Name=value' or 'Name: value'"};
      }
      std::string value = h.substr(sep + 1);
      value.erase(0, value.find_first_not_of(' '));
      headers->set(h.substr(0, sep), value);
    }
    b->set("customHeaders", headers);
  }
  if (o.has("scope")) b->set("scope", o.one("scope"));
  if (o.has("status")) b->set("status", o.one("status"));
  if (o.has("signing-secret")) b->set("signingSecret", o.one("signing-secret"));
  if (o.has("timeout")) {
    const std::string t = o.one("timeout");
    if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos) {
      throw CliError{"--timeout must be a whole number of seconds from 1 to 60"};
    }
    b->set("timeoutSeconds", std::stoi(t));
  }
  std::ostringstream out;
  b->stringify(out);
  return out.str();
}

std::string text(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return "";
  if (v.type() == typeid(Array::Ptr)) {
    std::string out;
    for (const auto& item : *v.extract<Array::Ptr>())
      out += (out.empty() ? "" : ",") + item.convert<std::string>();
    return out;
  }
  return v.convert<std::string>();
}

void printTable(std::ostream& out, const std::vector<std::string>& heads,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(heads.size());
  for (size_t i = 0; i < heads.size(); ++i) width[i] = heads[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      out << std::left << std::setw(static_cast<int>(width[i] + (i + 1 < cells.size() ? 2 : 0)))
          << cells[i];
    }
    out << "\n";
  };
  line(heads);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows) line(r);
}

void printResult(const Options& o, const std::string& json, std::ostream& out) {
  const std::string format = o.has("output") ? o.one("output") : "json";
  if (format != "table") {
    out << json << "\n";
    return;
  }
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  Object::Ptr root = parser.parse(json).extract<Object::Ptr>();
  if (o.command == "list") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : *root->getArray("value")) {
      auto w = v.extract<Object::Ptr>();
      rows.push_back({text(w->get("name")), text(w->get("status")), text(w->get("scope")),
                      text(w->get("actions"))});
    }
    printTable(out, {"NAME", "STATUS", "SCOPE", "ACTIONS"}, rows);
  } else if (o.command == "list-events") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : *root->getArray("value")) {
      auto e = v.extract<Object::Ptr>();
      std::string code;
      if (auto resp = e->getObject("eventResponseMessage")) code = text(resp->get("statusCode"));
      rows.push_back({text(e->get("id")), text(e->get("action")), text(e->get("subject")),
                      text(e->get("status")), code, text(e->get("timestamp")),
                      text(e->get("attempts"))});
    }
    printTable(out, {"ID", "ACTION", "REPOSITORY:TAG", "STATUS", "CODE", "TIME", "ATTEMPTS"}, rows);
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : *root) {
      if (v.type() == typeid(Object::Ptr)) {
        for (const auto& [hk, hv] : *v.extract<Object::Ptr>())
          rows.push_back({k + "." + hk, text(hv)});
      } else {
        rows.push_back({k, text(v)});
      }
    }
    printTable(out, {"FIELD", "VALUE"}, rows);
  }
}

}  // namespace

int runWebhookCli(const std::vector<std::string>& args, const std::string& env_server,
                  const std::string& env_token, std::ostream& out, std::ostream& err) {
  try {
    if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
      (args.size() < 2 ? err : out) << kUsage;
      return args.size() < 2 ? 2 : 0;
    }
    Options o = parse(args);
    if (o.has("help")) {
      out << kUsage;
      return 0;
    }
    if (o.has("output") && o.one("output") != "json" && o.one("output") != "table") {
      throw CliError{"--output must be json or table"};
    }
    require(o, {"registry"});
    if (o.command != "list") require(o, {"name"});
    const std::string server = o.has("server")
                                   ? o.one("server")
                                   : (env_server.empty() ? "http://127.0.0.1:8080" : env_server);
    const std::string token = o.has("token") ? o.one("token") : env_token;
    if (token.empty()) throw CliError{"no admin token: pass --token or set REGHOOK_TOKEN"};
    Client client(server, token);
    const std::string base = "/v1/registries/" + encodePath(o.one("registry"));
    const std::string hook = base + "/webhooks/" + encodePath(o.one("name"));
    Reply reply;
    if (o.command == "create") {
      require(o, {"uri", "actions"});
      bool exists = true;
      try {
        client.call("GET", hook);
      } catch (const CliError&) {
        exists = false;
      }
      if (exists) {
        throw CliError{"webhook '" + o.one("name") +
                       "' already exists; use 'reghook webhook update'"};
      }
      reply = client.call("PUT", hook, body(o));
    } else if (o.command == "update") {
      reply = client.call("PATCH", hook, body(o));
    } else if (o.command == "delete") {
      client.call("DELETE", hook);
      return 0;
    } else if (o.command == "show") {
      reply = client.call("GET", hook);
    } else if (o.command == "get-config") {
      reply = client.call("POST", hook + "/getCallbackConfig");
    } else if (o.command == "ping") {
      reply = client.call("POST", hook + "/ping");
    } else if (o.command == "list") {
      reply = client.call("GET", base + "/webhooks");
    } else if (o.command == "list-events") {
      reply = client.call("GET", hook + "/events?top=" + (o.has("top") ? o.one("top") : "50"));
    } else if (o.command == "redeliver") {
      require(o, {"event"});
      reply = client.call("POST", hook + "/events/" + encodePath(o.one("event")) + "/redeliver");
    }
    printResult(o, reply.body, out);
    return 0;
  } catch (const CliError& e) {
    err << "error: " << e.message << "\n";
    return 1;
  }
}

}  // namespace reghook

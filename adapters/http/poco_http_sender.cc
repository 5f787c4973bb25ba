#include "adapters/http/poco_http_sender.h"

#include <Poco/DateTimeParser.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <chrono>

namespace reghook::http {

using Poco::Net::HTTPClientSession;

struct PocoHttpSender::Target {
  bool https = false;
  std::string host;
  uint16_t port = 0;
  std::string path;
  std::string key;
};

namespace {

constexpr size_t kMaxIdlePerHost = 32;
// Idle connections are dropped before Poco's own keep-alive timeout (8 s) would make a session
// reconnect by itself, which would bypass the address guard.
constexpr auto kMaxIdle = std::chrono::seconds(4);

// Poco 1.11's HTTPSClientSession(socket) constructor throws for a connected socket (it sets the
// port afterwards); this one attaches the socket we connected and verified ourselves.
class ConnectedHttpsSession : public Poco::Net::HTTPSClientSession {
 public:
  ConnectedHttpsSession(const Poco::Net::SecureStreamSocket& socket, Poco::Net::Context::Ptr tls,
                        const std::string& host, uint16_t port)
      : HTTPSClientSession(tls) {
    setHost(host);
    setPort(port);
    attachSocket(socket);
  }
};
constexpr size_t kMaxBodyKept = 64 * 1024;

std::optional<int64_t> parseRetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string::npos && value.size() < 10) {
    return std::stoll(value) * 1000;
  }
  try {
    int tzd = 0;
    Poco::DateTime when = Poco::DateTimeParser::parse(value, tzd);
    const int64_t delta =
        (when.timestamp().epochMicroseconds() - Poco::Timestamp().epochMicroseconds()) / 1000;
    return delta > 0 ? delta : 0;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace

PocoHttpSender::PocoHttpSender(AddressGuard guard, const std::string& ca_file,
                               std::string user_agent)
    : guard_(std::move(guard)), user_agent_(std::move(user_agent)) {
  Poco::Net::initializeSSL();
  tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                                Poco::Net::Context::VERIFY_STRICT, 9, ca_file.empty());
}

std::unique_ptr<HTTPClientSession> PocoHttpSender::takeIdle(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  const auto now = std::chrono::steady_clock::now();
  while (!it->second.empty()) {
    Idle idle = std::move(it->second.back());
    it->second.pop_back();
    if (now - idle.since < kMaxIdle) return std::move(idle.session);
  }
  return nullptr;
}

void PocoHttpSender::putIdle(const std::string& key, std::unique_ptr<HTTPClientSession> session) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& list = idle_[key];
  if (list.size() < kMaxIdlePerHost)
    list.push_back({std::move(session), std::chrono::steady_clock::now()});
}

std::unique_ptr<HTTPClientSession> PocoHttpSender::connect(const Target& target, int timeout_ms,
                                                           std::string& error) {
  std::vector<Poco::Net::IPAddress> addresses;
  Poco::Net::IPAddress literal;
  if (Poco::Net::IPAddress::tryParse(target.host, literal)) {
    addresses.push_back(literal);
  } else {
    try {
      addresses = Poco::Net::DNS::hostByName(target.host).addresses();
    } catch (const Poco::Exception& e) {
      error = "cannot resolve host '" + target.host + "': " + e.displayText();
      return nullptr;
    }
  }
  const Poco::Timespan timeout(static_cast<long>(timeout_ms) * 1000);
  for (const auto& address : addresses) {
    Status allowed = guard_.check(address);
    if (!allowed.isOk()) {
      error = allowed.message();
      continue;
    }
    try {
      Poco::Net::SocketAddress where(address, target.port);
      std::unique_ptr<HTTPClientSession> session;
      if (target.https) {
        Poco::Net::SecureStreamSocket socket(tls_);
        socket.setPeerHostName(target.host);
        socket.connect(where, timeout);
        session = std::make_unique<ConnectedHttpsSession>(socket, tls_, target.host, target.port);
      } else {
        Poco::Net::StreamSocket socket;
        socket.connect(where, timeout);
        session = std::make_unique<HTTPClientSession>(socket);
      }
      session->setKeepAlive(true);
      return session;
    } catch (const Poco::TimeoutException&) {
      error = "connect timed out after " + std::to_string(timeout_ms) + " ms";
    } catch (const Poco::Net::ConnectionRefusedException&) {
      error = "connection refused by " + address.toString() + ":" + std::to_string(target.port);
    } catch (const Poco::Exception& e) {
      error = e.displayText();
    }
  }
  if (addresses.empty()) error = "host '" + target.host + "' has no address";
  return nullptr;
}

SendResult PocoHttpSender::send(const OutgoingRequest& request) {
  SendResult result;
  const auto started = std::chrono::steady_clock::now();
  auto finish = [&]() {
    result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    return result;
  };
  Target target;
  try {
    Poco::URI uri(request.uri);
    target.https = uri.getScheme() == "https";
    target.host = uri.getHost();
    target.port = uri.getPort();
    target.path = uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery();
  } catch (const Poco::Exception& e) {
    result.error = "invalid URI: " + e.displayText();
    return finish();
  }
  target.key =
      (target.https ? "https://" : "http://") + target.host + ":" + std::to_string(target.port);

  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<HTTPClientSession> session = round == 0 ? takeIdle(target.key) : nullptr;
    const bool reused = session != nullptr;
    if (!session) {
      session = connect(target, request.timeout_ms, result.error);
      if (!session) return finish();
    }
    // The socket was connected by us, so Poco's session timeouts must be put on it directly.
    const Poco::Timespan timeout(static_cast<long>(request.timeout_ms) * 1000);
    session->setTimeout(timeout);
    session->socket().setReceiveTimeout(timeout);
    session->socket().setSendTimeout(timeout);
    Poco::Net::HTTPRequest http(Poco::Net::HTTPRequest::HTTP_POST, target.path,
                                Poco::Net::HTTPMessage::HTTP_1_1);
    const bool default_port = target.port == (target.https ? 443 : 80);
    http.setHost(target.host, default_port ? (target.https ? 443 : 80) : target.port);
    http.set("User-Agent", user_agent_);
    for (const auto& [name, value] : request.headers) http.set(name, value);
    http.setContentLength(static_cast<std::streamsize>(request.body.size()));
    http.setKeepAlive(true);
    try {
      session->sendRequest(http) << request.body;
      Poco::Net::HTTPResponse response;
      std::istream& body = session->receiveResponse(response);
      std::string text;
      char buf[8192];
      while (body.read(buf, sizeof buf) || body.gcount() > 0) {
        if (text.size() < kMaxBodyKept) text.append(buf, static_cast<size_t>(body.gcount()));
      }
      result.answered = true;
      result.error.clear();
      result.status_code = static_cast<int>(response.getStatus());
      result.reason = response.getReason();
      for (const auto& [name, value] : response) result.headers.emplace_back(name, value);
      result.body = std::move(text);
      if (result.status_code == 429 || result.status_code == 503) {
        result.retry_after_ms = parseRetryAfter(response.get("Retry-After", ""));
      }
      if (response.getKeepAlive()) putIdle(target.key, std::move(session));
      return finish();
    } catch (const Poco::TimeoutException&) {
      result.error = "timed out after " + std::to_string(request.timeout_ms) + " ms";
      return finish();
    } catch (const Poco::Exception& e) {
      result.error = e.displayText();
      if (!reused) return finish();
      // A kept-alive connection the server had closed: try once more on a fresh one.
    }
  }
  return finish();
}

}  // namespace reghook::http

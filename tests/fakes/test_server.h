// TestServer: a real reghook Server on 127.0.0.1, port 0, with its own temporary data directory,
// plus a small HTTP client for the tests. Not a fake: the full composition root runs.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "plugin/server.h"
#include "tests/fakes/test_dirs.h"

namespace reghook::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
};

inline HttpReply httpCall(uint16_t port, const std::string& method, const std::string& path,
                          const std::string& body = "", const std::string& token = "",
                          const std::string& content_type = "application/json") {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!token.empty()) request.set("Authorization", "Bearer " + token);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.setContentType(content_type);
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  HttpReply reply;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), reply.body);
  reply.status = response.getStatus();
  reply.content_type = response.getContentType();
  return reply;
}

// Polls cond every 10 ms until it holds or timeout_ms passes.
inline bool eventually(const std::function<bool()>& cond, int timeout_ms = 10000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

inline Config testConfig(const std::string& data_dir) {
  Config c;
  c.listen_host = "127.0.0.1";
  c.listen_port = 0;
  c.data_dir = data_dir;
  c.admin_token = "admin-token";
  c.registries = {{"myregistry", "sink-token"}, {"otherregistry", "other-token"}};
  c.delivery.retry_schedule_ms = {0, 50, 100};
  return c;
}

class TestServer {
 public:
  explicit TestServer(Config config = testConfig(tempDir("server"))) : config_(std::move(config)) {
    auto created =
        Server::create(config_, clock_, std::string(REGHOOK_SOURCE_DIR) + "/plugin/console");
    if (!created.isOk()) throw std::runtime_error(created.status().message());
    server_ = std::move(created.value());
    Status s = server_->start();
    if (!s.isOk()) throw std::runtime_error(s.message());
  }
  ~TestServer() { server_->stop(); }

  uint16_t port() const { return server_->port(); }
  const Config& config() const { return config_; }
  Server& server() { return *server_; }

  HttpReply admin(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return httpCall(port(), method, "/v1/registries/myregistry" + path, body, config_.admin_token);
  }
  HttpReply notify(const std::string& envelope, const std::string& registry = "myregistry",
                   const std::string& token = "sink-token") {
    return httpCall(port(), "POST", "/v1/registries/" + registry + "/notifications", envelope,
                    token, "application/vnd.docker.distribution.events.v1+json");
  }

 private:
  Config config_;
  SystemClock clock_;
  std::unique_ptr<Server> server_;
};

}  // namespace reghook::testing

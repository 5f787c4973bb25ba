// LoopbackReceiver: a real HTTP server on 127.0.0.1, port 0, that records every request and
// answers from a script (status, headers, delay), 200 when the script is empty. Thread-safe.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace reghook::testing {

struct ReceivedRequest {
  std::string method;
  std::string uri;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string client;  // the client's address and port: one per connection
  std::chrono::steady_clock::time_point at;
};

struct ScriptedAnswer {
  int status = 200;
  std::map<std::string, std::string> headers;
  int delay_ms = 0;
  std::string body;
};

class LoopbackReceiver {
 public:
  // With a server TLS context it answers HTTPS.
  explicit LoopbackReceiver(Poco::Net::Context::Ptr tls = nullptr) : tls_(tls), pool_(2, 64) {
    std::signal(SIGPIPE, SIG_IGN);  // a client that goes away must not end the test process
    const Poco::Net::SocketAddress address("127.0.0.1", 0);
    Poco::Net::ServerSocket socket =
        tls ? Poco::Net::SecureServerSocket(address, 64, tls) : Poco::Net::ServerSocket(address);
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(64);
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), pool_, socket, params);
    server_->start();
  }
  ~LoopbackReceiver() {
    server_->stopAll(true);
    pool_.joinAll();
  }

  uint16_t port() const { return server_->port(); }
  std::string url(const std::string& path = "/hook", const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(port()) + path;
  }

  // Answers for the next requests to `path` (any path when empty), in order.
  void script(std::vector<ScriptedAnswer> answers, const std::string& path = "") {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& a : answers) scripts_[path].push_back(std::move(a));
  }

  std::vector<ReceivedRequest> requests(const std::string& path = "") const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<ReceivedRequest> out;
    for (const auto& r : received_) {
      if (path.empty() || r.uri == path) out.push_back(r);
    }
    return out;
  }

  // Requests whose answer has begun (recorded in requests() once answered: a delayed answer
  // shows here first).
  int started() const { return started_.load(); }

  // Waits until at least n requests (to path, or any) arrived; false on timeout.
  bool waitFor(size_t n, const std::string& path = "", int timeout_ms = 10000) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return arrived_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
      size_t count = 0;
      for (const auto& r : received_) count += path.empty() || r.uri == path;
      return count >= n;
    });
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(LoopbackReceiver& owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      ReceivedRequest r;
      r.method = request.getMethod();
      r.uri = request.getURI();
      r.client = request.clientAddress().toString();
      for (const auto& [k, v] : request) r.headers[k] = v;
      Poco::StreamCopier::copyToString(request.stream(), r.body);
      r.at = std::chrono::steady_clock::now();
      ScriptedAnswer answer = owner_.next(r.uri);
      ++owner_.started_;
      if (answer.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(answer.delay_ms));
      {
        std::lock_guard<std::mutex> lock(owner_.mutex_);
        owner_.received_.push_back(r);
      }
      owner_.arrived_.notify_all();
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
      for (const auto& [k, v] : answer.headers) response.set(k, v);
      response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
      response.send() << answer.body;
    }

   private:
    LoopbackReceiver& owner_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(LoopbackReceiver& owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(owner_);
    }

   private:
    LoopbackReceiver& owner_;
  };

  ScriptedAnswer next(const std::string& uri) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& key : {uri, std::string()}) {
      auto it = scripts_.find(key);
      if (it != scripts_.end() && !it->second.empty()) {
        ScriptedAnswer a = it->second.front();
        it->second.pop_front();
        return a;
      }
    }
    return ScriptedAnswer{};
  }

  Poco::Net::Context::Ptr tls_;
  Poco::ThreadPool pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::map<std::string, std::deque<ScriptedAnswer>> scripts_;
  std::vector<ReceivedRequest> received_;
  std::atomic<int> started_{0};
};

}  // namespace reghook::testing

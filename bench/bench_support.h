// Shared pieces of the benchmark programs: a bare Poco server (the baseline), running wrk and
// reading its figures, percentiles, resident memory.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace reghook::bench {

// Reads the body and answers 200: what any HTTP sink costs at least. Also the receiver of the
// delivery benchmarks: it counts what it got, and can pass each body to a callback.
class BarePocoServer {
 public:
  using OnBody = std::function<void(const std::string& path, const std::string& body)>;

  explicit BarePocoServer(OnBody on_body = nullptr) : on_body_(std::move(on_body)), pool_(4, 64) {
    std::signal(SIGPIPE, SIG_IGN);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 256);
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(64);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), pool_, socket, params);
    server_->start();
  }
  ~BarePocoServer() {
    server_->stopAll(true);
    pool_.joinAll();
  }
  uint16_t port() const { return server_->port(); }
  long received() const { return received_.load(); }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(BarePocoServer& owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      char buf[16384];
      std::string body;
      std::istream& in = request.stream();
      while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        if (owner_.on_body_) body.append(buf, static_cast<size_t>(in.gcount()));
      }
      if (owner_.on_body_) owner_.on_body_(request.getURI(), body);
      ++owner_.received_;
      const std::string answer = R"({"accepted":1,"duplicates":0,"deadLettered":0})";
      response.setContentType("application/json; charset=utf-8");
      response.setContentLength(static_cast<std::streamsize>(answer.size()));
      response.send() << answer;
    }

   private:
    BarePocoServer& owner_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(BarePocoServer& owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(owner_);
    }

   private:
    BarePocoServer& owner_;
  };

  OnBody on_body_;
  std::atomic<long> received_{0};
  Poco::ThreadPool pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

struct WrkResult {
  double requests_per_second = 0;
  long non_2xx = 0;
};

inline std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

inline WrkResult parseWrk(const std::string& out) {
  WrkResult r;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("Requests/sec:") != std::string::npos)
      r.requests_per_second = std::stod(line.substr(line.find(':') + 1));
    if (line.find("Non-2xx") != std::string::npos)
      r.non_2xx = std::stol(line.substr(line.find(':') + 1));
  }
  return r;
}

inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p / 100.0 * values.size()));
  return values[index];
}

// Resident set size of this process in MiB.
inline double residentMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

inline std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace reghook::bench

// Fan-out: deliveries per second to a local receiver, (a) one event to 1,000 matching webhooks,
// (b) a steady stream of events to 100 webhooks. Baseline, same run: the same receiver driven
// directly by 32 keep-alive client threads (the most this machine's loopback and receiver take).
// Usage: fanout_bench [events for (b), default 200]
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench/bench_support.h"
#include "plugin/server.h"
#include "tests/fakes/test_server.h"

using namespace reghook;
using Clock_ = std::chrono::steady_clock;

namespace {

int post(Poco::Net::HTTPClientSession& session, const std::string& path, const std::string& body,
         const std::string& token, const std::string& method = "POST") {
  Poco::Net::HTTPRequest request(method, path, "HTTP/1.1");
  request.set("Authorization", "Bearer " + token);
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::string ignored;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), ignored);
  return response.getStatus();
}

std::string envelope(int n) {
  std::string text = bench::readText(std::string(REGHOOK_SOURCE_DIR) +
                                     "/tests/fixtures/distribution-2.8.2/03-push-manifest-v1.json");
  const std::string id = "2c6d7f48-ee17-43f7-b099-c3b78d0d6376";
  return text.replace(text.find(id), id.size(),
                      "fanout-" + std::to_string(n) + "-" + std::to_string(::getpid()));
}

double waitFor(const bench::BarePocoServer& receiver, long count, Clock_::time_point start) {
  while (receiver.received() < count) {
    if (Clock_::now() - start > std::chrono::seconds(120)) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return std::chrono::duration<double>(Clock_::now() - start).count();
}

double baseline(uint16_t port, long requests) {
  const std::string body = envelope(0);
  std::atomic<long> next{0};
  const auto start = Clock_::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t) {
    threads.emplace_back([&] {
      Poco::Net::HTTPClientSession session("127.0.0.1", port);
      while (next++ < requests) post(session, "/direct", body, "x");
    });
  }
  for (auto& t : threads) t.join();
  return requests / std::chrono::duration<double>(Clock_::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int stream_events = argc > 1 ? std::atoi(argv[1]) : 200;
  Poco::Logger::root().setLevel("warning");
  const auto dir =
      std::filesystem::temp_directory_path() / ("reghook-fanout-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  bench::BarePocoServer receiver;
  const double direct = baseline(receiver.port(), 20000);

  Config config = testing::testConfig((dir / "data").string());
  config.webhooks_per_registry = 2000;
  SystemClock clock;
  auto server = std::move(Server::create(config, clock, "").value());
  server->start();
  Poco::Net::HTTPClientSession admin("127.0.0.1", server->port());
  const std::string hook = R"({"serviceUri":"http://127.0.0.1:)" + std::to_string(receiver.port()) +
                           R"(/hook","actions":["push"]})";
  for (int i = 0; i < 1000; ++i) {
    post(admin, "/v1/registries/myregistry/webhooks/hook" + std::to_string(10000 + i), hook,
         "admin-token", "PUT");
  }
  // (a) one event, 1,000 webhooks
  long base = receiver.received();
  auto start = Clock_::now();
  post(admin, "/v1/registries/myregistry/notifications", envelope(1), "sink-token");
  const double one_event = waitFor(receiver, base + 1000, start);
  const long got_a = receiver.received() - base;

  // (b) a steady stream to 100 webhooks: delete 900 of them first
  for (int i = 100; i < 1000; ++i) {
    post(admin, "/v1/registries/myregistry/webhooks/hook" + std::to_string(10000 + i), "",
         "admin-token", "DELETE");
  }
  base = receiver.received();
  start = Clock_::now();
  for (int n = 0; n < stream_events; ++n)
    post(admin, "/v1/registries/myregistry/notifications", envelope(100 + n), "sink-token");
  const double stream = waitFor(receiver, base + 100L * stream_events, start);
  const long got_b = receiver.received() - base;
  server->stop();
  std::filesystem::remove_all(dir);

  std::printf("\nfan-out to a local receiver (%ld cores, receiver in the same process)\n",
              sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("%-52s %12s %14s\n", "case", "deliveries", "deliveries/s");
  std::printf("%-52s %12ld %14.0f\n", "baseline: 32 client threads straight to the receiver",
              20000L, direct);
  std::printf("%-52s %12ld %14.0f\n", "(a) 1 event -> 1,000 matching webhooks", got_a,
              got_a / one_event);
  std::printf("%-52s %12ld %14.0f\n",
              ("(b) " + std::to_string(stream_events) + " events -> 100 webhooks each").c_str(),
              got_b, got_b / stream);
  std::printf("goal: >= 10,000 deliveries/s: (a) %s, (b) %s\n",
              got_a / one_event >= 10000 ? "met" : "NOT met",
              got_b / stream >= 10000 ? "met" : "NOT met");
  return 0;
}

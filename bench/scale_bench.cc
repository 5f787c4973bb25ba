// Scale: (1) matching cost per event with 10,000 webhooks, against a scan of every webhook in the
// same run; (2) a list-events page through the HTTP API with 1,000,000 logged deliveries, and
// resident memory as the log grows; (3) restart with 1,000,000 pending jobs: time until the
// server answers /readyz again, against an empty database in the same run.
// Usage: scale_bench [log entries, default 1000000] [pending jobs, default 1000000]
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <leveldb/helpers/memenv.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "adapters/acr/acr_json.h"
#include "bench/bench_support.h"
#include "plugin/server.h"
#include "tests/fakes/test_server.h"

using namespace reghook;
using Steady = std::chrono::steady_clock;

namespace {

double msSince(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

Webhook makeHook(int i, const std::string& scope) {
  Webhook w;
  w.id = "wh-" + std::to_string(i);
  w.registry = "myregistry";
  w.name = "hook" + std::to_string(100000 + i);
  w.service_uri = "http://127.0.0.1:9/";
  w.actions = {"push", "delete"};
  w.scope = scope;
  return w;
}

void matching() {
  SystemClock clock;
  std::unique_ptr<leveldb::Env> env(leveldb::NewMemEnv(leveldb::Env::Default()));
  auto store = std::move(LeveldbStore::open("/m", clock, env.get()).value());
  WebhookCatalog catalog(*store, 20000);
  std::vector<std::pair<Webhook, Scope>> all;
  const auto build = Steady::now();
  for (int i = 0; i < 10000; ++i) {
    // 10 catch-all webhooks, 100 with a wildcard repository, the rest on one repository each
    // (500 teams x 7 apps), half of them on one tag.
    std::string scope;
    if (i < 10)
      scope = "";
    else if (i < 110)
      scope = "team" + std::to_string(i % 50) + "/*:*";
    else if (i % 2)
      scope = "team" + std::to_string(i % 500) + "/app" + std::to_string(i % 7) + ":v1";
    else
      scope = "team" + std::to_string(i % 500) + "/app" + std::to_string(i % 7) + ":*";
    Webhook w = makeHook(i, scope);
    catalog.put(w);
    all.emplace_back(w, Scope::parse(scope).value());
  }
  const double build_ms = msSince(build);
  std::mt19937 random(42);
  std::vector<AcrEvent> events;
  for (int i = 0; i < 20000; ++i) {
    AcrEvent e;
    e.id = std::to_string(i);
    e.action = "push";
    AcrTarget t;
    t.repository = "team" + std::to_string(random() % 500) + "/app" + std::to_string(random() % 7);
    t.tag = random() % 2 ? "v1" : "v2";
    e.target = t;
    events.push_back(e);
  }
  size_t matched = 0;
  auto start = Steady::now();
  for (const auto& e : events) matched += catalog.match("myregistry", e).size();
  const double indexed_us = msSince(start) * 1000 / events.size();
  size_t scanned = 0;
  start = Steady::now();
  for (const auto& e : events) {
    for (const auto& [w, scope] : all) {
      scanned += w.enabled() && w.hasAction(e.action) &&
                 scope.matches(e.target->repository, e.target->tag, {});
    }
  }
  const double scan_us = msSince(start) * 1000 / events.size();
  std::printf(
      "\n(1) matching, 10,000 webhooks (10 for everything, 100 with wildcards, the rest on one "
      "repository)\n");
  std::printf(
      "    built in %.0f ms (10,000 creates); %zu matches over %zu events (scan agrees: %s)\n",
      build_ms, matched, events.size(), matched == scanned ? "yes" : "NO");
  std::printf("    %-40s %10.1f us/event\n", "baseline: scan every webhook", scan_us);
  std::printf("    %-40s %10.1f us/event\n", "reghook: scope index", indexed_us);
  std::printf("    (%.1f matching webhooks per event)\n",
              static_cast<double>(matched) / events.size());
}

std::string get(uint16_t port, const std::string& path) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request("GET", path, "HTTP/1.1");
  request.set("Authorization", "Bearer admin-token");
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  return body;
}

std::string payload(int i) {
  AcrEvent e;
  e.id = "00000000-0000-0000-0000-" + std::to_string(100000000000LL + i);
  e.timestamp = "2026-11-25T13:45:42.650682042Z";
  e.action = "push";
  AcrTarget t;
  t.media_type = "application/vnd.oci.image.manifest.v1+json";
  t.size = 401;
  t.digest = "sha256:97f5d7d2f5795cecb8c1d7435d9b9706922e4ef337bea14377da9b0d7cddaf77";
  t.length = 401;
  t.repository = "team/app";
  t.tag = "v" + std::to_string(i);
  e.target = t;
  e.request = AcrRequest{"c7249456-511e-4f45-b82e-60bde75b2826", "registry.example:5000", "PUT",
                         "skopeo/1.9.3"};
  return acr::payloadJson(e);
}

std::string logJson(int i, const std::string& body) {
  acr::AttemptRecord r;
  r.event_id = "00000000-0000-0000-0000-" + std::to_string(100000000000LL + i);
  r.payload = body;
  r.request_headers = {{"Content-Type", "application/json; charset=utf-8"},
                       {"webhook-id", r.event_id}};
  r.request_uri = "https://hooks.example/acr";
  r.response = acr::ResponseRecord{200, "OK", {{"Content-Length", "0"}}, ""};
  r.status = "delivered";
  r.attempts = 1;
  r.timestamp = "2026-11-25T13:45:42.700Z";
  r.duration_ms = 3;
  r.action = "push";
  r.subject = "team/app:v" + std::to_string(i);
  return acr::logEntryJson(r);
}

void logPages(int entries) {
  const std::string dir = "/tmp/reghook-scale-log-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  SystemClock clock;
  std::printf("\n(2) delivery log of one webhook, %d entries (%zu bytes each)\n", entries,
              logJson(0, payload(0)).size());
  {
    auto store = std::move(LeveldbStore::open(dir, clock).value());
    store->putWebhook(makeHook(1, ""));
    const double rss_start = bench::residentMiB();
    const auto start = Steady::now();
    for (int i = 0; i < entries; ++i) {
      store->putLog({"wh-1", "00000000-0000-0000-0000-" + std::to_string(100000000000LL + i),
                     1795600000000LL + i, logJson(i, payload(i))});
      if ((i + 1) % (entries / 4) == 0) {
        std::printf("    %8d entries: resident %.0f MiB (+%.0f since the first entry)\n", i + 1,
                    bench::residentMiB(), bench::residentMiB() - rss_start);
      }
    }
    std::printf("    written in %.1f s\n", msSince(start) / 1000);
  }
  auto server = std::move(Server::create(testing::testConfig(dir), clock, "").value());
  server->start();
  const std::string base = "/v1/registries/myregistry/webhooks/hook100001/events?top=50";
  for (const auto& [label, token] : std::vector<std::pair<std::string, std::string>>{
           {"first page (newest)", ""},
           {"page in the middle",
            "&skipToken=" + std::to_string(1795600000000LL + entries / 2) + "%2F0"},
           {"last page (oldest)", "&skipToken=" + std::to_string(1795600000000LL + 40) + "%2F0"}}) {
    std::vector<double> times;
    for (int i = 0; i < 200; ++i) {
      const auto start = Steady::now();
      const std::string body = get(server->port(), base + token);
      times.push_back(msSince(start));
      if (body.find("{\"value\":[{") != 0) {
        std::fprintf(stderr, "unexpected page: %.200s\n", body.c_str());
        std::exit(1);
      }
    }
    std::printf("    %-22s GET .../events?top=50: p50 %.2f ms, p99 %.2f ms (goal <= 5 ms)\n",
                label.c_str(), bench::percentile(times, 50), bench::percentile(times, 99));
  }
  server->stop();
  std::filesystem::remove_all(dir);
}

void restart(int jobs) {
  const std::string dir = "/tmp/reghook-scale-jobs-" + std::to_string(::getpid());
  const std::string empty = dir + "-empty";
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(empty);
  SystemClock clock;
  {
    auto store = std::move(LeveldbStore::open(dir, clock).value());
    for (int h = 0; h < 100; ++h) store->putWebhook(makeHook(h, ""));
    const auto start = Steady::now();
    for (int i = 0; i < jobs;) {
      NormalizedBatch batch;
      for (int k = 0; k < 10000 && i < jobs; ++k, ++i) {
        Job job;
        job.webhook_id = "wh-" + std::to_string(i % 100);
        job.event_id = "00000000-0000-0000-0000-" + std::to_string(100000000000LL + i);
        job.action = "push";
        job.payload = payload(i);
        job.subject = "team/app:v" + std::to_string(i);
        job.next_ms = clock.nowMs() + 3600000;  // due in an hour: the measurement sends nothing
        job.created_ms = clock.nowMs();
        batch.job_logs.push_back(
            {job.webhook_id, job.event_id, job.created_ms, logJson(i, job.payload)});
        batch.jobs.push_back(std::move(job));
      }
      store->commitNormalized(batch);
    }
    std::printf("\n(3) restart with %d pending jobs (written in %.1f s)\n", jobs,
                msSince(start) / 1000);
  }
  for (const auto& [label, path] : std::vector<std::pair<std::string, std::string>>{
           {"baseline: empty database", empty},
           {"reghook: " + std::to_string(jobs) + " pending jobs", dir}}) {
    const auto start = Steady::now();
    auto server = std::move(Server::create(testing::testConfig(path), clock, "").value());
    server->start();
    while (get(server->port(), "/readyz").find("\"ready\"") == std::string::npos) {
    }
    const double ms = msSince(start);
    while (get(server->port(), "/readyz").find("\"pendingDeliveriesLoaded\":true") ==
           std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::printf(
        "    %-34s serving again after %.0f ms (goal <= 2000 ms); every pending job queued after "
        "%.0f ms\n",
        label.c_str(), ms, msSince(start));
    server->stop();
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(empty);
}

}  // namespace

int main(int argc, char** argv) {
  const int entries = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int jobs = argc > 2 ? std::atoi(argv[2]) : 1000000;
  Poco::Logger::root().setLevel("warning");
  matching();
  logPages(entries);
  restart(jobs);
  return 0;
}

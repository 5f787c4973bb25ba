// Ingest: envelopes acknowledged per second with sync durability, reghook's sink versus a bare
// Poco server that reads the body and answers 200, same machine, same run, same load generator
// (wrk). Two shapes: 32 keep-alive connections, and one connection per request, one at a time
// (how the registry sends). Usage: ingest_bench [seconds per run, default 10]
#include <Poco/Logger.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "bench/bench_support.h"
#include "plugin/server.h"
#include "tests/fakes/test_server.h"

using namespace reghook;

namespace {

// A wrk script that POSTs the real push envelope with a new event id on every request.
std::string writeScript(const std::string& dir) {
  std::string envelope =
      bench::readText(std::string(REGHOOK_SOURCE_DIR) +
                      "/tests/fixtures/distribution-2.8.2/03-push-manifest-v1.json");
  const std::string id = "2c6d7f48-ee17-43f7-b099-c3b78d0d6376";
  const size_t at = envelope.find(id);
  const std::string before = envelope.substr(0, at);
  const std::string after = envelope.substr(at + id.size());
  const std::string path = dir + "/ingest.lua";
  std::ofstream lua(path);
  lua << "local threads = 0\n"
         "function setup(thread) threads = threads + 1; thread:set('tid', threads) end\n"
         "local n = 0\n"
         "local run = tostring(os.time())\n"
         "local before = [==["
      << before
      << "]==]\n"
         "local after = [==["
      << after
      << "]==]\n"
         "wrk.method = 'POST'\n"
         "wrk.headers['Authorization'] = 'Bearer sink-token'\n"
         "wrk.headers['Content-Type'] = 'application/vnd.docker.distribution.events.v1+json'\n"
         "function request()\n"
         "  n = n + 1\n"
         "  return wrk.format(nil, nil, nil, before .. run .. '-' .. tid .. '-' .. n .. after)\n"
         "end\n";
  return path;
}

bench::WrkResult load(uint16_t port, const std::string& script, bool keep_alive, int seconds) {
  const std::string url =
      "http://127.0.0.1:" + std::to_string(port) + "/v1/registries/myregistry/notifications";
  const std::string cmd = keep_alive ? "wrk -t2 -c32 -d" + std::to_string(seconds) +
                                           "s --latency -s " + script + " " + url
                                     : "wrk -t1 -c1 -d" + std::to_string(seconds) +
                                           "s -H 'Connection: close' -s " + script + " " + url;
  return bench::parseWrk(bench::run(cmd + " 2>&1"));
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  const auto dir =
      std::filesystem::temp_directory_path() / ("reghook-ingest-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string script = writeScript(dir.string());

  const Config config = testing::testConfig((dir / "data").string());
  SystemClock clock;
  Poco::Logger::root().setLevel("warning");

  struct Row {
    std::string shape;
    bench::WrkResult bare, reghook;
    double goal_ratio;
    double goal_abs;
  };
  std::vector<Row> rows;
  for (bool keep_alive : {true, false}) {
    Row row;
    row.shape = keep_alive ? "32 keep-alive connections" : "1 connection per request, 1 at a time";
    row.goal_ratio = keep_alive ? 0.25 : 0.30;
    row.goal_abs = keep_alive ? 20000 : 0;
    {
      bench::BarePocoServer bare;
      row.bare = load(bare.port(), script, keep_alive, seconds);
    }
    {
      std::filesystem::remove_all(config.data_dir);
      auto server = std::move(Server::create(config, clock, "").value());
      server->start();
      row.reghook = load(server->port(), script, keep_alive, seconds);
      const double acknowledged =
          server->metrics().value("reghook_envelopes_received_total", {{"registry", "myregistry"}});
      std::printf("  (%s: reghook acknowledged %.0f envelopes, non-2xx %ld)\n", row.shape.c_str(),
                  acknowledged, row.reghook.non_2xx);
      server->stop();
    }
    rows.push_back(row);
  }
  std::printf("\ningest, sync durability, %d s per run, wrk on the same machine (%ld cores)\n",
              seconds, sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("%-40s %14s %14s %8s   %s\n", "shape", "bare Poco /s", "reghook /s", "ratio", "goal");
  for (const auto& r : rows) {
    const double ratio = r.bare.requests_per_second > 0
                             ? r.reghook.requests_per_second / r.bare.requests_per_second
                             : 0;
    std::string goal = ">= " + std::to_string(static_cast<int>(r.goal_ratio * 100)) + "% of bare";
    if (r.goal_abs > 0) goal += " and >= " + std::to_string(static_cast<int>(r.goal_abs)) + "/s";
    const bool met = ratio >= r.goal_ratio && r.reghook.requests_per_second >= r.goal_abs;
    std::printf("%-40s %14.0f %14.0f %7.0f%%   %s: %s\n", r.shape.c_str(),
                r.bare.requests_per_second, r.reghook.requests_per_second, ratio * 100,
                goal.c_str(), met ? "met" : "NOT met");
  }
  std::filesystem::remove_all(dir);
  return 0;
}

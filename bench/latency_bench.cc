// Added latency: registry push -> webhook received, through reghook versus the registry notifying
// the receiver directly. The real docker-registry gets two notification endpoints, one straight
// to the receiver and one to reghook (whose webhook points at the same receiver); skopeo pushes
// N images; for each push the receiver's two arrival times are compared.
// Usage: latency_bench [pushes, default 100]
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <chrono>
#include <map>
#include <mutex>

#include "bench/bench_support.h"
#include "tests/e2e/e2e_support.h"

using namespace reghook;
using Steady = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int pushes = argc > 1 ? std::atoi(argv[1]) : 100;
  Poco::Logger::root().setLevel("warning");
  const std::string dir = testing::tempDir("latency");

  std::mutex mutex;
  std::map<std::string, Steady::time_point> direct, via;  // by registry request id
  bench::BarePocoServer receiver([&](const std::string& path, const std::string& body) {
    const auto now = Steady::now();
    try {
      Poco::JSON::Parser parser;
      auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
      auto event = path == "/direct" ? root->getArray("events")->getObject(0) : root;
      if (event->getValue<std::string>("action") != "push") return;
      const std::string id = event->getObject("request")->getValue<std::string>("id");
      std::lock_guard<std::mutex> lock(mutex);
      (path == "/direct" ? direct : via).emplace(id, now);
    } catch (const std::exception&) {
    }
  });

  testing::TestServer reghook(testing::testConfig(dir + "/reghook"));
  reghook.admin("PUT", "/webhooks/latency1",
                R"({"serviceUri":"http://127.0.0.1:)" + std::to_string(receiver.port()) +
                    R"(/via","actions":["push"]})");
  const uint16_t registry_port = testing::freePort();
  const std::string endpoint_common =
      "      timeout: 1s\n      threshold: 5\n      backoff: 1s\n"
      "      ignoredmediatypes: [application/octet-stream]\n";
  testing::writeFile(
      dir + "/registry.yml",
      "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: " + dir +
          "/data\nhttp:\n  addr: 127.0.0.1:" + std::to_string(registry_port) +
          "\nnotifications:\n  endpoints:\n"
          "    - name: direct\n      url: http://127.0.0.1:" +
          std::to_string(receiver.port()) + "/direct\n" + endpoint_common +
          "    - name: reghook\n      url: http://127.0.0.1:" + std::to_string(reghook.port()) +
          "/v1/registries/myregistry/notifications\n"
          "      headers:\n        Authorization: [Bearer sink-token]\n" +
          endpoint_common);
  testing::ChildProcess registry("docker-registry serve " + dir + "/registry.yml",
                                 dir + "/registry.log");
  if (!testing::eventually([&] { return testing::reachable(registry_port, "/v2/"); }, 20000)) {
    std::fprintf(stderr, "docker-registry did not start; see %s/registry.log\n", dir.c_str());
    return 1;
  }
  for (int i = 0; i < pushes; ++i) {
    const std::string image = dir + "/img" + std::to_string(i);
    testing::makeImage(image, "t", "latency " + std::to_string(i));
    testing::shell("skopeo copy --dest-tls-verify=false oci:" + image + ":t docker://127.0.0.1:" +
                   std::to_string(registry_port) + "/lat/app:t" + std::to_string(i));
  }
  testing::eventually(
      [&] {
        std::lock_guard<std::mutex> lock(mutex);
        return via.size() >= static_cast<size_t>(pushes) &&
               direct.size() >= static_cast<size_t>(pushes);
      },
      30000);
  std::vector<double> added, direct_only;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& [id, t] : via) {
      auto d = direct.find(id);
      if (d != direct.end())
        added.push_back(std::chrono::duration<double, std::milli>(t - d->second).count());
    }
  }
  std::printf("\nadded latency, registry push -> webhook received (%d pushes, %zu paired)\n",
              pushes, added.size());
  std::printf(
      "    through reghook minus direct: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
      "(goal: p50 <= 2 ms, p99 <= 10 ms)\n",
      bench::percentile(added, 50), bench::percentile(added, 99), bench::percentile(added, 100));
  registry.kill(SIGTERM);
  return 0;
}

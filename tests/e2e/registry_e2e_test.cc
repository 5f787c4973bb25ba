// End to end, as a user runs it: the real docker-registry notifies the real reghook binary,
// skopeo pushes, pulls and deletes images written by the test, and loopback receivers check the
// ACR payloads each webhook gets.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/e2e/e2e_support.h"
#include "tests/fakes/loopback_receiver.h"

namespace reghook::testing {
namespace {

using Poco::JSON::Object;

Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Object::Ptr>();
}

std::string config(const std::string& dir, const std::string& schedule) {
  return R"({"dataDir":")" + dir +
         R"(/data","adminToken":"admin-token",)"
         R"("registries":[{"name":"myregistry","token":"sink-token"}],)"
         R"("delivery":{"retrySchedule":)" +
         schedule + "}}";
}

struct Delivered {
  std::string action, repository, tag, media_type, digest;
  std::vector<std::string> tags;
};

std::vector<Delivered> payloads(const LoopbackReceiver& receiver, const std::string& path) {
  std::vector<Delivered> out;
  std::set<std::string> seen;
  for (const auto& r : receiver.requests(path)) {
    if (r.headers.count("webhook-id") && !seen.insert(r.headers.at("webhook-id")).second) continue;
    auto p = parse(r.body);
    Delivered d;
    d.action = p->getValue<std::string>("action");
    auto t = p->getObject("target");
    d.repository = t->optValue<std::string>("repository", "");
    d.tag = t->optValue<std::string>("tag", "");
    d.media_type = t->optValue<std::string>("mediaType", "");
    d.digest = t->optValue<std::string>("digest", "");
    if (auto tags = t->getArray("tags")) {
      for (const auto& tag : *tags) d.tags.push_back(tag.convert<std::string>());
    }
    out.push_back(d);
  }
  return out;
}

std::vector<std::string> summary(const std::vector<Delivered>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    std::string s = e.action + " " + e.repository + (e.tag.empty() ? "" : ":" + e.tag);
    for (const auto& t : e.tags) s += " " + t;
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class RegistryE2E : public ::testing::Test {
 protected:
  void createHook(ReghookProcess& reghook, const std::string& name, const std::string& path,
                  const std::string& scope, const std::string& actions) {
    auto reply = reghook.admin("PUT", "/webhooks/" + name,
                               R"({"serviceUri":")" + receiver_.url(path) + R"(","scope":")" +
                                   scope + R"(","actions":)" + actions + "}");
    ASSERT_EQ(reply.status, 201) << reply.body;
  }
  LoopbackReceiver receiver_;
};

TEST_F(RegistryE2E, PushPullDeleteReachEachWebhookAsAcrEvents) {
  const std::string dir = tempDir("e2e");
  ReghookProcess reghook(dir, config(dir, R"(["0s","100ms","200ms"])"));
  RegistryProcess registry(dir,
                           "http://127.0.0.1:" + std::to_string(reghook.port()) +
                               "/v1/registries/myregistry/notifications",
                           "sink-token");
  createHook(reghook, "everything", "/all", "", R"(["push","delete"])");
  createHook(reghook, "onlyappv1", "/v1", "e2e/app:v1", R"(["push","delete"])");
  createHook(reghook, "appanytag", "/app", "e2e/app:*", R"(["push"])");
  createHook(reghook, "multiarch", "/multi", "e2e/multi:*", R"(["push"])");
  createHook(reghook, "pullsonly", "/pull", "", R"(["pull"])");
  createHook(reghook, "flakyhook", "/flaky", "e2e/app:v1", R"(["push"])");
  createHook(reghook, "wildcards", "/wild", "e2e/*:1.*", R"(["push","delete"])");
  createHook(reghook, "barerepo1", "/latest", "e2e/app",
             R"(["push","delete"])");  // = e2e/app:latest
  receiver_.script({ScriptedAnswer{500}, ScriptedAnswer{500}, ScriptedAnswer{200}}, "/flaky");

  const std::string image = makeImage(dir + "/img", "v1", "e2e image");
  const std::string index = makeImage(dir + "/idx", "1.0", "e2e multi", "--index");
  ASSERT_FALSE(image.empty());
  const std::string copy = "skopeo copy --dest-tls-verify=false ";
  ASSERT_EQ(shell(copy + "oci:" + dir + "/img:v1 " + registry.ref("e2e/app:v1")), 0);
  ASSERT_EQ(shell(copy + "oci:" + dir + "/img:v1 " + registry.ref("e2e/app:v2")), 0);
  ASSERT_EQ(shell(copy + "--all oci:" + dir + "/idx:1.0 " + registry.ref("e2e/multi:1.0")), 0);
  ASSERT_EQ(shell("skopeo copy --src-tls-verify=false " + registry.ref("e2e/app:v1") +
                  " oci:" + dir + "/pulled:v1"),
            0);
  ASSERT_EQ(shell("skopeo delete --tls-verify=false " + registry.ref("e2e/app:v1")), 0);

  ASSERT_TRUE(eventually([&] { return payloads(receiver_, "/all").size() >= 5; }, 20000));
  ASSERT_TRUE(eventually([&] { return receiver_.requests("/flaky").size() >= 3; }, 20000));
  ASSERT_TRUE(eventually([&] { return payloads(receiver_, "/pull").size() >= 1; }, 20000));

  EXPECT_EQ(summary(payloads(receiver_, "/all")),
            (std::vector<std::string>{"delete e2e/app v1 v2", "push e2e/app:v1", "push e2e/app:v2",
                                      "push e2e/multi", "push e2e/multi:1.0"}));
  EXPECT_EQ(summary(payloads(receiver_, "/v1")),
            (std::vector<std::string>{"delete e2e/app v1 v2", "push e2e/app:v1"}));
  EXPECT_EQ(summary(payloads(receiver_, "/app")),
            (std::vector<std::string>{"push e2e/app:v1", "push e2e/app:v2"}));
  EXPECT_EQ(summary(payloads(receiver_, "/multi")),
            (std::vector<std::string>{"push e2e/multi", "push e2e/multi:1.0"}));
  EXPECT_EQ(summary(payloads(receiver_, "/wild")),
            (std::vector<std::string>{"push e2e/multi:1.0"}));
  EXPECT_TRUE(payloads(receiver_, "/latest").empty());  // nothing was tagged latest
  for (const auto& p : payloads(receiver_, "/pull")) {
    EXPECT_EQ(p.action, "pull");
    EXPECT_EQ(p.repository, "e2e/app");
  }
  for (const auto& p : payloads(receiver_, "/all")) {
    if (p.action == "delete") {
      EXPECT_EQ(p.media_type, "application/vnd.oci.image.manifest.v1+json");
      EXPECT_EQ(p.digest, image);
    }
    if (p.tag == "1.0") {
      EXPECT_EQ(p.media_type, "application/vnd.oci.image.index.v1+json");
    }
  }

  // the flaky receiver got the push on the third attempt, and the log says so
  auto flaky = receiver_.requests("/flaky");
  ASSERT_EQ(flaky.size(), 3u);
  EXPECT_EQ(flaky[0].headers["webhook-id"], flaky[2].headers["webhook-id"]);
  ASSERT_TRUE(eventually([&] {
    auto events = parse(reghook.admin("GET", "/webhooks/flakyhook/events").body)->getArray("value");
    return events->size() == 1 &&
           events->getObject(0)->getValue<std::string>("status") == "delivered";
  }));
  auto flaky_log = parse(reghook.admin("GET", "/webhooks/flakyhook/events").body)
                       ->getArray("value")
                       ->getObject(0);
  EXPECT_EQ(flaky_log->getValue<int>("attempts"), 3);

  auto all_log = parse(reghook.admin("GET", "/webhooks/everything/events").body)->getArray("value");
  EXPECT_EQ(all_log->size(), 5u);
  for (const auto& e : *all_log) {
    EXPECT_EQ(e.extract<Object::Ptr>()->getValue<std::string>("status"), "delivered");
  }
  EXPECT_EQ(all_log->getObject(0)->getValue<std::string>("action"), "delete");  // newest first
}

TEST_F(RegistryE2E, KillNineWhileTheRegistrySendsLosesNothing) {
  const std::string dir = tempDir("e2e-kill");
  ReghookProcess reghook(dir, config(dir, R"(["0s","300ms","300ms","300ms","300ms","300ms"])"));
  RegistryProcess registry(dir,
                           "http://127.0.0.1:" + std::to_string(reghook.port()) +
                               "/v1/registries/myregistry/notifications",
                           "sink-token");
  createHook(reghook, "everything", "/all", "", R"(["push"])");
  // the receiver fails the first deliveries, so jobs are pending when reghook is killed
  receiver_.script(std::vector<ScriptedAnswer>(4, ScriptedAnswer{503}), "/all");
  const int kImages = 12;
  for (int i = 0; i < kImages; ++i) {
    makeImage(dir + "/img" + std::to_string(i), "t" + std::to_string(i),
              "image " + std::to_string(i));
  }
  for (int i = 0; i < kImages; ++i) {
    if (i == 4) reghook.kill9();  // the registry keeps sending; its sends fail meanwhile
    if (i == 8) reghook.start();
    ASSERT_EQ(
        shell("skopeo copy --dest-tls-verify=false oci:" + dir + "/img" + std::to_string(i) + ":t" +
              std::to_string(i) + " " + registry.ref("kill/app:t" + std::to_string(i))),
        0);
    if (i == 2) {
      ASSERT_TRUE(receiver_.waitFor(2, "/all", 10000));  // deliveries under way
    }
  }
  std::set<std::string> expected;
  for (int i = 0; i < kImages; ++i) expected.insert("push kill/app:t" + std::to_string(i));
  ASSERT_TRUE(eventually(
      [&] {
        auto got = summary(payloads(receiver_, "/all"));
        return std::set<std::string>(got.begin(), got.end()) == expected;
      },
      60000))
      << "receiver got " << payloads(receiver_, "/all").size() << " distinct events";
  // reghook logged each event exactly once, and every one ends delivered
  ASSERT_TRUE(eventually(
      [&] {
        auto log = parse(reghook.admin("GET", "/webhooks/everything/events?top=100").body)
                       ->getArray("value");
        if (log->size() != static_cast<size_t>(kImages)) return false;
        for (const auto& e : *log) {
          if (e.extract<Object::Ptr>()->getValue<std::string>("status") != "delivered")
            return false;
        }
        return true;
      },
      30000))
      << reghook.admin("GET", "/webhooks/everything/events?top=100").body;
  std::set<std::string> ids;
  auto final_log = parse(reghook.admin("GET", "/webhooks/everything/events?top=100").body);
  for (const auto& e : *final_log->getArray("value")) {
    ids.insert(e.extract<Object::Ptr>()->getValue<std::string>("id"));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kImages));
}

TEST_F(RegistryE2E, SigtermStopsGracefullyAndRestartResumes) {
  const std::string dir = tempDir("e2e-term");
  ReghookProcess reghook(dir, config(dir, R"(["0s","200ms"])"));
  createHook(reghook, "everything", "/all", "", R"(["push"])");
  reghook.terminate();
  const std::string log = readFile(dir + "/reghook.log");
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
  reghook.start();  // the database was closed cleanly: it opens again with the webhook
  EXPECT_EQ(reghook.admin("GET", "/webhooks/everything").status, 200);
}

}  // namespace
}  // namespace reghook::testing

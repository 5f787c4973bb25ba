// Every answer of the sink (SPEC §2), plus health, metrics and unknown routes, against the real
// server on a loopback port.
#include <gtest/gtest.h>

#include "tests/fakes/fixtures.h"
#include "tests/fakes/test_server.h"

namespace reghook {
namespace {

using testing::eventually;
using testing::fixture;
using testing::httpCall;
using testing::TestServer;

double metric(TestServer& s, const std::string& line_prefix) {
  const std::string text = httpCall(s.port(), "GET", "/metrics").body;
  const size_t at = text.find("\n" + line_prefix + " ");
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + line_prefix.size() + 2));
}

TEST(SinkApi, AcknowledgesARealEnvelopeAndNormalizesIt) {
  TestServer s;
  auto reply = s.notify(fixture("distribution-2.8.2/03-push-manifest-v1.json"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"accepted":1,"duplicates":0,"deadLettered":0})");
  EXPECT_TRUE(eventually([&] {
    return metric(s, R"(reghook_events_total{registry="myregistry",action="push"})") == 1;
  }));
  EXPECT_EQ(metric(s, R"(reghook_envelopes_received_total{registry="myregistry"})"), 1);
}

TEST(SinkApi, TheSameUpstreamEventTwiceIsStoredOnce) {
  TestServer s;
  const std::string envelope = fixture("distribution-2.8.2/03-push-manifest-v1.json");
  EXPECT_EQ(s.notify(envelope).status, 200);
  auto again = s.notify(envelope);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, R"({"accepted":0,"duplicates":1,"deadLettered":0})");
  EXPECT_TRUE(eventually([&] {
    return metric(s, R"(reghook_events_total{registry="myregistry",action="push"})") == 1;
  }));
  EXPECT_EQ(metric(s, "reghook_inbox_backlog"), 0);
}

TEST(SinkApi, AcceptsAnyContentType) {
  TestServer s;
  for (const char* type :
       {"application/vnd.docker.distribution.events.v2+json", "text/plain", ""}) {
    auto reply =
        httpCall(s.port(), "POST", "/v1/registries/myregistry/notifications",
                 fixture("distribution-2.8.2/01-push-blob-layer.json"), "sink-token", type);
    EXPECT_EQ(reply.status, 200) << type;
  }
}

TEST(SinkApi, WrongOrMissingTokenIs401) {
  TestServer s;
  const std::string envelope = fixture("distribution-2.8.2/03-push-manifest-v1.json");
  auto wrong = s.notify(envelope, "myregistry", "other-token");  // another registry's token
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("\"code\":\"Unauthorized\""), std::string::npos);
  EXPECT_EQ(httpCall(s.port(), "POST", "/v1/registries/myregistry/notifications", envelope).status,
            401);
}

TEST(SinkApi, UnknownRegistryIs404) {
  TestServer s;
  auto reply = s.notify(fixture("distribution-2.8.2/03-push-manifest-v1.json"), "nosuchregistry");
  EXPECT_EQ(reply.status, 404);
  EXPECT_NE(reply.body.find("nosuchregistry"), std::string::npos);
}

TEST(SinkApi, BodyOverTheLimitIs413) {
  auto config = testing::testConfig(testing::tempDir("sink413"));
  config.max_body_bytes = 2048;
  TestServer s(config);
  std::string big = fixture("distribution-2.8.2/03-push-manifest-v1.json");
  big.insert(big.size() - 2, std::string(3000, ' '));
  auto reply = s.notify(big);
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(reply.body.find("limits.maxBodyBytes"), std::string::npos);
}

TEST(SinkApi, MalformedBodiesAre400WithAReadableJsonError) {
  TestServer s;
  auto truncated = s.notify("{\"events\": [{\"id\": ");
  EXPECT_EQ(truncated.status, 400);
  EXPECT_NE(truncated.body.find("{\"error\":{\"code\":\"InvalidBody\""), std::string::npos);
  EXPECT_NE(truncated.body.find("not valid JSON"), std::string::npos);
  auto other = s.notify("{\"hello\":\"world\"}");
  EXPECT_EQ(other.status, 400);
  EXPECT_NE(other.body.find("not a notification envelope"), std::string::npos);
}

TEST(SinkApi, UnusableEventsAreDeadLetteredAndTheEnvelopeAcknowledged) {
  TestServer s;
  std::string envelope = fixture("distribution-2.8.2/03-push-manifest-v1.json");
  envelope.replace(envelope.find("\"push\""), 6, "\"replicate\"");
  auto reply = s.notify(envelope);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"accepted":0,"duplicates":0,"deadLettered":1})");
  auto letters = s.admin("GET", "/deadletters");
  EXPECT_EQ(letters.status, 200);
  EXPECT_NE(letters.body.find("unknown action 'replicate'"), std::string::npos) << letters.body;
  EXPECT_NE(letters.body.find("2c6d7f48-ee17-43f7-b099-c3b78d0d6376"), std::string::npos);
  EXPECT_EQ(metric(s, R"(reghook_events_deadlettered_total{registry="myregistry"})"), 1);
}

TEST(SinkApi, ARegistryRestartIsCounted) {
  TestServer s;
  std::string first = fixture("distribution-2.8.2/03-push-manifest-v1.json");
  std::string second = fixture("distribution-2.8.2/09-push-manifest-latest.json");
  s.notify(first);
  s.notify(second);
  EXPECT_EQ(metric(s, R"(reghook_registry_restarts_total{registry="myregistry"})"), 0);
  second.replace(second.find("7d4b1c5f"), 8, "00000000");
  std::string third = second;
  third.replace(third.find("\"id\": \""), 8, "\"id\": \"x");
  s.notify(third);
  EXPECT_EQ(metric(s, R"(reghook_registry_restarts_total{registry="myregistry"})"), 1);
}

TEST(Routes, HealthReadyMetricsAndJsonErrors) {
  TestServer s;
  EXPECT_EQ(httpCall(s.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(httpCall(s.port(), "GET", "/readyz").status, 200);
  auto metrics = httpCall(s.port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("# TYPE reghook_inbox_backlog gauge"), std::string::npos);
  auto missing = httpCall(s.port(), "GET", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"code\":\"NotFound\""), std::string::npos);
  auto wrong = httpCall(s.port(), "GET", "/v1/registries/myregistry/notifications");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_NE(wrong.body.find("MethodNotAllowed"), std::string::npos);
}

}  // namespace
}  // namespace reghook

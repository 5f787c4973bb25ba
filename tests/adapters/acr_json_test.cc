#include "adapters/acr/acr_json.h"

#include <gtest/gtest.h>

namespace reghook::acr {
namespace {

TEST(AcrJson, PingHasOnlyIdTimestampAction) {
  AcrEvent e;
  e.id = "x";
  e.timestamp = "2026-11-25T13:45:42.650682042Z";
  e.action = "ping";
  EXPECT_EQ(payloadJson(e),
            R"({"id":"x","timestamp":"2026-11-25T13:45:42.650682042Z","action":"ping"})");
}

TEST(AcrJson, ChartPushCarriesNameAndVersionInOrder) {
  AcrEvent e;
  e.id = "i";
  e.timestamp = "t";
  e.action = "chart_push";
  AcrTarget t;
  t.media_type = "m";
  t.size = 5;
  t.digest = "d";
  t.length = 5;
  t.repository = "charts/app";
  t.tag = "1.0";
  t.name = "app";
  t.version = "1.0";
  e.target = t;
  EXPECT_EQ(
      payloadJson(e),
      R"({"id":"i","timestamp":"t","action":"chart_push","target":{"mediaType":"m","size":5,)"
      R"("digest":"d","length":5,"repository":"charts/app","tag":"1.0","name":"app","version":"1.0"}})");
}

TEST(AcrJson, LogEntryMasksNothingItselfAndCutsTheResponseBody) {
  AttemptRecord r;
  r.event_id = "e1";
  r.payload = R"({"id":"e1","timestamp":"t","action":"ping"})";
  r.request_headers = {{"X-Key", "******"}, {"Content-Type", "application/json; charset=utf-8"}};
  r.request_uri = "https://hooks.example/acr";
  r.response = ResponseRecord{200, "OK", {{"Server", "x"}}, std::string(5000, 'a')};
  r.status = "delivered";
  r.attempts = 1;
  r.timestamp = "2026-11-25T00:00:00.000Z";
  r.duration_ms = 12;
  r.action = "ping";
  const std::string json = logEntryJson(r);
  EXPECT_EQ(json.find("{\"id\":\"e1\",\"eventRequestMessage\":{\"content\":{\"id\":\"e1\","
                      "\"timestamp\":\"t\",\"action\":\"ping\"},"),
            0u)
      << json;
  EXPECT_NE(json.find(std::string(4096, 'a') + "\""), std::string::npos);
  EXPECT_EQ(json.find(std::string(4097, 'a')), std::string::npos);
  EXPECT_NE(json.find("\"statusCode\":\"200\""), std::string::npos);
  EXPECT_EQ(json.find("\"error\""), std::string::npos);
}

TEST(AcrJson, MaskUriHidesUserInfoAndQuery) {
  EXPECT_EQ(maskUri("https://user:pw@hooks.example:8443/acr?code=secret"),
            "https://******@hooks.example:8443/acr?******");
  EXPECT_EQ(maskUri("http://127.0.0.1:9000/hook"), "http://127.0.0.1:9000/hook");
}

TEST(AcrJson, Rfc3339Milliseconds) {
  EXPECT_EQ(rfc3339(1795627167123), "2026-11-25T17:19:27.123Z");
}

}  // namespace
}  // namespace reghook::acr

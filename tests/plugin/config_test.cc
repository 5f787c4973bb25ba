#include "plugin/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/fakes/fixtures.h"

namespace reghook {
namespace {

const char kMinimal[] = R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}]})";

TEST(Config, DefaultsFollowTheSpec) {
  auto c = parseConfig(kMinimal);
  ASSERT_TRUE(c.isOk()) << c.status().message();
  EXPECT_EQ(c->listen_host, "0.0.0.0");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->delivery.timeout_seconds, 5);
  EXPECT_EQ(c->delivery.retry_schedule_ms, (std::vector<int64_t>{0, 5000, 300000, 1800000, 7200000,
                                                                 18000000, 36000000, 36000000}));
  EXPECT_EQ(c->delivery.max_in_flight_per_webhook, 4);
  EXPECT_EQ(c->delivery.log_max_entries, 10000);
  EXPECT_EQ(c->delivery.log_max_age_days, 30);
  EXPECT_EQ(c->max_body_bytes, 1048576);
  EXPECT_EQ(c->webhooks_per_registry, 500);
}

TEST(Config, TheExampleConfigUsesEveryKeyAndParses) {
  ::setenv("REGHOOK_DATA_DIR", "/tmp/x", 1);
  ::setenv("REGHOOK_ADMIN_TOKEN", "admin", 1);
  ::setenv("REGHOOK_SINK_TOKEN", "sink", 1);
  auto c = loadConfig(std::string(REGHOOK_SOURCE_DIR) + "/examples/reghook.json");
  ASSERT_TRUE(c.isOk()) << c.status().message();
  EXPECT_EQ(c->admin_token, "admin");
  EXPECT_EQ(c->registries.at(0).token, "sink");
  EXPECT_EQ(c->data_dir, "/tmp/x");
}

struct BadCase {
  std::string json;
  std::string key;
};

class ConfigRejectTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigRejectTest, NamesTheKey) {
  auto c = parseConfig(GetParam().json);
  ASSERT_FALSE(c.isOk());
  EXPECT_NE(c.status().message().find("'" + GetParam().key + "'"), std::string::npos)
      << c.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ConfigRejectTest,
    ::testing::Values(
        BadCase{R"({"registries":[{"name":"myregistry","token":"t"}]})", "adminToken"},
        BadCase{R"({"adminToken":"a"})", "registries"},
        BadCase{R"({"adminToken":"a","registries":[{"name":"myregistry"}]})",
                "registries[0].token"},
        BadCase{R"({"adminToken":"a","registries":[{"name":"my-reg","token":"t"}]})",
                "registries[0].name"},
        BadCase{
            R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}],"lisen":"x"})",
            "lisen"},
        BadCase{
            R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}],"listen":8080})",
            "listen"},
        BadCase{
            R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}],"delivery":{"timeoutSeconds":"5"}})",
            "delivery.timeoutSeconds"},
        BadCase{
            R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}],"delivery":{"retrySchedule":["0s","5 minutes"]}})",
            "delivery.retrySchedule[1]"},
        BadCase{
            R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}],"delivery":{"maxInFlight":4}})",
            "delivery.maxInFlight"},
        BadCase{
            R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}],"limits":{"maxBodyBytes":true}})",
            "limits.maxBodyBytes"},
        BadCase{
            R"({"adminToken":"${env:REGHOOK_SURELY_UNSET_VAR}","registries":[{"name":"myregistry","token":"t"}]})",
            "adminToken"}));

}  // namespace
}  // namespace reghook

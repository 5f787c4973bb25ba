#include "core/webhook.h"

#include <gtest/gtest.h>

namespace reghook {
namespace {

Webhook valid() {
  Webhook w;
  w.registry = "myregistry";
  w.name = "hook1";
  w.service_uri = "https://hooks.example.com/acr?code=x";
  w.actions = {"push"};
  return w;
}

struct InvalidCase {
  std::string label;
  std::function<void(Webhook&)> change;
  std::string code, target;
};

class WebhookValidationTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(WebhookValidationTest, RejectsWithCodeAndTarget) {
  Webhook w = valid();
  GetParam().change(w);
  Status s = validateWebhook(w);
  ASSERT_FALSE(s.isOk()) << GetParam().label;
  EXPECT_EQ(s.errorCode(), GetParam().code);
  EXPECT_EQ(s.target(), GetParam().target);
  EXPECT_FALSE(s.message().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, WebhookValidationTest,
    ::testing::Values(
        InvalidCase{"short name", [](Webhook& w) { w.name = "abcd"; }, "InvalidWebhookName",
                    "name"},
        InvalidCase{"dash in name", [](Webhook& w) { w.name = "my-hook"; }, "InvalidWebhookName",
                    "name"},
        InvalidCase{"long name", [](Webhook& w) { w.name = std::string(51, 'a'); },
                    "InvalidWebhookName", "name"},
        InvalidCase{"no uri", [](Webhook& w) { w.service_uri = ""; }, "InvalidServiceUri",
                    "serviceUri"},
        InvalidCase{"ftp uri", [](Webhook& w) { w.service_uri = "ftp://x/y"; }, "InvalidServiceUri",
                    "serviceUri"},
        InvalidCase{"relative uri", [](Webhook& w) { w.service_uri = "/hook"; },
                    "InvalidServiceUri", "serviceUri"},
        InvalidCase{"space in uri", [](Webhook& w) { w.service_uri = "http://a b/"; },
                    "InvalidServiceUri", "serviceUri"},
        InvalidCase{"header name",
                    [](Webhook& w) {
                      w.custom_headers = {{"Bad Name", "v"}};
                    },
                    "InvalidCustomHeader", "customHeaders"},
        InvalidCase{"header CRLF",
                    [](Webhook& w) {
                      w.custom_headers = {{"X-A", "v\r\nX-B: 1"}};
                    },
                    "InvalidCustomHeader", "customHeaders"},
        InvalidCase{"no actions", [](Webhook& w) { w.actions = {}; }, "InvalidActions", "actions"},
        InvalidCase{"bad action",
                    [](Webhook& w) {
                      w.actions = {"push", "pushh"};
                    },
                    "InvalidActions", "actions"},
        InvalidCase{"status", [](Webhook& w) { w.status = "on"; }, "InvalidStatus", "status"},
        InvalidCase{"timeout 0", [](Webhook& w) { w.timeout_seconds = 0; }, "InvalidTimeout",
                    "timeoutSeconds"},
        InvalidCase{"timeout 61", [](Webhook& w) { w.timeout_seconds = 61; }, "InvalidTimeout",
                    "timeoutSeconds"},
        InvalidCase{"secret prefix",
                    [](Webhook& w) { w.signing_secret = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; },
                    "InvalidSigningSecret", "signingSecret"},
        InvalidCase{"secret short", [](Webhook& w) { w.signing_secret = "whsec_c2hvcnQ="; },
                    "InvalidSigningSecret", "signingSecret"},
        InvalidCase{"scope", [](Webhook& w) { w.scope = "Bad:Scope"; }, "InvalidScope", "scope"}),
    [](const auto& info) {
      std::string n = info.param.label;
      for (char& c : n)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

TEST(WebhookValidation, AcceptsEveryDocumentedForm) {
  Webhook w = valid();
  w.custom_headers = {{"Authorization", "Bearer x"}, {"X-Custom_1", "a: b"}};
  w.actions = {"push", "delete", "chart_push", "chart_delete", "quarantine", "pull"};
  w.scope = "samples/*:v1.*";
  w.timeout_seconds = 60;
  w.signing_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  w.status = "disabled";
  EXPECT_TRUE(validateWebhook(w).isOk()) << validateWebhook(w).message();
  for (const char* uri : {"http://127.0.0.1:9000/", "https://user:pw@hooks.example.com",
                          "http://[::1]:8080/x", "https://a.b-c.example:443/p?q=1#f"}) {
    w.service_uri = uri;
    EXPECT_TRUE(validateWebhook(w).isOk()) << uri;
  }
}

TEST(WebhookValidation, QuarantineGivesAWarning) {
  Webhook w = valid();
  EXPECT_TRUE(webhookWarnings(w).empty());
  w.actions.push_back("quarantine");
  ASSERT_EQ(webhookWarnings(w).size(), 1u);
  EXPECT_NE(webhookWarnings(w)[0].find("never fires"), std::string::npos);
}

TEST(RegistryName, FollowsAcrRule) {
  EXPECT_TRUE(validateRegistryName("myregistry").isOk());
  EXPECT_FALSE(validateRegistryName("my-registry").isOk());
  EXPECT_FALSE(validateRegistryName("abc").isOk());
}

}  // namespace
}  // namespace reghook

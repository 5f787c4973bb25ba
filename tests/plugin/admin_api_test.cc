// The admin API of SPEC §6: every call and every error, on the real server.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "tests/fakes/fixtures.h"
#include "tests/fakes/loopback_receiver.h"
#include "tests/fakes/test_server.h"

namespace reghook {
namespace {

using testing::eventually;
using testing::httpCall;
using testing::LoopbackReceiver;
using testing::TestServer;

Poco::JSON::Object::Ptr json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string hookBody(const std::string& uri, const std::string& extra = "") {
  return R"({"serviceUri":")" + uri +
         R"(","actions":["push","delete"],"customHeaders":{"X-Secret":"s3cr3t"}, "scope":"hello-world:*")" +
         extra + "}";
}

TEST(AdminApi, CreateReplaceShowListDelete) {
  TestServer s;
  auto created = s.admin("PUT", "/webhooks/hook1", hookBody("https://hooks.example/acr?code=abc"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto w = json(created.body);
  EXPECT_EQ(w->getValue<std::string>("name"), "hook1");
  EXPECT_EQ(w->getValue<std::string>("registry"), "myregistry");
  EXPECT_EQ(w->getValue<std::string>("status"), "enabled");
  EXPECT_EQ(w->getValue<std::string>("scope"), "hello-world:*");
  EXPECT_EQ(w->getValue<std::string>("provisioningState"), "Succeeded");
  EXPECT_EQ(w->getValue<int>("timeoutSeconds"), 5);
  EXPECT_FALSE(w->getValue<std::string>("createdAt").empty());
  // secrets are never in ordinary answers
  for (const auto& body :
       {created.body, s.admin("GET", "/webhooks/hook1").body, s.admin("GET", "/webhooks").body}) {
    EXPECT_EQ(body.find("code=abc"), std::string::npos) << body;
    EXPECT_EQ(body.find("s3cr3t"), std::string::npos) << body;
    EXPECT_EQ(body.find("serviceUri"), std::string::npos) << body;
  }
  auto replaced = s.admin("PUT", "/webhooks/hook1", hookBody("https://hooks.example/v2"));
  EXPECT_EQ(replaced.status, 200);
  EXPECT_EQ(json(replaced.body)->getValue<std::string>("createdAt"),
            w->getValue<std::string>("createdAt"));
  auto list = json(s.admin("GET", "/webhooks").body);
  EXPECT_EQ(list->getArray("value")->size(), 1u);
  EXPECT_TRUE(list->get("nextLink").isEmpty());
  EXPECT_EQ(s.admin("DELETE", "/webhooks/hook1").status, 204);
  EXPECT_EQ(s.admin("DELETE", "/webhooks/hook1").status, 404);
  EXPECT_EQ(s.admin("GET", "/webhooks/hook1").status, 404);
}

TEST(AdminApi, PatchChangesOnlyTheGivenFieldsAndEmptyHeadersClear) {
  TestServer s;
  s.admin("PUT", "/webhooks/hook1", hookBody("https://hooks.example/acr"));
  auto patched = s.admin("PATCH", "/webhooks/hook1", R"({"status":"disabled","timeoutSeconds":9})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto w = json(patched.body);
  EXPECT_EQ(w->getValue<std::string>("status"), "disabled");
  EXPECT_EQ(w->getValue<int>("timeoutSeconds"), 9);
  EXPECT_EQ(w->getValue<std::string>("scope"), "hello-world:*");
  auto config = json(s.admin("POST", "/webhooks/hook1/getCallbackConfig").body);
  EXPECT_EQ(config->getValue<std::string>("serviceUri"), "https://hooks.example/acr");
  EXPECT_EQ(config->getObject("customHeaders")->getValue<std::string>("X-Secret"), "s3cr3t");
  s.admin("PATCH", "/webhooks/hook1", R"({"customHeaders":{}})");
  config = json(s.admin("POST", "/webhooks/hook1/getCallbackConfig").body);
  EXPECT_EQ(config->getObject("customHeaders")->size(), 0u);
  EXPECT_EQ(s.admin("PATCH", "/webhooks/nothere", "{}").status, 404);
}

struct BadBody {
  std::string body;
  std::string code;
  std::string target;
};

class AdminValidationTest : public ::testing::TestWithParam<BadBody> {};

TEST_P(AdminValidationTest, AnswersAClearError) {
  TestServer s;
  auto reply = s.admin("PUT", "/webhooks/hook1", GetParam().body);
  EXPECT_EQ(reply.status, 400) << reply.body;
  auto error = json(reply.body)->getObject("error");
  EXPECT_EQ(error->getValue<std::string>("code"), GetParam().code) << reply.body;
  EXPECT_EQ(error->optValue<std::string>("target", ""), GetParam().target);
  EXPECT_FALSE(error->getValue<std::string>("message").empty());
}

INSTANTIATE_TEST_SUITE_P(
    Fields, AdminValidationTest,
    ::testing::Values(
        BadBody{R"({"actions":["push"]})", "InvalidServiceUri", "serviceUri"},
        BadBody{R"({"serviceUri":"ftp://x","actions":["push"]})", "InvalidServiceUri",
                "serviceUri"},
        BadBody{R"({"serviceUri":"http://x/","actions":[]})", "InvalidActions", "actions"},
        BadBody{R"({"serviceUri":"http://x/","actions":["pushh"]})", "InvalidActions", "actions"},
        BadBody{R"({"serviceUri":"http://x/","actions":"push"})", "InvalidRequestBody", "actions"},
        BadBody{R"({"serviceUri":"http://x/","actions":["push"],"status":"off"})", "InvalidStatus",
                "status"},
        BadBody{R"({"serviceUri":"http://x/","actions":["push"],"scope":"UPPER:v1"})",
                "InvalidScope", "scope"},
        BadBody{R"({"serviceUri":"http://x/","actions":["push"],"timeoutSeconds":0})",
                "InvalidTimeout", "timeoutSeconds"},
        BadBody{R"({"serviceUri":"http://x/","actions":["push"],"timeoutSeconds":"5"})",
                "InvalidTimeout", "timeoutSeconds"},
        BadBody{R"({"serviceUri":"http://x/","actions":["push"],"signingSecret":"nope"})",
                "InvalidSigningSecret", "signingSecret"},
        BadBody{
            R"({"serviceUri":"http://x/","actions":["push"],"customHeaders":{"Bad Header":"x"}})",
            "InvalidCustomHeader", "customHeaders"},
        BadBody{
            R"({"serviceUri":"http://x/","actions":["push"],"customHeaders":{"X":"a\r\nB: c"}})",
            "InvalidCustomHeader", "customHeaders"},
        BadBody{R"({"serviceUri":"http://x/","actions":["push"],"scopee":""})",
                "InvalidRequestBody", "scopee"},
        BadBody{R"({"serviceUri":"http://x/","actions":["push"],"name":"other1"})",
                "InvalidWebhookName", "name"},
        BadBody{R"(not json)", "InvalidRequestBody", ""}));

TEST(AdminApi, ListsTheConfiguredRegistries) {
  TestServer s;
  s.admin("PUT", "/webhooks/hook1", hookBody("http://x/"));
  auto reply = httpCall(s.port(), "GET", "/v1/registries", "", "admin-token");
  EXPECT_EQ(
      reply.body,
      R"({"value":[{"name":"myregistry","webhooks":1},{"name":"otherregistry","webhooks":0}]})");
  EXPECT_EQ(httpCall(s.port(), "GET", "/v1/registries").status, 401);
}

TEST(AdminApi, AnEarlyErrorLeavesAKeptAliveConnectionUsable) {
  TestServer s;
  Poco::Net::HTTPClientSession session("127.0.0.1", s.port());
  for (const std::string name : {"bad-name", "goodname"}) {
    Poco::Net::HTTPRequest request("PUT", "/v1/registries/myregistry/webhooks/" + name, "HTTP/1.1");
    request.set("Authorization", "Bearer admin-token");
    const std::string body = hookBody("http://x/");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::string text;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
    EXPECT_EQ(response.getStatus(), name == "bad-name" ? 400 : 201) << text;
    EXPECT_EQ(response.getReason(), name == "bad-name" ? "Bad Request" : "Created");
  }
}

TEST(AdminApi, ChangingWebhooksWhileEventsFlowIsSafe) {
  LoopbackReceiver receiver;
  TestServer s;
  s.admin("PUT", "/webhooks/steady", hookBody(receiver.url("/steady")));
  std::atomic<bool> done{false};
  std::thread events([&] {
    for (int i = 0; i < 150; ++i) {
      std::string envelope = testing::fixture("distribution-2.8.2/03-push-manifest-v1.json");
      envelope.replace(envelope.find("2c6d7f48"), 8, "c" + std::to_string(1000000 + i));
      EXPECT_EQ(s.notify(envelope).status, 200);
    }
    done = true;
  });
  int rounds = 0;
  while (!done) {
    const std::string name = "/webhooks/churn" + std::to_string(rounds % 3 + 10);
    EXPECT_EQ(s.admin("PUT", name, hookBody(receiver.url("/churn"))).status / 100, 2);
    EXPECT_EQ(s.admin("PATCH", name, R"({"scope":""})").status, 200);
    EXPECT_EQ(s.admin("DELETE", name).status, 204);
    ++rounds;
  }
  events.join();
  ASSERT_TRUE(receiver.waitFor(150, "/steady"));
  // the steady webhook got every event once
  auto log = json(s.admin("GET", "/webhooks/steady/events?top=1000").body)->getArray("value");
  EXPECT_EQ(log->size(), 150u);
  // a webhook created again under a deleted one's name starts with an empty log
  EXPECT_GT(rounds, 0);
  s.admin("PUT", "/webhooks/churn10", hookBody(receiver.url("/churn")));
  EXPECT_EQ(json(s.admin("GET", "/webhooks/churn10/events").body)->getArray("value")->size(), 0u);
}

TEST(AdminApi, BadNameIsRejected) {
  TestServer s;
  auto reply = s.admin("PUT", "/webhooks/bad-name", hookBody("http://x/"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("^[a-zA-Z0-9]{5,50}$"), std::string::npos);
}

TEST(AdminApi, EveryCallNeedsTheAdminToken) {
  TestServer s;
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/webhooks"},
                                                        {"PUT", "/webhooks/hook1"},
                                                        {"GET", "/usages"},
                                                        {"GET", "/deadletters"},
                                                        {"POST", "/webhooks/hook1/ping"}}) {
    auto none = httpCall(s.port(), method, "/v1/registries/myregistry" + path, "{}");
    EXPECT_EQ(none.status, 401) << path;
    auto wrong = httpCall(s.port(), method, "/v1/registries/myregistry" + path, "{}", "sink-token");
    EXPECT_EQ(wrong.status, 401) << path;
  }
  EXPECT_EQ(
      httpCall(s.port(), "GET", "/v1/registries/nosuchreg/webhooks", "", "admin-token").status,
      404);
}

TEST(AdminApi, QuotaUsagesAndQuarantineWarning) {
  auto config = testing::testConfig(testing::tempDir("quota"));
  config.webhooks_per_registry = 2;
  TestServer s(config);
  auto first = s.admin("PUT", "/webhooks/hook1",
                       R"({"serviceUri":"http://x/","actions":["push","quarantine"]})");
  ASSERT_EQ(first.status, 201);
  EXPECT_NE(first.body.find("\"warnings\":[\"action 'quarantine'"), std::string::npos)
      << first.body;
  EXPECT_EQ(s.admin("PUT", "/webhooks/hook2", hookBody("http://x/")).status, 201);
  auto third = s.admin("PUT", "/webhooks/hook3", hookBody("http://x/"));
  EXPECT_EQ(third.status, 409);
  EXPECT_NE(third.body.find("QuotaExceeded"), std::string::npos);
  EXPECT_EQ(s.admin("PUT", "/webhooks/hook2", hookBody("http://y/")).status,
            200);  // replace is fine
  EXPECT_EQ(s.admin("GET", "/usages").body,
            R"({"value":[{"name":"Webhooks","currentValue":2,"limit":2,"unit":"Count"}]})");
}

TEST(AdminApi, PingLogsAndRedeliverResendsTheSameEvent) {
  LoopbackReceiver receiver;
  TestServer s;
  ASSERT_EQ(
      s.admin("PUT", "/webhooks/hook1", hookBody(receiver.url(), R"(,"status":"disabled")")).status,
      201);
  auto ping = s.admin("POST", "/webhooks/hook1/ping");  // disabled webhooks can be pinged
  ASSERT_EQ(ping.status, 200) << ping.body;
  auto p = json(ping.body);
  EXPECT_EQ(p->getValue<std::string>("statusCode"), "200");
  EXPECT_EQ(p->getValue<std::string>("reasonPhrase"), "OK");
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].body.find(R"({"id":")" + p->getValue<std::string>("id") +
                                             R"(","timestamp":")"),
            0u);
  EXPECT_NE(receiver.requests()[0].body.find(R"("action":"ping"})"), std::string::npos);
  EXPECT_EQ(receiver.requests()[0].headers["X-Secret"], "s3cr3t");
  auto events = json(s.admin("GET", "/webhooks/hook1/events").body);
  ASSERT_EQ(events->getArray("value")->size(), 1u);
  auto e = events->getArray("value")->getObject(0);
  EXPECT_EQ(e->getValue<std::string>("status"), "delivered");
  EXPECT_EQ(
      e->getObject("eventRequestMessage")->getObject("headers")->getValue<std::string>("X-Secret"),
      "******");
  EXPECT_EQ(e->getObject("eventResponseMessage")->getValue<std::string>("statusCode"), "200");
  // listEvents is the POST form of the same call
  EXPECT_EQ(s.admin("POST", "/webhooks/hook1/listEvents").body,
            s.admin("GET", "/webhooks/hook1/events").body);

  const std::string id = p->getValue<std::string>("id");
  s.admin("PATCH", "/webhooks/hook1", R"({"status":"enabled"})");
  EXPECT_EQ(s.admin("POST", "/webhooks/hook1/events/" + id + "/redeliver").status, 202);
  ASSERT_TRUE(receiver.waitFor(2));
  EXPECT_EQ(receiver.requests()[1].headers["webhook-id"], id);
  EXPECT_EQ(receiver.requests()[1].body, receiver.requests()[0].body);
  EXPECT_EQ(s.admin("POST", "/webhooks/hook1/events/nosuchevent/redeliver").status, 404);
}

TEST(AdminApi, PingOfAnUnreachableEndpointReportsTheError) {
  TestServer s;
  s.admin("PUT", "/webhooks/hook1", hookBody("http://127.0.0.1:1/"));
  auto ping = json(s.admin("POST", "/webhooks/hook1/ping").body);
  EXPECT_EQ(ping->getValue<std::string>("statusCode"), "");
  EXPECT_NE(ping->getValue<std::string>("error").find("refused"), std::string::npos);
}

TEST(AdminApi, EventsArePagedWithNextLink) {
  LoopbackReceiver receiver;
  TestServer s;
  s.admin("PUT", "/webhooks/hook1", hookBody(receiver.url()));
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.insert(json(s.admin("POST", "/webhooks/hook1/ping").body)->getValue<std::string>("id"));
  std::set<std::string> seen;
  std::string next = "/v1/registries/myregistry/webhooks/hook1/events?top=2";
  int pages = 0;
  while (!next.empty()) {
    auto page = json(httpCall(s.port(), "GET", next, "", "admin-token").body);
    for (const auto& e : *page->getArray("value"))
      seen.insert(e.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id"));
    next = page->get("nextLink").isEmpty() ? "" : page->getValue<std::string>("nextLink");
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(s.admin("GET", "/webhooks/hook1/events?top=0").status, 400);
}

}  // namespace
}  // namespace reghook

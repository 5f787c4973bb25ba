#include "adapters/http/poco_http_sender.h"

#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include "tests/fakes/loopback_receiver.h"

namespace reghook::http {
namespace {

using reghook::testing::LoopbackReceiver;
using reghook::testing::ScriptedAnswer;

PocoHttpSender makeSender(std::vector<std::string> deny = {}) {
  return PocoHttpSender(AddressGuard::create(deny, {}).value(), "", "reghook/test");
}

OutgoingRequest post(const std::string& uri, int timeout_ms = 2000) {
  OutgoingRequest r;
  r.uri = uri;
  r.body = R"({"id":"1","timestamp":"t","action":"ping"})";
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"X-Custom", "v"}};
  r.timeout_ms = timeout_ms;
  return r;
}

TEST(PocoHttpSender, PostsBodyAndHeadersAndReadsTheAnswer) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{202, {{"X-Answer", "yes"}}, 0, "accepted"}});
  auto sender = makeSender();
  SendResult r = sender.send(post(receiver.url("/hook?x=1")));
  ASSERT_TRUE(r.answered) << r.error;
  EXPECT_EQ(r.status_code, 202);
  EXPECT_EQ(r.body, "accepted");
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].uri, "/hook?x=1");
  EXPECT_EQ(got[0].body, R"({"id":"1","timestamp":"t","action":"ping"})");
  EXPECT_EQ(got[0].headers["X-Custom"], "v");
  EXPECT_EQ(got[0].headers["User-Agent"], "reghook/test");
  EXPECT_EQ(got[0].headers["Host"], "127.0.0.1:" + std::to_string(receiver.port()));
}

TEST(PocoHttpSender, ReusesConnectionsAcrossSequentialRequests) {
  LoopbackReceiver receiver;
  auto sender = makeSender();
  for (int i = 0; i < 20; ++i) {
    SendResult r = sender.send(post(receiver.url()));
    ASSERT_TRUE(r.answered) << r.error;
  }
  EXPECT_EQ(receiver.requests().size(), 20u);  // none sent twice
}

TEST(PocoHttpSender, DoesNotFollowRedirects) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{302, {{"Location", "/elsewhere"}}}});
  auto sender = makeSender();
  SendResult r = sender.send(post(receiver.url()));
  EXPECT_EQ(r.status_code, 302);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(PocoHttpSender, ReadsRetryAfterSeconds) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{429, {{"Retry-After", "7"}}}});
  auto sender = makeSender();
  SendResult r = sender.send(post(receiver.url()));
  EXPECT_EQ(r.status_code, 429);
  EXPECT_EQ(r.retry_after_ms, 7000);
}

TEST(PocoHttpSender, TimesOutASlowReceiver) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{200, {}, 1500}});
  auto sender = makeSender();
  SendResult r = sender.send(post(receiver.url(), 300));
  EXPECT_FALSE(r.answered);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
  EXPECT_LT(r.duration_ms, 1400);
}

TEST(PocoHttpSender, ReportsConnectionRefused) {
  uint16_t port;
  {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = s.address().port();
  }
  auto sender = makeSender();
  SendResult r = sender.send(post("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_FALSE(r.answered);
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
}

TEST(PocoHttpSender, GuardRefusesDeniedAddressesAtConnectTime) {
  LoopbackReceiver receiver;
  auto sender = makeSender({"127.0.0.0/8"});
  SendResult r = sender.send(post(receiver.url()));
  EXPECT_FALSE(r.answered);
  EXPECT_NE(r.error.find("denied range 127.0.0.0/8"), std::string::npos) << r.error;
  EXPECT_TRUE(receiver.requests().empty());
  // a host name is resolved and checked too
  SendResult named = sender.send(post("http://localhost:" + std::to_string(receiver.port()) + "/"));
  EXPECT_FALSE(named.answered);
  EXPECT_TRUE(receiver.requests().empty());
}

}  // namespace
}  // namespace reghook::http

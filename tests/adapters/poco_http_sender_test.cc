#include "adapters/http/poco_http_sender.h"

#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/fakes/loopback_receiver.h"
#include "tests/fakes/test_dirs.h"

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
  std::set<std::string> connections;
  for (const auto& r : receiver.requests()) connections.insert(r.client);
  EXPECT_EQ(connections.size(), 1u);
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

// A certificate for DNS:localhost only, made with the openssl command for this test.
class HttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(reghook::testing::tempDir("certs"));
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost -keyout " +
        *dir_ + "/key.pem -out " + *dir_ + "/cert.pem >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed for this test";
  }
  Poco::Net::Context::Ptr serverContext() {
    Poco::Net::initializeSSL();
    return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, *dir_ + "/key.pem",
                                  *dir_ + "/cert.pem", "", Poco::Net::Context::VERIFY_NONE);
  }
  static std::string* dir_;
};
std::string* HttpsTest::dir_ = nullptr;

TEST_F(HttpsTest, VerifiesTheCertificateAgainstTheConfiguredCaFile) {
  LoopbackReceiver receiver(serverContext());
  PocoHttpSender trusting(AddressGuard::create({}, {}).value(), *dir_ + "/cert.pem",
                          "reghook/test");
  SendResult ok = trusting.send(post(receiver.url("/hook", "localhost")));
  ASSERT_TRUE(ok.answered) << ok.error;
  EXPECT_EQ(ok.status_code, 200);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST_F(HttpsTest, RefusesAnUntrustedCertificate) {
  LoopbackReceiver receiver(serverContext());
  auto sender = makeSender();  // system CA bundle: the self-signed certificate is not in it
  SendResult r = sender.send(post(receiver.url("/hook", "localhost")));
  EXPECT_FALSE(r.answered);
  EXPECT_FALSE(r.error.empty());
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(HttpsTest, RefusesAHostNameTheCertificateDoesNotName) {
  LoopbackReceiver receiver(serverContext());
  PocoHttpSender trusting(AddressGuard::create({}, {}).value(), *dir_ + "/cert.pem",
                          "reghook/test");
  SendResult r =
      trusting.send(post(receiver.url("/hook", "127.0.0.1")));  // cert names localhost only
  EXPECT_FALSE(r.answered);
  EXPECT_TRUE(receiver.requests().empty());
}

}  // namespace
}  // namespace reghook::http

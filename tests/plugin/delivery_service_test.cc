// Delivery (SPEC §7) with a fake clock driving runDue(), a real HTTP sender and a scripted
// loopback receiver; one test runs the real worker threads to show isolation.
#include "plugin/delivery_service.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <leveldb/helpers/memenv.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sstream>
#include <thread>

#include "adapters/http/poco_http_sender.h"
#include "storage/leveldb_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fixtures.h"
#include "tests/fakes/loopback_receiver.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/test_server.h"

namespace reghook {
namespace {

using testing::FakeClock;
using testing::LoopbackReceiver;
using testing::ScriptedAnswer;

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    store_ = std::move(LeveldbStore::open("/db", clock_, env_.get()).value());
    catalog_ = std::make_unique<WebhookCatalog>(*store_, 100);
    sender_ = std::make_unique<http::PocoHttpSender>(http::AddressGuard::create({}, {}).value(), "",
                                                     "reghook/test");
    config_.retry_schedule_ms = {0, 5000, 300000};
    makeService();
  }
  void makeService() {
    delivery_ =
        std::make_unique<DeliveryService>(*store_, *catalog_, *sender_, metrics_, clock_, config_);
  }
  Webhook addWebhook(const std::string& name, const std::string& uri,
                     const std::string& secret = "") {
    Webhook w;
    w.id = "id-" + name;
    w.registry = "myregistry";
    w.name = name;
    w.service_uri = uri;
    w.actions = {"push"};
    w.custom_headers = {{"X-Token", "hidden"}};
    w.signing_secret = secret;
    w.timeout_seconds = 2;
    EXPECT_TRUE(catalog_->put(w).isOk());
    return w;
  }
  // Writes a job the way the ingest stage does, and queues it.
  void addJob(const Webhook& w, const std::string& event_id) {
    NormalizedBatch batch;
    Job job;
    job.webhook_id = w.id;
    job.event_id = event_id;
    job.action = "push";
    job.subject = "hello-world:v1";
    job.payload = R"({"id":")" + event_id + R"(","timestamp":"t","action":"push"})";
    job.next_ms = clock_.nowMs();
    job.created_ms = clock_.nowMs();
    batch.job_logs.push_back(delivery_->pendingLog(w, job));
    batch.jobs.push_back(job);
    ASSERT_TRUE(store_->commitNormalized(batch).isOk());
    delivery_->enqueue(batch.jobs);
  }
  Poco::JSON::Object::Ptr logOf(const Webhook& w, const std::string& event_id) {
    auto entry = store_->findLog(w.id, event_id).value();
    EXPECT_TRUE(entry.has_value());
    Poco::JSON::Parser parser;
    return parser.parse(entry->json).extract<Poco::JSON::Object::Ptr>();
  }

  FakeClock clock_;
  std::unique_ptr<leveldb::Env> env_;
  std::unique_ptr<LeveldbStore> store_;
  std::unique_ptr<WebhookCatalog> catalog_;
  std::unique_ptr<http::PocoHttpSender> sender_;
  Metrics metrics_;
  DeliveryConfig config_;
  std::unique_ptr<DeliveryService> delivery_;
};

TEST_F(DeliveryTest, SendsTheSpecHeadersAndAVerifiableSignature) {
  LoopbackReceiver receiver;
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto w = addWebhook("hook1", receiver.url(), secret);
  addJob(w, "ev1");
  EXPECT_EQ(delivery_->runDue(), 1u);
  ASSERT_EQ(receiver.requests().size(), 1u);
  auto r = receiver.requests()[0];
  EXPECT_EQ(r.headers["Content-Type"], "application/json; charset=utf-8");
  EXPECT_EQ(r.headers["User-Agent"], "reghook/test");
  EXPECT_EQ(r.headers["X-Token"], "hidden");
  EXPECT_EQ(r.headers["webhook-id"], "ev1");
  EXPECT_EQ(r.headers["webhook-timestamp"], std::to_string(clock_.nowMs() / 1000));
  // independent HMAC-SHA256 over "id.timestamp.body" with the decoded secret
  std::istringstream in("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  Poco::Base64Decoder decoder(in);
  std::string key((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  const std::string signed_text =
      r.headers["webhook-id"] + "." + r.headers["webhook-timestamp"] + "." + r.body;
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
  std::ostringstream b64;
  Poco::Base64Encoder encoder(b64);
  encoder.write(reinterpret_cast<const char*>(mac), len);
  encoder.close();
  EXPECT_EQ(r.headers["webhook-signature"], "v1," + b64.str());
  auto log = logOf(w, "ev1");
  EXPECT_EQ(log->getValue<std::string>("status"), "delivered");
  EXPECT_EQ(
      log->getObject("eventRequestMessage")->getObject("headers")->getValue<std::string>("X-Token"),
      "******");
  EXPECT_EQ(testing::pendingJobs(*store_).size(), 0u);
}

TEST_F(DeliveryTest, ACustomContentTypeWins) {
  LoopbackReceiver receiver;
  auto w = addWebhook("hook1", receiver.url());
  w.custom_headers = {{"Content-Type", "application/cloudevents+json"}};
  catalog_->put(w);
  addJob(w, "ev1");
  delivery_->runDue();
  EXPECT_EQ(receiver.requests().at(0).headers["Content-Type"], "application/cloudevents+json");
}

TEST_F(DeliveryTest, RetriesOn500ThenDeliversOnTheThirdAttempt) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{500}, ScriptedAnswer{503}, ScriptedAnswer{200}});
  auto w = addWebhook("hook1", receiver.url());
  addJob(w, "ev1");
  EXPECT_EQ(delivery_->runDue(), 1u);
  EXPECT_EQ(logOf(w, "ev1")->getValue<std::string>("status"), "retrying");
  EXPECT_EQ(delivery_->runDue(), 0u);  // second attempt is 5 s ± 20 % later
  clock_.advanceMs(3999);
  EXPECT_EQ(delivery_->runDue(), 0u);
  clock_.advanceMs(2001);
  EXPECT_EQ(delivery_->runDue(), 1u);
  clock_.advanceMs(360000);
  EXPECT_EQ(delivery_->runDue(), 1u);
  auto log = logOf(w, "ev1");
  EXPECT_EQ(log->getValue<std::string>("status"), "delivered");
  EXPECT_EQ(log->getValue<int>("attempts"), 3);
  EXPECT_EQ(receiver.requests().size(), 3u);
  for (const auto& r : receiver.requests()) EXPECT_EQ(r.headers.at("webhook-id"), "ev1");
}

TEST_F(DeliveryTest, GivesUpAfterTheLastScheduledAttempt) {
  LoopbackReceiver receiver;
  receiver.script(
      {ScriptedAnswer{500}, ScriptedAnswer{500}, ScriptedAnswer{500}, ScriptedAnswer{200}});
  auto w = addWebhook("hook1", receiver.url());
  addJob(w, "ev1");
  for (int i = 0; i < 5; ++i) {
    delivery_->runDue();
    clock_.advanceMs(400000);
  }
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(logOf(w, "ev1")->getValue<std::string>("status"), "failed");
  EXPECT_EQ(testing::pendingJobs(*store_).size(), 0u);
}

TEST_F(DeliveryTest, Other4xxFailAtOnceAnd410DisablesTheWebhook) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{400}}, "/a");
  receiver.script({ScriptedAnswer{410}}, "/b");
  auto a = addWebhook("hooka", receiver.url("/a"));
  auto b = addWebhook("hookb", receiver.url("/b"));
  addJob(a, "ev1");
  addJob(b, "ev2");
  delivery_->runDue();
  EXPECT_EQ(logOf(a, "ev1")->getValue<std::string>("status"), "failed");
  EXPECT_EQ(logOf(b, "ev2")->getValue<std::string>("status"), "failed");
  EXPECT_EQ(catalog_->get("myregistry", "hooka")->status, "enabled");
  EXPECT_EQ(catalog_->get("myregistry", "hookb")->status, "disabled");
  clock_.advanceMs(10000);
  EXPECT_EQ(delivery_->runDue(), 0u);
}

TEST_F(DeliveryTest, RetryAfterIsHonoured) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{429, {{"Retry-After", "60"}}}});
  auto w = addWebhook("hook1", receiver.url());
  addJob(w, "ev1");
  delivery_->runDue();
  clock_.advanceMs(59000);
  EXPECT_EQ(delivery_->runDue(), 0u);  // the schedule alone would have retried after ~5 s
  clock_.advanceMs(1000);
  EXPECT_EQ(delivery_->runDue(), 1u);
}

TEST_F(DeliveryTest, TransportErrorsAreRetriedAndLoggedWithoutAResponse) {
  auto w = addWebhook("hook1", "http://127.0.0.1:1/");
  addJob(w, "ev1");
  delivery_->runDue();
  auto log = logOf(w, "ev1");
  EXPECT_EQ(log->getValue<std::string>("status"), "retrying");
  EXPECT_FALSE(log->has("eventResponseMessage"));
  EXPECT_NE(log->getValue<std::string>("error").find("refused"), std::string::npos);
}

TEST_F(DeliveryTest, PendingJobsSurviveARestartOfTheService) {
  LoopbackReceiver receiver;
  receiver.script({ScriptedAnswer{500}});
  auto w = addWebhook("hook1", receiver.url());
  addJob(w, "ev1");
  addJob(w, "ev2");
  delivery_->runDue();  // both fail once
  makeService();        // a new process: nothing in memory
  ASSERT_TRUE(delivery_->load().isOk());
  clock_.advanceMs(10000);
  EXPECT_EQ(delivery_->runDue(), 1u);  // ev1 (retry) — ev2 was delivered
  EXPECT_EQ(logOf(w, "ev1")->getValue<std::string>("status"), "delivered");
  EXPECT_EQ(logOf(w, "ev1")->getValue<int>("attempts"), 2);
}

TEST_F(DeliveryTest, LogRetentionByCountAndAge) {
  LoopbackReceiver receiver;
  config_.log_max_entries = 3;
  config_.log_max_age_days = 1;
  makeService();
  auto w = addWebhook("hook1", receiver.url());
  for (int i = 0; i < 5; ++i) addJob(w, "ev" + std::to_string(i));
  delivery_->runDue();
  EXPECT_EQ(delivery_->pruneLogs(), 2u);
  EXPECT_EQ(store_->listLog(w.id, 100, "").value().items.size(), 3u);
  clock_.advanceMs(2LL * 24 * 3600 * 1000);
  EXPECT_EQ(delivery_->pruneLogs(), 3u);
}

TEST(DeliveryIsolation, AHangingWebhookDoesNotDelayAnother) {
  LoopbackReceiver slow_receiver;
  LoopbackReceiver fast_receiver;
  slow_receiver.script(std::vector<ScriptedAnswer>(60, ScriptedAnswer{200, {}, 4000}));
  testing::TestServer s;
  s.admin("PUT", "/webhooks/slowhook",
          R"({"serviceUri":")" + slow_receiver.url() + R"(","actions":["push"]})");
  s.admin("PUT", "/webhooks/fasthook",
          R"({"serviceUri":")" + fast_receiver.url() + R"(","actions":["push"]})");
  // 40 pushes, more than the 32 delivery threads: without a bound per webhook the hanging one
  // would hold them all
  for (int i = 0; i < 40; ++i) {
    std::string envelope = testing::fixture("distribution-2.8.2/03-push-manifest-v1.json");
    envelope.replace(envelope.find("2c6d7f48"), 8, "i" + std::to_string(1000000 + i));
    ASSERT_EQ(s.notify(envelope).status, 200);
  }
  const auto start = std::chrono::steady_clock::now();
  // all of them before the hanging endpoint answers anything (4 s)
  ASSERT_TRUE(fast_receiver.waitFor(40, "", 3500));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3500));
  // meanwhile the hanging endpoint had exactly maxInFlightPerWebhook (4) requests open
  ASSERT_TRUE(testing::eventually([&] { return slow_receiver.started() >= 4; }, 2000));
  EXPECT_EQ(slow_receiver.started(), 4);
}

}  // namespace
}  // namespace reghook

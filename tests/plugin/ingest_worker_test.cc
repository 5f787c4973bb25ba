// The inbox -> normalizer -> outbox stage with a fake clock: holding digest deletes, fan-out to
// matching webhooks, and replay after a crash.
#include "plugin/ingest_worker.h"

#include <gtest/gtest.h>
#include <leveldb/helpers/memenv.h>

#include <algorithm>

#include "adapters/distribution/envelope.h"
#include "adapters/http/poco_http_sender.h"
#include "storage/leveldb_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fixtures.h"
#include "tests/fakes/store_helpers.h"

namespace reghook {
namespace {

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    store_ = std::move(LeveldbStore::open("/db", clock_, env_.get()).value());
    catalog_ = std::make_unique<WebhookCatalog>(*store_, 100);
    sender_ =
        std::make_unique<http::PocoHttpSender>(http::AddressGuard::create({}, {}).value(), "", "t");
    delivery_ = std::make_unique<DeliveryService>(*store_, *catalog_, *sender_, metrics_, clock_,
                                                  DeliveryConfig{});
    ingest_ = std::make_unique<IngestWorker>(*store_, *catalog_, *delivery_, metrics_, clock_, 250);
  }
  void hook(const std::string& name, const std::string& scope, std::vector<std::string> actions,
            const std::string& status = "enabled") {
    Webhook w;
    w.id = "id-" + name;
    w.registry = "myregistry";
    w.name = name;
    w.service_uri = "http://127.0.0.1:1/";
    w.scope = scope;
    w.actions = std::move(actions);
    w.status = status;
    ASSERT_TRUE(catalog_->put(w).isOk());
  }
  void receive(const std::string& fixture_name) {
    auto events = distribution::parseEnvelope(testing::fixture(fixture_name)).value();
    ASSERT_TRUE(store_->appendInbox("myregistry", {{events[0].id, events[0].json}}, {}).isOk());
  }
  std::vector<std::string> actionsFor(const std::string& name) {
    std::vector<std::string> out;
    auto page = store_->listLog("id-" + name, 100, "");
    for (const auto& e : page.value().items) {
      const size_t at = e.json.find("\"action\":\"", e.json.rfind("\"status\""));
      out.push_back(e.json.substr(at + 10, e.json.find('"', at + 10) - at - 10));
    }
    return out;
  }

  testing::FakeClock clock_;
  std::unique_ptr<leveldb::Env> env_;
  std::unique_ptr<LeveldbStore> store_;
  std::unique_ptr<WebhookCatalog> catalog_;
  std::unique_ptr<http::PocoHttpSender> sender_;
  Metrics metrics_;
  std::unique_ptr<DeliveryService> delivery_;
  std::unique_ptr<IngestWorker> ingest_;
};

TEST_F(IngestTest, FansOutByStatusActionAndScope) {
  hook("allpush", "", {"push"});
  hook("repoany", "hello-world:*", {"push", "delete"});
  hook("repov1", "hello-world:v1", {"push", "delete"});
  hook("otherrepo", "multi/arch:*", {"push"});
  hook("deletes", "", {"delete"});
  hook("disabled", "", {"push"}, "disabled");
  for (const char* f :
       {"distribution-2.8.2/01-push-blob-layer.json", "distribution-2.8.2/03-push-manifest-v1.json",
        "distribution-2.8.2/09-push-manifest-latest.json"}) {
    receive(f);
  }
  ASSERT_TRUE(ingest_->processAvailable(false));
  EXPECT_EQ(actionsFor("allpush").size(), 2u);
  EXPECT_EQ(actionsFor("repoany").size(), 2u);
  EXPECT_EQ(actionsFor("repov1").size(), 1u);
  EXPECT_EQ(actionsFor("otherrepo").size(), 0u);
  EXPECT_EQ(actionsFor("deletes").size(), 0u);
  EXPECT_EQ(actionsFor("disabled").size(), 0u);
  EXPECT_EQ(store_->inboxBacklog(), 0u);
  EXPECT_EQ(delivery_->pendingCount(), 5u);
}

TEST_F(IngestTest, DigestDeleteWaitsForItsTagDeletesAndMatchesByTag) {
  hook("repov1", "hello-world:v1", {"delete"});
  receive(
      "distribution-2.8.2-auth/04-push-manifest-oci-tag-v1-with-references.json");  // other repo
  receive("distribution-2.8.2/11-delete-manifest-digest.json");
  ASSERT_TRUE(ingest_->processAvailable(false));
  EXPECT_EQ(store_->inboxBacklog(), 1u);  // held: its tag deletes may still come
  receive("distribution-2.8.2/12-delete-tag-latest.json");
  receive("distribution-2.8.2/13-delete-tag-v1.json");
  ASSERT_TRUE(ingest_->processAvailable(false));
  EXPECT_EQ(store_->inboxBacklog(), 3u);
  EXPECT_TRUE(actionsFor("repov1").empty());
  clock_.advanceMs(250);
  ASSERT_TRUE(ingest_->processAvailable(false));
  EXPECT_EQ(store_->inboxBacklog(), 0u);
  ASSERT_EQ(actionsFor("repov1"), std::vector<std::string>{"delete"});
  auto log = store_->listLog("id-repov1", 1, "").value().items.at(0).json;
  EXPECT_NE(log.find("\"tags\":[\"latest\",\"v1\"]"), std::string::npos) << log;
}

TEST_F(IngestTest, AnEventOfAnotherRequestEndsTheHoldAtOnce) {
  hook("all", "", {"delete", "push"});
  receive("distribution-2.8.2/11-delete-manifest-digest.json");
  receive("distribution-2.8.2/12-delete-tag-latest.json");
  receive("distribution-2.8.2/17-push-manifest-child-untagged.json");
  ASSERT_TRUE(ingest_->processAvailable(false));
  EXPECT_EQ(store_->inboxBacklog(), 0u);
  auto actions = actionsFor("all");
  std::sort(actions.begin(), actions.end());
  EXPECT_EQ(actions, (std::vector<std::string>{"delete", "push"}));
}

TEST_F(IngestTest, AnotherRegistrysEventsDoNotEndTheHold) {
  hook("repov1", "hello-world:v1", {"delete"});
  receive("distribution-2.8.2/11-delete-manifest-digest.json");
  // another registry sends in between (its own inbox entry)
  auto other = distribution::parseEnvelope(testing::fixture("distribution-2.8.2/17-push-manifest-child-untagged.json")).value();
  ASSERT_TRUE(store_->appendInbox("otherregistry", {{other[0].id, other[0].json}}, {}).isOk());
  receive("distribution-2.8.2/13-delete-tag-v1.json");
  ASSERT_TRUE(ingest_->processAvailable(false));
  EXPECT_TRUE(actionsFor("repov1").empty());  // still held
  clock_.advanceMs(250);
  ASSERT_TRUE(ingest_->processAvailable(false));
  ASSERT_EQ(actionsFor("repov1"), std::vector<std::string>{"delete"});
  auto log = store_->listLog("id-repov1", 1, "").value().items.at(0).json;
  EXPECT_NE(log.find("\"tags\":[\"v1\"]"), std::string::npos) << log;
}

TEST_F(IngestTest, ReplayingTheInboxCreatesNoSecondJob) {
  hook("all", "", {"push"});
  receive("distribution-2.8.2/03-push-manifest-v1.json");
  auto entries = store_->readInbox(0, 10).value();
  ASSERT_TRUE(ingest_->processAvailable(false));
  // a crash before the inbox deletion reached the disk would leave the entry: put it back
  ASSERT_TRUE(store_->appendInbox("myregistry", {{"replayed", entries[0].event_json}}, {}).isOk());
  IngestWorker fresh(*store_, *catalog_, *delivery_, metrics_, clock_, 250);
  ASSERT_TRUE(fresh.processAvailable(false));
  EXPECT_EQ(actionsFor("all").size(), 1u);
  EXPECT_EQ(testing::pendingJobs(*store_).size(), 1u);
}

}  // namespace
}  // namespace reghook

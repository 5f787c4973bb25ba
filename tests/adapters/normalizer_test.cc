// Every row of SPEC §3, driven by real envelopes from docker-registry 2.8.2 (tests/fixtures)
// and by registry 3.x shapes written from SPEC §2.
#include "adapters/distribution/normalizer.h"

#include <gtest/gtest.h>
#include <leveldb/helpers/memenv.h>

#include "adapters/acr/acr_json.h"
#include "adapters/distribution/envelope.h"
#include "storage/leveldb_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fixtures.h"

namespace reghook::distribution {
namespace {

const char kDigest[] = "sha256:97f5d7d2f5795cecb8c1d7435d9b9706922e4ef337bea14377da9b0d7cddaf77";
const char kOci[] = "application/vnd.oci.image.manifest.v1+json";

UpstreamEvent eventFromJson(const std::string& envelope) {
  auto events = parseEnvelope(envelope);
  EXPECT_TRUE(events.isOk());
  auto e = parseEvent(events.value().at(0).json, "myregistry");
  EXPECT_TRUE(e.isOk()) << e.status().message();
  return e.value();
}

UpstreamEvent fixtureEvent(const std::string& name) {
  return eventFromJson(testing::fixture(name));
}

class NormalizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    store_ = std::move(LeveldbStore::open("/db", clock_, env_.get()).value());
    normalizer_ = std::make_unique<Normalizer>(*store_);
  }
  // Normalizes a group and commits its index changes, as the ingest stage does.
  Normalized run(const std::vector<UpstreamEvent>& group) {
    auto out = normalizer_->normalize(group);
    EXPECT_TRUE(out.isOk()) << out.status().message();
    NormalizedBatch batch;
    batch.index_changes = out->changes;
    EXPECT_TRUE(store_->commitNormalized(batch).isOk());
    return out.value();
  }
  Normalized runFixture(const std::string& name) { return run({fixtureEvent(name)}); }

  testing::FakeClock clock_;
  std::unique_ptr<leveldb::Env> env_;
  std::unique_ptr<LeveldbStore> store_;
  std::unique_ptr<Normalizer> normalizer_;
};

TEST_F(NormalizerTest, TaggedManifestPushBecomesAcrPushExactly) {
  auto out = runFixture("distribution-2.8.2/03-push-manifest-v1.json");
  ASSERT_EQ(out.events.size(), 1u);
  const std::string id = acrEventId("myregistry", "2c6d7f48-ee17-43f7-b099-c3b78d0d6376", "push");
  EXPECT_NE(id, "2c6d7f48-ee17-43f7-b099-c3b78d0d6376");
  EXPECT_EQ(acr::payloadJson(out.events[0]),
            "{\"id\":\"" + id +
                "\",\"timestamp\":\"2026-11-25T13:45:42.650682042Z\",\"action\":\"push\","
                "\"target\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                "\"size\":401,\"digest\":\"" +
                kDigest +
                "\",\"length\":401,"
                "\"repository\":\"hello-world\",\"tag\":\"v1\"},"
                "\"request\":{\"id\":\"c7249456-511e-4f45-b82e-60bde75b2826\","
                "\"host\":\"127.0.0.1:5098\",\"method\":\"PUT\",\"useragent\":\"skopeo/1.9.3\"}}");
  auto info = store_->getDigest("myregistry", "hello-world", kDigest);
  ASSERT_TRUE(info.value().has_value());
  EXPECT_EQ(info.value()->tags, std::vector<std::string>{"v1"});
  EXPECT_EQ(info.value()->media_type, kOci);
}

TEST_F(NormalizerTest, EventIdIsStableAcrossReplays) {
  auto a = runFixture("distribution-2.8.2/03-push-manifest-v1.json");
  auto b = runFixture("distribution-2.8.2/03-push-manifest-v1.json");
  EXPECT_EQ(a.events[0].id, b.events[0].id);
}

TEST_F(NormalizerTest, BlobAndMountEventsAreDropped) {
  struct Case {
    const char* file;
    const char* reason;
  };
  for (const Case& c : {Case{"distribution-2.8.2/01-push-blob-layer.json", "blob"},
                        Case{"distribution-2.8.2/02-push-blob-config.json", "blob"},
                        Case{"distribution-2.8.2/05-pull-blob-get-layer.json", "blob"},
                        Case{"distribution-2.8.2/07-pull-blob-head-layer.json", "blob"},
                        Case{"distribution-2.8.2/14-pull-blob-head-mount-source.json", "blob"},
                        Case{"distribution-2.8.2/15-mount-blob.json", "mount"}}) {
    auto out = runFixture(c.file);
    EXPECT_TRUE(out.events.empty()) << c.file;
    EXPECT_EQ(out.dropped, std::vector<std::string>{c.reason}) << c.file;
  }
}

TEST_F(NormalizerTest, ManifestGetIsPullAndHeadIsDropped) {
  auto get = runFixture("distribution-2.8.2-auth/36-pull-GET-manifest-by-tag.json");
  ASSERT_EQ(get.events.size(), 1u);
  EXPECT_EQ(get.events[0].action, "pull");
  EXPECT_EQ(get.events[0].target->repository, "test/app");
  auto head = runFixture("distribution-2.8.2-auth/45-pull-HEAD-manifest-by-tag.json");
  EXPECT_TRUE(head.events.empty());
  EXPECT_EQ(head.dropped, std::vector<std::string>{"head"});
}

TEST_F(NormalizerTest, DigestPushesHaveNoTag) {
  for (const char* f : {"distribution-2.8.2/17-push-manifest-child-untagged.json",
                        "distribution-2.8.2-auth/18-push-child-manifest-by-digest-no-tag.json",
                        "distribution-2.8.2-auth/29-push-docker-schema2-manifest-no-tag.json"}) {
    auto out = runFixture(f);
    ASSERT_EQ(out.events.size(), 1u) << f;
    EXPECT_EQ(out.events[0].action, "push");
    EXPECT_TRUE(out.events[0].target->tag.empty());
    EXPECT_EQ(acr::payloadJson(out.events[0]).find("\"tag\""), std::string::npos);
  }
}

TEST_F(NormalizerTest, IndexesAndManifestListsArePushes) {
  struct Case {
    const char* file;
    const char* media_type;
    const char* tag;
  };
  for (const Case& c : {Case{"distribution-2.8.2/18-push-index-tagged.json",
                             "application/vnd.oci.image.index.v1+json", "1.0"},
                        Case{"distribution-2.8.2-auth/23-push-oci-index-tag-latest.json",
                             "application/vnd.oci.image.index.v1+json", "latest"},
                        Case{"distribution-2.8.2-auth/35-push-docker-manifest-list-tag.json",
                             "application/vnd.docker.distribution.manifest.list.v2+json", "1.0"}}) {
    auto out = runFixture(c.file);
    ASSERT_EQ(out.events.size(), 1u) << c.file;
    EXPECT_EQ(out.events[0].target->media_type, c.media_type);
    EXPECT_EQ(out.events[0].target->tag, c.tag);
  }
}

TEST_F(NormalizerTest, DigestDeleteCarriesMediaTypeAndTagsFromTheIndex) {
  runFixture("distribution-2.8.2/03-push-manifest-v1.json");
  runFixture("distribution-2.8.2/09-push-manifest-latest.json");
  auto out = run({fixtureEvent("distribution-2.8.2/11-delete-manifest-digest.json"),
                  fixtureEvent("distribution-2.8.2/12-delete-tag-latest.json"),
                  fixtureEvent("distribution-2.8.2/13-delete-tag-v1.json")});
  ASSERT_EQ(out.events.size(), 1u);
  const AcrEvent& e = out.events[0];
  EXPECT_EQ(e.action, "delete");
  EXPECT_EQ(e.target->media_type, kOci);
  EXPECT_EQ(*e.target->tags, (std::vector<std::string>{"v1", "latest"}));
  EXPECT_EQ(e.request->method, "DELETE");
  const std::string json = acr::payloadJson(e);
  EXPECT_NE(json.find("\"tags\":[\"v1\",\"latest\"]"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"size\""), std::string::npos);
  // the index forgets the digest and its tags
  EXPECT_TRUE(store_->digestsOf("myregistry", "hello-world").value().empty());
  EXPECT_FALSE(store_->digestOfTag("myregistry", "hello-world", "v1").value().has_value());
}

TEST_F(NormalizerTest, TagDeletesOfTheRequestFillTagsTheIndexDidNotKnow) {
  auto out = run({fixtureEvent("distribution-2.8.2-auth/48-delete-manifest-by-digest.json"),
                  fixtureEvent("distribution-2.8.2-auth/49-delete-tag-v1-same-request.json"),
                  fixtureEvent("distribution-2.8.2-auth/50-delete-tag-v2-same-request.json")});
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(*out.events[0].target->tags, (std::vector<std::string>{"v1", "v2"}));
  EXPECT_TRUE(out.events[0].target->media_type.empty());
}

TEST_F(NormalizerTest, UnknownDigestDeleteIsStillSent) {
  auto out = runFixture("distribution-2.8.2-auth/51-delete-blob.json");
  ASSERT_EQ(out.events.size(), 1u);
  const std::string json = acr::payloadJson(out.events[0]);
  EXPECT_NE(json.find("\"target\":{\"digest\":\"sha256:de2961"), std::string::npos) << json;
  EXPECT_NE(json.find("\"repository\":\"test/app\"}"), std::string::npos) << json;
}

TEST_F(NormalizerTest, ATagThatMovesLeavesTheOldDigest) {
  runFixture("distribution-2.8.2/03-push-manifest-v1.json");  // v1 -> 97f5...
  UpstreamEvent moved = fixtureEvent("distribution-2.8.2/03-push-manifest-v1.json");
  moved.id = "moved";
  moved.digest = "sha256:" + std::string(64, 'b');
  run({moved});  // v1 -> bbbb...
  UpstreamEvent del = fixtureEvent("distribution-2.8.2/11-delete-manifest-digest.json");
  auto out = run({del});
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_FALSE(out.events[0].target->tags.has_value()) << acr::payloadJson(out.events[0]);
  EXPECT_EQ(store_->digestOfTag("myregistry", "hello-world", "v1").value(), moved.digest);
}

TEST_F(NormalizerTest, HelmChartPushAndDeleteAlsoGiveChartEvents) {
  std::string text =
      testing::fixture("distribution-2.8.2-auth/04-push-manifest-oci-tag-v1-with-references.json");
  const std::string from = "application/vnd.oci.image.config.v1+json";
  text.replace(text.find(from), from.size(), "application/vnd.cncf.helm.config.v1+json");
  auto push = run({eventFromJson(text)});
  ASSERT_EQ(push.events.size(), 2u);
  EXPECT_EQ(push.events[0].action, "push");
  EXPECT_EQ(push.events[1].action, "chart_push");
  EXPECT_EQ(push.events[1].target->name, "app");
  EXPECT_EQ(push.events[1].target->version, "v1");
  EXPECT_NE(push.events[0].id, push.events[1].id);
  std::string del = testing::fixture("distribution-2.8.2-auth/48-delete-manifest-by-digest.json");
  auto out = run({eventFromJson(del)});
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[1].action, "chart_delete");
  EXPECT_EQ(out.events[1].target->name, "app");
}

// Registry 3.x: deletes carry "mediaType": "" and "size": 0; tag deletes may come alone;
// whole repositories can be deleted.
std::string v3Event(const std::string& id, const std::string& target) {
  return R"({"events":[{"id":")" + id +
         R"(","timestamp":"2026-11-25T14:00:00.123456789Z","action":"delete","target":)" + target +
         R"(,"request":{"id":"req-)" + id +
         R"(","host":"reg:5000","method":"DELETE","useragent":"oras/1.2"},"source":{"addr":"x","instanceID":"i"}}]})";
}

TEST_F(NormalizerTest, Registry3DeleteShapesUseValuesNotKeys) {
  runFixture("distribution-2.8.2/03-push-manifest-v1.json");
  auto out =
      run({eventFromJson(v3Event("d1", std::string(R"({"mediaType":"","size":0,"digest":")") +
                                           kDigest + R"(","repository":"hello-world"})"))});
  ASSERT_EQ(out.events.size(), 1u);
  const std::string json = acr::payloadJson(out.events[0]);
  EXPECT_NE(json.find(std::string("\"mediaType\":\"") + kOci), std::string::npos) << json;
  EXPECT_EQ(json.find("\"size\""), std::string::npos) << json;
  EXPECT_EQ(json.find("\"mediaType\":\"\""), std::string::npos) << json;
}

TEST_F(NormalizerTest, Registry3LoneTagDeleteUpdatesTheIndexOnly) {
  runFixture("distribution-2.8.2/03-push-manifest-v1.json");
  runFixture("distribution-2.8.2/09-push-manifest-latest.json");
  auto out = run({eventFromJson(v3Event(
      "t1", R"({"mediaType":"","size":0,"digest":"","repository":"hello-world","tag":"v1"})"))});
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(out.dropped, std::vector<std::string>{"tag_delete"});
  auto info = store_->getDigest("myregistry", "hello-world", kDigest).value();
  EXPECT_EQ(info->tags, std::vector<std::string>{"latest"});
}

TEST_F(NormalizerTest, Registry3RepositoryDeleteGivesOneDeletePerKnownManifest) {
  runFixture("distribution-2.8.2/03-push-manifest-v1.json");
  runFixture("distribution-2.8.2/17-push-manifest-child-untagged.json");  // multi/arch
  runFixture("distribution-2.8.2/18-push-index-tagged.json");             // multi/arch:1.0
  auto out = run({eventFromJson(
      v3Event("r1", R"({"mediaType":"","size":0,"digest":"","repository":"multi/arch"})"))});
  ASSERT_EQ(out.events.size(), 2u);
  for (const auto& e : out.events) EXPECT_EQ(e.action, "delete");
  EXPECT_NE(out.events[0].id, out.events[1].id);
  EXPECT_TRUE(store_->digestsOf("myregistry", "multi/arch").value().empty());
  auto unknown = run({eventFromJson(v3Event("r2", R"({"repository":"never/seen"})"))});
  ASSERT_EQ(unknown.events.size(), 1u);
  EXPECT_EQ(
      acr::payloadJson(unknown.events[0]).find("\"target\":{\"repository\":\"never/seen\"}") !=
          std::string::npos,
      true);
}

}  // namespace
}  // namespace reghook::distribution

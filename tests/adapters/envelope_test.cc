#include "adapters/distribution/envelope.h"

#include <gtest/gtest.h>

#include "tests/fakes/fixtures.h"

namespace reghook::distribution {
namespace {

TEST(Envelope, ParsesARealEnvelope) {
  auto events = parseEnvelope(testing::fixture("distribution-2.8.2/03-push-manifest-v1.json"));
  ASSERT_TRUE(events.isOk());
  ASSERT_EQ(events.value().size(), 1u);
  EXPECT_EQ(events.value()[0].id, "2c6d7f48-ee17-43f7-b099-c3b78d0d6376");
  EXPECT_EQ(events.value()[0].instance_id, "7d4b1c5f-2a9c-49e2-81ee-df3a04c6ba9d");
  EXPECT_TRUE(events.value()[0].problem.empty());
  auto e = parseEvent(events.value()[0].json, "myregistry");
  ASSERT_TRUE(e.isOk());
  EXPECT_EQ(e->timestamp, "2026-11-25T13:45:42.650682042Z");  // all 9 digits kept
  EXPECT_EQ(e->references.size(), 2u);
}

TEST(Envelope, NotJsonAndNotEnvelopeSayWhich) {
  auto truncated = parseEnvelope("{\"events\": [");
  ASSERT_FALSE(truncated.isOk());
  EXPECT_NE(truncated.status().message().find("not valid JSON"), std::string::npos);
  auto other = parseEnvelope("{\"hello\": 1}");
  ASSERT_FALSE(other.isOk());
  EXPECT_NE(other.status().message().find("not a notification envelope"), std::string::npos);
  EXPECT_FALSE(parseEnvelope("[1,2]").isOk());
}

TEST(Envelope, UnusableEventsAreMarkedNotRejected) {
  auto events = parseEnvelope(
      R"({"events":[{"id":"a","timestamp":"t","action":"replicate","target":{"repository":"r"}},)"
      R"({"timestamp":"t","action":"push","target":{"repository":"r"}},)"
      R"({"id":"c","timestamp":"t","action":"push","target":{}}, 42]})");
  ASSERT_TRUE(events.isOk());
  ASSERT_EQ(events.value().size(), 4u);
  EXPECT_NE(events.value()[0].problem.find("unknown action 'replicate'"), std::string::npos);
  EXPECT_NE(events.value()[1].problem.find("no id"), std::string::npos);
  EXPECT_FALSE(events.value()[1].id.empty());  // a content hash stands in
  EXPECT_NE(events.value()[2].problem.find("no repository"), std::string::npos);
  EXPECT_NE(events.value()[3].problem.find("not a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace reghook::distribution

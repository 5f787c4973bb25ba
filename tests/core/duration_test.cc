#include "core/duration.h"

#include <gtest/gtest.h>

namespace reghook {
namespace {

TEST(Duration, ParsesEveryUnit) {
  EXPECT_EQ(parseDurationMs("250ms").value(), 250);
  EXPECT_EQ(parseDurationMs("0s").value(), 0);
  EXPECT_EQ(parseDurationMs("5s").value(), 5000);
  EXPECT_EQ(parseDurationMs("30m").value(), 1800000);
  EXPECT_EQ(parseDurationMs("10h").value(), 36000000);
}

TEST(Duration, RejectsOtherFormsWithTheAllowedOne) {
  for (const char* bad : {"", "5", "s", "1.5s", "5d", "-1s", "5 s"}) {
    auto d = parseDurationMs(bad);
    ASSERT_FALSE(d.isOk()) << bad;
    EXPECT_NE(d.status().message().find("ms, s, m or h"), std::string::npos);
  }
}

}  // namespace
}  // namespace reghook

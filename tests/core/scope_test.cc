#include "core/scope.h"

#include <gtest/gtest.h>

namespace reghook {
namespace {

struct MatchCase {
  std::string scope, repository, tag;
  std::vector<std::string> tags;
  bool expected;
};

class ScopeMatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(ScopeMatchTest, Matches) {
  const MatchCase& c = GetParam();
  auto scope = Scope::parse(c.scope);
  ASSERT_TRUE(scope.isOk()) << scope.status().message();
  EXPECT_EQ(scope->matches(c.repository, c.tag, c.tags), c.expected)
      << "scope '" << c.scope << "' vs " << c.repository << ":" << c.tag;
}

INSTANTIATE_TEST_SUITE_P(Rules, ScopeMatchTest,
                         ::testing::Values(
                             // "" matches every event of the registry
                             MatchCase{"", "hello-world", "v1", {}, true},
                             MatchCase{"", "a/b/c", "", {}, true},
                             // repo:* matches every tag and untagged events of that repository only
                             MatchCase{"hello-world:*", "hello-world", "v1", {}, true},
                             MatchCase{"hello-world:*", "hello-world", "", {}, true},
                             MatchCase{"hello-world:*", "hello-world2", "v1", {}, false},
                             MatchCase{"hello-world:*", "other/hello-world", "v1", {}, false},
                             // repo:tag
                             MatchCase{"hello-world:v1", "hello-world", "v1", {}, true},
                             MatchCase{"hello-world:v1", "hello-world", "v2", {}, false},
                             MatchCase{"hello-world:v1", "hello-world", "", {}, false},
                             // deletes match through their tags
                             MatchCase{"hello-world:v1", "hello-world", "", {"latest", "v1"}, true},
                             MatchCase{"hello-world:v1", "hello-world", "", {"latest"}, false},
                             // repo alone means repo:latest (ACR)
                             MatchCase{"hello-world", "hello-world", "latest", {}, true},
                             MatchCase{"hello-world", "hello-world", "v1", {}, false},
                             // case-sensitive repository names
                             MatchCase{"hello-world:*", "Hello-World", "v1", {}, false},
                             // wildcards (extension)
                             MatchCase{"samples/*:*", "samples/a", "v1", {}, true},
                             MatchCase{"samples/*:*", "samples/a/b", "", {}, true},
                             MatchCase{"samples/*:*", "samplesx/a", "v1", {}, false},
                             MatchCase{"app:v1.*", "app", "v1.2.3", {}, true},
                             MatchCase{"app:v1.*", "app", "v2.0", {}, false},
                             MatchCase{"*:latest", "any/repo", "latest", {}, true},
                             MatchCase{"*:latest", "any/repo", "", {"v1", "latest"}, true}));

TEST(ScopeParse, RejectsBadScopesWithTheExpectedForm) {
  for (const std::string& bad :
       std::vector<std::string>{"Hello:v1", "repo:", ":v1", "repo:tag:x", "repo//x:v1", "repo:-bad",
                                "repo name:v1", "repo:" + std::string(129, 'a')}) {
    auto scope = Scope::parse(bad);
    ASSERT_FALSE(scope.isOk()) << bad;
    EXPECT_EQ(scope.status().target(), "scope");
    EXPECT_NE(scope.status().message().find("repository:tag"), std::string::npos)
        << scope.status().message();
  }
}

TEST(ScopeIndex, CandidatesAreExactRepositoryPlusGeneralScopesInOrder) {
  std::vector<Scope> scopes;
  for (const char* s : {"a:*", "", "b:v1", "x/*:*", "a:v2"})
    scopes.push_back(Scope::parse(s).value());
  std::vector<const Scope*> ptrs;
  for (const auto& s : scopes) ptrs.push_back(&s);
  ScopeIndex index(ptrs);
  std::vector<size_t> out;
  index.candidates("a", out);
  EXPECT_EQ(out, (std::vector<size_t>{0, 1, 3, 4}));
  out.clear();
  index.candidates("zzz", out);
  EXPECT_EQ(out, (std::vector<size_t>{1, 3}));
}

TEST(GlobMatch, StarMatchesAnyRun) {
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_TRUE(globMatch("a*c", "abbbc"));
  EXPECT_TRUE(globMatch("a*b*c", "a/b/c"));
  EXPECT_FALSE(globMatch("a*c", "abd"));
  EXPECT_FALSE(globMatch("abc", "ab"));
}

}  // namespace
}  // namespace reghook

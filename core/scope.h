// Scope: which events of a registry a webhook receives (SPEC §5), parsed once and matched per
// event; ScopeIndex narrows many webhooks to the few whose scope can match a repository.
// Both are immutable after construction and safe to share between threads.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace reghook {

class Scope {
 public:
  // "" (everything), "repo", "repo:tag", "repo:*"; '*' matches any run of characters in the
  // repository and the tag. kInvalid (target "scope") says what is wrong and the expected form.
  static Result<Scope> parse(const std::string& text);

  // tag is empty for events without one; tags is the list a delete carries (may be empty).
  bool matches(const std::string& repository, const std::string& tag,
               const std::vector<std::string>& tags) const;

  const std::string& text() const { return text_; }
  bool matchesAll() const { return all_; }
  // True when the repository part has no '*': the index files it under that exact name.
  bool hasExactRepository() const { return !all_ && repository_.find('*') == std::string::npos; }
  const std::string& repository() const { return repository_; }

 private:
  std::string text_;
  bool all_ = true;
  std::string repository_;
  std::string tag_;  // "*" matches events without a tag too
};

// Glob match where '*' matches any run of characters (including '/').
bool globMatch(const std::string& pattern, const std::string& text);

// Maps a repository to the positions (in the vector given to the constructor) of the scopes that
// can match it: those with that exact repository plus those that match all or use '*'.
class ScopeIndex {
 public:
  ScopeIndex() = default;
  explicit ScopeIndex(const std::vector<const Scope*>& scopes);
  // Appends candidate positions to out, in ascending order.
  void candidates(const std::string& repository, std::vector<size_t>& out) const;

 private:
  std::unordered_map<std::string, std::vector<size_t>> exact_;
  std::vector<size_t> general_;
};

}  // namespace reghook

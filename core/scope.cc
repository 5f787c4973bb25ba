#include "core/scope.h"

#include <algorithm>
#include <regex>

namespace reghook {
namespace {

const char kScopeForm[] =
    "expected \"repository\", \"repository:tag\" or \"repository:*\" (or \"\" for every event), "
    "where the repository is lower-case path components such as \"team/app\", and '*' may stand "
    "for any run of characters (\"team/*:v1.*\")";

bool validRepository(const std::string& repo) {
  // distribution's reference grammar for a path component, with '*' allowed as a character.
  static const std::regex kComponent("[a-z0-9*]+(?:(?:[._]|__|[-]*)[a-z0-9*]+)*");
  if (repo.empty() || repo.size() > 255) return false;
  size_t start = 0;
  while (true) {
    size_t slash = repo.find('/', start);
    std::string part =
        repo.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!std::regex_match(part, kComponent)) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

bool validTag(const std::string& tag) {
  static const std::regex kTag("[\\w*][\\w.*-]{0,127}");
  return std::regex_match(tag, kTag);
}

}  // namespace

bool globMatch(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<Scope> Scope::parse(const std::string& text) {
  Scope scope;
  scope.text_ = text;
  if (text.empty()) return scope;
  scope.all_ = false;
  const size_t colon = text.find(':');
  scope.repository_ = text.substr(0, colon);
  scope.tag_ = colon == std::string::npos ? "latest" : text.substr(colon + 1);
  if (!validRepository(scope.repository_)) {
    return Status::invalid("InvalidScope", "scope",
                           "scope '" + text + "' has an invalid repository '" + scope.repository_ +
                               "'; " + kScopeForm);
  }
  if (!validTag(scope.tag_)) {
    return Status::invalid("InvalidScope", "scope",
                           "scope '" + text + "' has an invalid tag '" + scope.tag_ +
                               "' (letters, digits, '_', '.', '-', '*', at most 128); " +
                               kScopeForm);
  }
  return scope;
}

bool Scope::matches(const std::string& repository, const std::string& tag,
                    const std::vector<std::string>& tags) const {
  if (all_) return true;
  if (!globMatch(repository_, repository)) return false;
  if (tag_ == "*") return true;
  if (!tag.empty() && globMatch(tag_, tag)) return true;
  return std::any_of(tags.begin(), tags.end(),
                     [this](const std::string& t) { return globMatch(tag_, t); });
}

ScopeIndex::ScopeIndex(const std::vector<const Scope*>& scopes) {
  for (size_t i = 0; i < scopes.size(); ++i) {
    if (scopes[i]->hasExactRepository()) {
      exact_[scopes[i]->repository()].push_back(i);
    } else {
      general_.push_back(i);
    }
  }
}

void ScopeIndex::candidates(const std::string& repository, std::vector<size_t>& out) const {
  const size_t begin = out.size();
  out.insert(out.end(), general_.begin(), general_.end());
  auto it = exact_.find(repository);
  if (it != exact_.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
    std::inplace_merge(out.begin() + begin, out.begin() + begin + general_.size(), out.end());
  }
}

}  // namespace reghook

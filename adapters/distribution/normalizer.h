// Normalizer: turns the registry's events into ACR events (SPEC §3), reading the digest index
// from the Store and returning the index changes to commit with the result. Changes not yet
// committed are kept in an overlay that later reads see, so many groups can be normalized into
// one commit; call committed() once they are in the store. Not thread-safe: one normalizer runs
// per process, in inbox order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/store.h"

namespace reghook::distribution {

struct Normalized {
  std::vector<AcrEvent> events;
  std::vector<IndexChange> changes;
  std::vector<std::string> dropped;  // one reason per dropped event: "blob", "mount", "head", ...
};

// A delete by digest (no tag): held until the tag deletes of its request have arrived.
bool isDigestDelete(const UpstreamEvent& e);
// A delete of a tag (no digest): joins the digest delete of the same request, if any.
bool isTagDelete(const UpstreamEvent& e);

// The ACR event id for the n-th ACR event of an upstream event: stable across replays.
std::string acrEventId(const std::string& registry, const std::string& upstream_id,
                       const std::string& action);

class Normalizer {
 public:
  explicit Normalizer(Store& store) : store_(store) {}

  // group is one event, or a digest delete followed by the tag deletes of its request.
  Result<Normalized> normalize(const std::vector<UpstreamEvent>& group);
  // The changes returned so far are in the store (or were dropped): forget the overlay.
  void committed();

 private:
  Result<std::optional<DigestInfo>> getDigest(const UpstreamEvent& e, const std::string& digest);
  Result<std::optional<std::string>> digestOfTag(const UpstreamEvent& e, const std::string& tag);
  Result<std::vector<std::pair<std::string, DigestInfo>>> digestsOf(const UpstreamEvent& e);
  void record(Normalized& out, IndexChange change);
  Status push(const UpstreamEvent& e, Normalized& out);
  Status deleteDigest(const std::vector<UpstreamEvent>& group, Normalized& out);
  Status deleteTag(const UpstreamEvent& e, Normalized& out);
  Status deleteRepository(const UpstreamEvent& e, Normalized& out);

  Store& store_;
  // Uncommitted index state; nullopt records a deletion. Keys: registry '\0' repo '\0' digest|tag.
  std::map<std::string, std::optional<DigestInfo>> digests_;
  std::map<std::string, std::optional<std::string>> tags_;
};

}  // namespace reghook::distribution

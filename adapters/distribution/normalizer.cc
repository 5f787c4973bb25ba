#include "adapters/distribution/normalizer.h"

#include <Poco/UUIDGenerator.h>

#include <algorithm>

namespace reghook::distribution {
namespace {

const char kHelmConfig[] = "application/vnd.cncf.helm.config.v1+json";

bool isBlob(const UpstreamEvent& e) {
  return e.media_type == "application/octet-stream" || e.url.find("/blobs/") != std::string::npos;
}

bool isManifest(const UpstreamEvent& e) {
  static const std::vector<std::string> kTypes = {
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.oci.artifact.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.distribution.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v1+prettyjws"};
  return e.url.find("/manifests/") != std::string::npos ||
         std::find(kTypes.begin(), kTypes.end(), e.media_type) != kTypes.end();
}

bool isChart(const UpstreamEvent& e) {
  return std::any_of(e.references.begin(), e.references.end(),
                     [](const Reference& r) { return r.media_type == kHelmConfig; });
}

std::string lastSegment(const std::string& repository) {
  const size_t slash = repository.rfind('/');
  return slash == std::string::npos ? repository : repository.substr(slash + 1);
}

AcrEvent baseEvent(const UpstreamEvent& e, const std::string& action) {
  AcrEvent a;
  a.id = acrEventId(e.registry, e.id, action);
  a.timestamp = e.timestamp;
  a.action = action;
  a.request = AcrRequest{e.request_id, e.request_host, e.request_method, e.request_useragent};
  return a;
}

void addUnique(std::vector<std::string>& tags, const std::string& tag) {
  if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
}

void removeTag(std::vector<std::string>& tags, const std::string& tag) {
  tags.erase(std::remove(tags.begin(), tags.end(), tag), tags.end());
}

IndexChange change(IndexChange::Kind kind, const UpstreamEvent& e, const std::string& digest,
                   const std::string& tag, DigestInfo info = {}) {
  return IndexChange{kind, e.registry, e.repository, digest, tag, std::move(info)};
}

std::string overlayKey(const std::string& registry, const std::string& repository,
                       const std::string& name) {
  return registry + std::string(1, '\0') + repository + std::string(1, '\0') + name;
}

}  // namespace

bool isDigestDelete(const UpstreamEvent& e) {
  return e.action == "delete" && !e.digest.empty() && e.tag.empty();
}

bool isTagDelete(const UpstreamEvent& e) {
  return e.action == "delete" && e.digest.empty() && !e.tag.empty();
}

std::string acrEventId(const std::string& registry, const std::string& upstream_id,
                       const std::string& action) {
  static Poco::UUIDGenerator generator;
  return generator.createFromName(Poco::UUID::oid(), registry + "/" + upstream_id + "/" + action)
      .toString();
}

void Normalizer::committed() {
  digests_.clear();
  tags_.clear();
}

void Normalizer::record(Normalized& out, IndexChange c) {
  const std::string key = overlayKey(
      c.registry, c.repository,
      c.kind == IndexChange::Kind::kPutTag || c.kind == IndexChange::Kind::kDeleteTag ? c.tag
                                                                                      : c.digest);
  switch (c.kind) {
    case IndexChange::Kind::kPutDigest:
      digests_[key] = c.info;
      break;
    case IndexChange::Kind::kDeleteDigest:
      digests_[key] = std::nullopt;
      break;
    case IndexChange::Kind::kPutTag:
      tags_[key] = c.digest;
      break;
    case IndexChange::Kind::kDeleteTag:
      tags_[key] = std::nullopt;
      break;
  }
  out.changes.push_back(std::move(c));
}

Result<std::optional<DigestInfo>> Normalizer::getDigest(const UpstreamEvent& e,
                                                        const std::string& digest) {
  auto it = digests_.find(overlayKey(e.registry, e.repository, digest));
  if (it != digests_.end()) return it->second;
  return store_.getDigest(e.registry, e.repository, digest);
}

Result<std::optional<std::string>> Normalizer::digestOfTag(const UpstreamEvent& e,
                                                           const std::string& tag) {
  auto it = tags_.find(overlayKey(e.registry, e.repository, tag));
  if (it != tags_.end()) return it->second;
  return store_.digestOfTag(e.registry, e.repository, tag);
}

Result<std::vector<std::pair<std::string, DigestInfo>>> Normalizer::digestsOf(
    const UpstreamEvent& e) {
  auto stored = store_.digestsOf(e.registry, e.repository);
  if (!stored.isOk()) return stored;
  std::map<std::string, DigestInfo> merged(stored.value().begin(), stored.value().end());
  const std::string prefix = overlayKey(e.registry, e.repository, "");
  for (auto it = digests_.lower_bound(prefix);
       it != digests_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    const std::string digest = it->first.substr(prefix.size());
    if (it->second)
      merged[digest] = *it->second;
    else
      merged.erase(digest);
  }
  return std::vector<std::pair<std::string, DigestInfo>>(merged.begin(), merged.end());
}

Result<Normalized> Normalizer::normalize(const std::vector<UpstreamEvent>& group) {
  Normalized out;
  if (group.empty()) return out;
  const UpstreamEvent& e = group.front();
  Status status;
  if (e.action == "mount") {
    out.dropped.push_back("mount");
  } else if (e.action == "push") {
    if (isBlob(e))
      out.dropped.push_back("blob");
    else if (!isManifest(e))
      out.dropped.push_back("unknown_media_type");
    else
      status = push(e, out);
  } else if (e.action == "pull") {
    if (isBlob(e)) {
      out.dropped.push_back("blob");
    } else if (e.request_method == "HEAD") {
      out.dropped.push_back("head");
    } else if (e.request_method != "GET" || !isManifest(e)) {
      out.dropped.push_back("unknown_media_type");
    } else {
      AcrEvent a = baseEvent(e, "pull");
      a.target = AcrTarget{e.media_type, e.size, e.digest, e.length,    e.repository,
                           e.tag,        "",     "",       std::nullopt};
      out.events.push_back(std::move(a));
    }
  } else if (isDigestDelete(e)) {
    status = deleteDigest(group, out);
  } else if (isTagDelete(e)) {
    status = deleteTag(e, out);
  } else if (e.action == "delete") {
    status = deleteRepository(e, out);
  }
  if (!status.isOk()) return status;
  return out;
}

Status Normalizer::push(const UpstreamEvent& e, Normalized& out) {
  const bool chart = isChart(e);
  AcrEvent a = baseEvent(e, "push");
  a.target = AcrTarget{e.media_type, e.size, e.digest, e.length,    e.repository,
                       e.tag,        "",     "",       std::nullopt};
  out.events.push_back(a);
  if (chart) {
    AcrEvent c = baseEvent(e, "chart_push");
    c.target = a.target;
    c.target->name = lastSegment(e.repository);
    c.target->version = e.tag;
    out.events.push_back(std::move(c));
  }

  auto known = getDigest(e, e.digest);
  if (!known.isOk()) return known.status();
  DigestInfo info = known.value().value_or(DigestInfo{});
  info.media_type = e.media_type;
  info.size = e.size.value_or(info.size);
  info.chart = info.chart || chart;
  if (!e.tag.empty()) {
    auto previous = digestOfTag(e, e.tag);
    if (!previous.isOk()) return previous.status();
    if (previous.value() && *previous.value() != e.digest) {
      // The tag moved: it leaves the digest it pointed at.
      auto old = getDigest(e, *previous.value());
      if (!old.isOk()) return old.status();
      if (old.value()) {
        DigestInfo old_info = *old.value();
        removeTag(old_info.tags, e.tag);
        record(out, change(IndexChange::Kind::kPutDigest, e, *previous.value(), "", old_info));
      }
    }
    addUnique(info.tags, e.tag);
    record(out, change(IndexChange::Kind::kPutTag, e, e.digest, e.tag));
  }
  record(out, change(IndexChange::Kind::kPutDigest, e, e.digest, "", info));
  return Status::ok();
}

Status Normalizer::deleteDigest(const std::vector<UpstreamEvent>& group, Normalized& out) {
  const UpstreamEvent& e = group.front();
  auto known = getDigest(e, e.digest);
  if (!known.isOk()) return known.status();
  DigestInfo info = known.value().value_or(DigestInfo{});
  for (size_t i = 1; i < group.size(); ++i) addUnique(info.tags, group[i].tag);

  AcrEvent a = baseEvent(e, "delete");
  AcrTarget target;
  target.media_type = !e.media_type.empty() ? e.media_type : info.media_type;
  target.digest = e.digest;
  target.repository = e.repository;
  if (!info.tags.empty()) target.tags = info.tags;
  a.target = target;
  out.events.push_back(a);
  if (info.chart) {
    AcrEvent c = baseEvent(e, "chart_delete");
    c.target = target;
    c.target->name = lastSegment(e.repository);
    if (!info.tags.empty()) c.target->version = info.tags.front();
    out.events.push_back(std::move(c));
  }
  for (const auto& tag : info.tags) {
    auto pointed = digestOfTag(e, tag);
    if (!pointed.isOk()) return pointed.status();
    if (pointed.value() && *pointed.value() == e.digest) {
      record(out, change(IndexChange::Kind::kDeleteTag, e, "", tag));
    }
  }
  if (known.value()) record(out, change(IndexChange::Kind::kDeleteDigest, e, e.digest, ""));
  for (size_t i = 1; i < group.size(); ++i) out.dropped.push_back("tag_delete");
  return Status::ok();
}

Status Normalizer::deleteTag(const UpstreamEvent& e, Normalized& out) {
  out.dropped.push_back("tag_delete");
  auto digest = digestOfTag(e, e.tag);
  if (!digest.isOk()) return digest.status();
  if (!digest.value()) return Status::ok();
  record(out, change(IndexChange::Kind::kDeleteTag, e, "", e.tag));
  auto info = getDigest(e, *digest.value());
  if (!info.isOk()) return info.status();
  if (info.value()) {
    DigestInfo updated = *info.value();
    removeTag(updated.tags, e.tag);
    record(out, change(IndexChange::Kind::kPutDigest, e, *digest.value(), "", updated));
  }
  return Status::ok();
}

Status Normalizer::deleteRepository(const UpstreamEvent& e, Normalized& out) {
  auto digests = digestsOf(e);
  if (!digests.isOk()) return digests.status();
  if (digests.value().empty()) {
    AcrEvent a = baseEvent(e, "delete");
    AcrTarget target;
    target.repository = e.repository;
    a.target = target;
    out.events.push_back(std::move(a));
    return Status::ok();
  }
  for (const auto& [digest, info] : digests.value()) {
    UpstreamEvent per_digest = e;
    per_digest.id = e.id + "/" + digest;
    per_digest.digest = digest;
    Status s = deleteDigest({per_digest}, out);
    if (!s.isOk()) return s;
  }
  return Status::ok();
}

}  // namespace reghook::distribution

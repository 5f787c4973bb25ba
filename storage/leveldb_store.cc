#include "storage/leveldb_store.h"

#include <leveldb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "storage/records.h"

namespace reghook {
namespace {

std::string pad(uint64_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llu", width, static_cast<unsigned long long>(n));
  return buf;
}

std::string inboxKey(uint64_t seq) { return "i/" + pad(seq, 20); }
std::string dedupeKey(const std::string& registry, const std::string& id) {
  return "u/" + registry + "/" + id;
}
std::string digestKey(const std::string& registry, const std::string& repo,
                      const std::string& digest) {
  return "d/" + registry + "/" + repo + std::string(1, '\0') + digest;
}
std::string tagKey(const std::string& registry, const std::string& repo, const std::string& tag) {
  return "t/" + registry + "/" + repo + std::string(1, '\0') + tag;
}
std::string webhookKey(const Webhook& w) { return "w/" + w.registry + "/" + w.name; }
std::string jobKey(const std::string& webhook_id, const std::string& event_id) {
  return "j/" + webhook_id + "/" + event_id;
}
// The payload of the job stored under job_key ("j/..." -> "p/...").
std::string payloadKey(const std::string& job_key) { return "p" + job_key.substr(1); }

// A job's state without its payload, which is stored apart so that start-up reads little.
std::string encodeState(Job job) {
  job.payload.clear();
  return records::encode(job);
}
std::string logSuffix(int64_t created_ms, const std::string& event_id) {
  return pad(static_cast<uint64_t>(created_ms), 13) + "/" + event_id;
}
std::string logKey(const LogEntry& e) {
  return "l/" + e.webhook_id + "/" + logSuffix(e.created_ms, e.event_id);
}
std::string logIndexKey(const std::string& webhook_id, const std::string& event_id) {
  return "x/" + webhook_id + "/" + event_id;
}
// A log entry and its index by event id.
void putLogEntry(leveldb::WriteBatch& batch, const LogEntry& e) {
  batch.Put(logKey(e), e.json);
  batch.Put(logIndexKey(e.webhook_id, e.event_id), logSuffix(e.created_ms, e.event_id));
}

Status fromLeveldb(const leveldb::Status& s, const std::string& what) {
  if (s.ok()) return Status::ok();
  return Status::unavailable("database error while " + what + ": " + s.ToString());
}

// Iterates keys under prefix from newest to oldest, starting strictly before prefix+start_after
// when given; fn returns false to stop.
void reverseScan(leveldb::DB& db, const std::string& prefix, const std::string& start_before,
                 const std::function<bool(const leveldb::Slice&, const leveldb::Slice&)>& fn) {
  std::unique_ptr<leveldb::Iterator> it(db.NewIterator(leveldb::ReadOptions()));
  if (start_before.empty()) {
    it->Seek(prefix + "\xff");
    if (it->Valid())
      it->Prev();
    else
      it->SeekToLast();
  } else {
    it->Seek(prefix + start_before);
    if (it->Valid())
      it->Prev();
    else
      it->SeekToLast();
  }
  for (; it->Valid() && it->key().starts_with(prefix); it->Prev()) {
    if (!fn(it->key(), it->value())) break;
  }
}

}  // namespace

LeveldbStore::LeveldbStore(std::unique_ptr<const leveldb::FilterPolicy> filter, leveldb::DB* db,
                           const Clock& clock)
    : filter_(std::move(filter)), db_(db), clock_(clock) {}
LeveldbStore::~LeveldbStore() = default;

Result<std::unique_ptr<LeveldbStore>> LeveldbStore::open(const std::string& dir, const Clock& clock,
                                                         leveldb::Env* env) {
  leveldb::Options options;
  options.create_if_missing = true;
  // Most reads look for keys that are not there (a new event id, a digest never seen): a bloom
  // filter answers those without reading table blocks.
  std::unique_ptr<const leveldb::FilterPolicy> filter(leveldb::NewBloomFilterPolicy(10));
  options.filter_policy = filter.get();
  options.write_buffer_size = 64 << 20;
  if (env) {
    options.env = env;
  } else {
    std::error_code ignored;  // Open reports the failure, if any, with a clearer message
    std::filesystem::create_directories(dir, ignored);
  }
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    return Status::unavailable("cannot open the database in '" + dir + "': " + s.ToString());
  }
  std::unique_ptr<LeveldbStore> store(new LeveldbStore(std::move(filter), db, clock));
  Status init = store->init();
  if (!init.isOk()) return init;
  return store;
}

Status LeveldbStore::init() {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  size_t count = 0;
  uint64_t last = 0;
  for (it->Seek("i/"); it->Valid() && it->key().starts_with("i/"); it->Next()) {
    ++count;
    last = std::stoull(it->key().ToString().substr(2));
  }
  backlog_ = count;
  next_seq_ = last + 1;
  return fromLeveldb(it->status(), "reading the inbox");
}

Result<std::optional<std::string>> LeveldbStore::get(const std::string& key) {
  std::string value;
  leveldb::Status s = db_->Get(leveldb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return fromLeveldb(s, "reading");
  return std::optional<std::string>(std::move(value));
}

Status LeveldbStore::write(leveldb::WriteBatch& batch, bool sync) {
  leveldb::WriteOptions options;
  options.sync = sync;
  return fromLeveldb(db_->Write(options, &batch), "writing");
}

void LeveldbStore::deletePrefix(const std::string& prefix, leveldb::WriteBatch& batch) {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    batch.Delete(it->key());
  }
}

Result<size_t> LeveldbStore::appendInbox(const std::string& registry,
                                         const std::vector<InboxItem>& items,
                                         const std::vector<DeadLetter>& dead_letters) {
  // Lock the stripes of every id, in index order (no deadlock), for check + write.
  std::vector<size_t> stripes;
  for (const auto& item : items) stripes.push_back(std::hash<std::string>()(item.event_id) % 1024);
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  std::vector<std::unique_lock<std::mutex>> locks;
  for (size_t s : stripes) locks.emplace_back(dedupe_mutex_[s]);

  std::vector<const InboxItem*> fresh;
  for (const auto& item : items) {
    auto seen = get(dedupeKey(registry, item.event_id));
    if (!seen.isOk()) return seen.status();
    bool repeated = seen.value().has_value();
    for (const auto* f : fresh) repeated = repeated || f->event_id == item.event_id;
    if (!repeated) fresh.push_back(&item);
  }
  if (fresh.empty() && dead_letters.empty()) return size_t{0};

  uint64_t first = 0;
  {
    std::lock_guard<std::mutex> lock(seq_mutex_);
    first = next_seq_;
    next_seq_ += fresh.size();
    for (size_t i = 0; i < fresh.size(); ++i) writing_.insert(first + i);
  }
  leveldb::WriteBatch batch;
  for (size_t i = 0; i < fresh.size(); ++i) {
    batch.Put(inboxKey(first + i), registry + std::string(1, '\0') + fresh[i]->event_json);
    batch.Put(dedupeKey(registry, fresh[i]->event_id),
              pad(static_cast<uint64_t>(clock_.nowMs()), 13));
  }
  for (const auto& d : dead_letters) {
    batch.Put(
        "z/" + d.registry + "/" + pad(static_cast<uint64_t>(d.received_ms), 13) + "/" + d.event_id,
        records::encode(d));
  }
  Status s = write(batch, true);
  {
    std::lock_guard<std::mutex> lock(seq_mutex_);
    for (size_t i = 0; i < fresh.size(); ++i) writing_.erase(writing_.find(first + i));
  }
  if (!s.isOk()) return s;
  backlog_ += fresh.size();
  return fresh.size();
}

Result<size_t> LeveldbStore::forgetEventIds(int64_t received_before_ms) {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  leveldb::WriteBatch batch;
  size_t deleted = 0;
  for (it->Seek("u/"); it->Valid() && it->key().starts_with("u/"); it->Next()) {
    const std::string received = it->value().ToString();
    // Ids stored before the time was recorded have an empty value: they go too.
    if (received.empty() || std::stoll(received) < received_before_ms) {
      batch.Delete(it->key());
      if (++deleted % 10000 == 0) {
        Status s = write(batch, false);
        if (!s.isOk()) return s;
        batch.Clear();
      }
    }
  }
  if (!it->status().ok()) return fromLeveldb(it->status(), "reading event ids");
  Status s = write(batch, false);
  if (!s.isOk()) return s;
  return deleted;
}

Result<size_t> LeveldbStore::forgetDeadLetters(int64_t received_before_ms) {
  // z/<registry>/<ms:13>/<id>: within a registry the keys sort by time.
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  const std::string cutoff =
      pad(static_cast<uint64_t>(std::max<int64_t>(received_before_ms, 0)), 13);
  leveldb::WriteBatch batch;
  size_t deleted = 0;
  for (it->Seek("z/"); it->Valid() && it->key().starts_with("z/"); it->Next()) {
    const std::string key = it->key().ToString();
    const size_t slash = key.find('/', 2);
    if (slash != std::string::npos && key.compare(slash + 1, 13, cutoff) < 0) {
      batch.Delete(it->key());
      ++deleted;
    }
  }
  if (!it->status().ok()) return fromLeveldb(it->status(), "reading dead letters");
  if (deleted == 0) return size_t{0};
  Status s = write(batch, false);
  if (!s.isOk()) return s;
  return deleted;
}

Result<std::vector<InboxEntry>> LeveldbStore::readInbox(uint64_t after_seq, size_t max) {
  uint64_t limit;
  {
    std::lock_guard<std::mutex> lock(seq_mutex_);
    limit = writing_.empty() ? next_seq_ : *writing_.begin();
  }
  std::vector<InboxEntry> out;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(inboxKey(after_seq + 1));
       it->Valid() && it->key().starts_with("i/") && out.size() < max; it->Next()) {
    InboxEntry e;
    e.seq = std::stoull(it->key().ToString().substr(2));
    if (e.seq >= limit) break;
    std::string value = it->value().ToString();
    size_t sep = value.find('\0');
    e.registry = value.substr(0, sep);
    e.event_json = value.substr(sep + 1);
    out.push_back(std::move(e));
  }
  if (!it->status().ok()) return fromLeveldb(it->status(), "reading the inbox");
  return out;
}

Result<Page<DeadLetter>> LeveldbStore::listDeadLetters(const std::string& registry, size_t top,
                                                       const std::string& skip_token) {
  Page<DeadLetter> page;
  const std::string prefix = "z/" + registry + "/";
  Status status;
  bool more = false;
  reverseScan(*db_, prefix, skip_token, [&](const leveldb::Slice& key, const leveldb::Slice& v) {
    if (page.items.size() == top) {
      more = true;
      return false;
    }
    auto d = records::decodeDeadLetter(v.ToString());
    if (!d.isOk()) {
      status = d.status();
      return false;
    }
    page.items.push_back(d.value());
    page.next_token = key.ToString().substr(prefix.size());
    return true;
  });
  if (!status.isOk()) return status;
  if (!more) page.next_token.clear();
  return page;
}

Result<std::optional<DigestInfo>> LeveldbStore::getDigest(const std::string& registry,
                                                          const std::string& repository,
                                                          const std::string& digest) {
  auto raw = get(digestKey(registry, repository, digest));
  if (!raw.isOk()) return raw.status();
  if (!raw.value()) return std::optional<DigestInfo>();
  auto info = records::decodeDigestInfo(*raw.value());
  if (!info.isOk()) return info.status();
  return std::optional<DigestInfo>(info.value());
}

Result<std::optional<std::string>> LeveldbStore::digestOfTag(const std::string& registry,
                                                             const std::string& repository,
                                                             const std::string& tag) {
  return get(tagKey(registry, repository, tag));
}

Result<std::vector<std::pair<std::string, DigestInfo>>> LeveldbStore::digestsOf(
    const std::string& registry, const std::string& repository) {
  std::vector<std::pair<std::string, DigestInfo>> out;
  const std::string prefix = digestKey(registry, repository, "");
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto info = records::decodeDigestInfo(it->value().ToString());
    if (!info.isOk()) return info.status();
    out.emplace_back(it->key().ToString().substr(prefix.size()), info.value());
  }
  return out;
}

Status LeveldbStore::commitNormalized(NormalizedBatch& nb) {
  leveldb::WriteBatch batch;
  for (uint64_t seq : nb.consumed_seqs) batch.Delete(inboxKey(seq));
  for (const auto& c : nb.index_changes) {
    switch (c.kind) {
      case IndexChange::Kind::kPutDigest:
        batch.Put(digestKey(c.registry, c.repository, c.digest), records::encode(c.info));
        break;
      case IndexChange::Kind::kDeleteDigest:
        batch.Delete(digestKey(c.registry, c.repository, c.digest));
        break;
      case IndexChange::Kind::kPutTag:
        batch.Put(tagKey(c.registry, c.repository, c.tag), c.digest);
        break;
      case IndexChange::Kind::kDeleteTag:
        batch.Delete(tagKey(c.registry, c.repository, c.tag));
        break;
    }
  }
  std::vector<Job> kept_jobs;
  std::vector<LogEntry> kept_logs;
  {
    std::lock_guard<std::mutex> lock(webhook_mutex_);
    for (size_t i = 0; i < nb.jobs.size(); ++i) {
      Job& job = nb.jobs[i];
      if (deleted_webhooks_.count(job.webhook_id)) continue;
      auto existing = get(logIndexKey(job.webhook_id, job.event_id));
      if (!existing.isOk()) return existing.status();
      if (existing.value()) continue;  // replayed after a crash: already fanned out
      job.key = jobKey(job.webhook_id, job.event_id);
      batch.Put(job.key, encodeState(job));
      batch.Put(payloadKey(job.key), job.payload);
      const LogEntry& log = nb.job_logs[i];
      putLogEntry(batch, log);
      kept_jobs.push_back(job);
      kept_logs.push_back(log);
    }
    Status s = write(batch, false);
    if (!s.isOk()) return s;
  }
  nb.jobs = std::move(kept_jobs);
  nb.job_logs = std::move(kept_logs);
  backlog_ -= std::min(backlog_.load(), nb.consumed_seqs.size());
  return Status::ok();
}

Result<std::vector<Webhook>> LeveldbStore::listWebhooks() {
  std::vector<Webhook> out;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek("w/"); it->Valid() && it->key().starts_with("w/"); it->Next()) {
    auto w = records::decodeWebhook(it->value().ToString());
    if (!w.isOk()) return w.status();
    out.push_back(w.value());
  }
  if (!it->status().ok()) return fromLeveldb(it->status(), "listing webhooks");
  return out;
}

Status LeveldbStore::putWebhook(const Webhook& webhook) {
  leveldb::WriteBatch batch;
  batch.Put(webhookKey(webhook), records::encode(webhook));
  return write(batch, true);
}

Status LeveldbStore::deleteWebhook(const Webhook& webhook) {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  deleted_webhooks_.insert(webhook.id);
  leveldb::WriteBatch batch;
  batch.Delete(webhookKey(webhook));
  for (const char* kind : {"j/", "p/", "l/", "x/"}) deletePrefix(kind + webhook.id + "/", batch);
  return write(batch, true);
}

Status LeveldbStore::scanJobs(const std::function<void(Job&&)>& visit) {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek("j/"); it->Valid() && it->key().starts_with("j/"); it->Next()) {
    auto job = records::decodeJob(it->value().ToString());
    if (!job.isOk()) return job.status();
    job->key = it->key().ToString();
    visit(std::move(job.value()));
  }
  return fromLeveldb(it->status(), "loading jobs");
}

Result<Job> LeveldbStore::getJob(const std::string& key) {
  auto raw = get(key);
  if (!raw.isOk()) return raw.status();
  if (!raw.value()) return Status::notFound("job " + key + " is gone");
  auto job = records::decodeJob(*raw.value());
  if (!job.isOk()) return job;
  job->key = key;
  auto payload = get(payloadKey(key));
  if (!payload.isOk()) return payload.status();
  job->payload = payload.value().value_or("");
  return job;
}

Status LeveldbStore::recordAttempt(const Job& job, const LogEntry& entry, bool done) {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  if (deleted_webhooks_.count(job.webhook_id)) return Status::notFound("webhook was deleted");
  leveldb::WriteBatch batch;
  putLogEntry(batch, entry);
  if (done) {
    batch.Delete(job.key);
    batch.Delete(payloadKey(job.key));
  } else {
    batch.Put(job.key, encodeState(job));
  }
  return write(batch, false);
}

Status LeveldbStore::putJob(Job& job) {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  if (deleted_webhooks_.count(job.webhook_id)) return Status::notFound("webhook was deleted");
  job.key = jobKey(job.webhook_id, job.event_id);
  leveldb::WriteBatch batch;
  batch.Put(job.key, encodeState(job));
  batch.Put(payloadKey(job.key), job.payload);
  return write(batch, true);
}

Status LeveldbStore::putLog(const LogEntry& entry) {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  if (deleted_webhooks_.count(entry.webhook_id)) return Status::notFound("webhook was deleted");
  leveldb::WriteBatch batch;
  putLogEntry(batch, entry);
  return write(batch, false);
}

Result<Page<LogEntry>> LeveldbStore::listLog(const std::string& webhook_id, size_t top,
                                             const std::string& skip_token) {
  Page<LogEntry> page;
  const std::string prefix = "l/" + webhook_id + "/";
  bool more = false;
  reverseScan(*db_, prefix, skip_token, [&](const leveldb::Slice& key, const leveldb::Slice& v) {
    if (page.items.size() == top) {
      more = true;
      return false;
    }
    const std::string suffix = key.ToString().substr(prefix.size());
    LogEntry e;
    e.webhook_id = webhook_id;
    e.created_ms = std::stoll(suffix.substr(0, 13));
    e.event_id = suffix.substr(14);
    e.json = v.ToString();
    page.items.push_back(std::move(e));
    page.next_token = suffix;
    return true;
  });
  if (!more) page.next_token.clear();
  return page;
}

Result<std::optional<LogEntry>> LeveldbStore::findLog(const std::string& webhook_id,
                                                      const std::string& event_id) {
  auto suffix = get(logIndexKey(webhook_id, event_id));
  if (!suffix.isOk()) return suffix.status();
  if (!suffix.value()) return std::optional<LogEntry>();
  auto json = get("l/" + webhook_id + "/" + *suffix.value());
  if (!json.isOk()) return json.status();
  if (!json.value()) return std::optional<LogEntry>();
  LogEntry e;
  e.webhook_id = webhook_id;
  e.event_id = event_id;
  e.created_ms = std::stoll(suffix.value()->substr(0, 13));
  e.json = *json.value();
  return std::optional<LogEntry>(e);
}

Result<size_t> LeveldbStore::pruneLog(const std::string& webhook_id, size_t max_entries,
                                      int64_t min_created_ms) {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  const std::string prefix = "l/" + webhook_id + "/";
  leveldb::WriteBatch batch;
  size_t seen = 0, deleted = 0;
  reverseScan(*db_, prefix, "", [&](const leveldb::Slice& key, const leveldb::Slice&) {
    ++seen;
    const std::string suffix = key.ToString().substr(prefix.size());
    const int64_t created = std::stoll(suffix.substr(0, 13));
    const std::string event_id = suffix.substr(14);
    if (seen > max_entries || created < min_created_ms) {
      // An entry whose job is still pending stays: its delivery is not finished.
      std::string ignored;
      if (db_->Get(leveldb::ReadOptions(), jobKey(webhook_id, event_id), &ignored).ok()) {
        return true;
      }
      batch.Delete(key);
      batch.Delete(logIndexKey(webhook_id, event_id));
      ++deleted;
    }
    return true;
  });
  if (deleted == 0) return size_t{0};
  Status s = write(batch, false);
  if (!s.isOk()) return s;
  return deleted;
}

}  // namespace reghook

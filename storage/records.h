// Encoding of the stored records (webhooks, jobs, digest index entries, dead letters) as JSON.
// The one place that knows the value format of every LevelDB key. Pure functions, thread-safe.
#pragma once

#include <string>

#include "core/status.h"
#include "core/store.h"
#include "core/webhook.h"

namespace reghook::records {

std::string encode(const Webhook& webhook);
Result<Webhook> decodeWebhook(const std::string& data);
std::string encode(const Job& job);
Result<Job> decodeJob(const std::string& data);
std::string encode(const DigestInfo& info);
Result<DigestInfo> decodeDigestInfo(const std::string& data);
std::string encode(const DeadLetter& letter);
Result<DeadLetter> decodeDeadLetter(const std::string& data);

}  // namespace reghook::records

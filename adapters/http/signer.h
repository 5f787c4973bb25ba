// Standard Webhooks signatures: "v1,<base64 HMAC-SHA256 of id.timestamp.body>" with the key
// from a "whsec_<base64>" secret. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace reghook::http {

std::string webhookSignature(const std::string& secret, const std::string& id, int64_t timestamp,
                             const std::string& body);

}  // namespace reghook::http

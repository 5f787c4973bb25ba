#include "adapters/http/signer.h"

#include <gtest/gtest.h>

namespace reghook::http {
namespace {

// The example of the Standard Webhooks specification (standard-webhooks/standard-webhooks,
// spec/standard-webhooks.md): an independent HMAC computed by its authors.
TEST(Signer, MatchesTheStandardWebhooksExample) {
  EXPECT_EQ(webhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                             "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

}  // namespace
}  // namespace reghook::http

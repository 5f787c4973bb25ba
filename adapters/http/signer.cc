#include "adapters/http/signer.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sstream>

namespace reghook::http {

std::string webhookSignature(const std::string& secret, const std::string& id, int64_t timestamp,
                             const std::string& body) {
  const std::string encoded_key = secret.rfind("whsec_", 0) == 0 ? secret.substr(6) : secret;
  std::istringstream in(encoded_key);
  Poco::Base64Decoder decoder(in);
  std::string key((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  const std::string message = id + "." + std::to_string(timestamp) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(mac), mac_len);
  encoder.close();
  return "v1," + out.str();
}

}  // namespace reghook::http

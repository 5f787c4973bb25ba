// PocoHttpSender: HttpSender over Poco's HTTP and HTTPS client sessions. Keeps idle keep-alive
// connections per scheme://host:port, resolves and checks every new connection's address with
// the AddressGuard, verifies certificates and host names. Thread-safe.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/http/address_guard.h"
#include "core/clock.h"
#include "core/http_sender.h"

namespace reghook::http {

class PocoHttpSender : public HttpSender {
 public:
  // ca_file empty: the system CA bundle. user_agent goes on every request.
  PocoHttpSender(AddressGuard guard, const std::string& ca_file, std::string user_agent);
  SendResult send(const OutgoingRequest& request) override;

 private:
  struct Target;
  std::unique_ptr<Poco::Net::HTTPClientSession> connect(const Target& target, int timeout_ms,
                                                        std::string& error);
  std::unique_ptr<Poco::Net::HTTPClientSession> takeIdle(const std::string& key);
  void putIdle(const std::string& key, std::unique_ptr<Poco::Net::HTTPClientSession> session);

  AddressGuard guard_;
  Poco::Net::Context::Ptr tls_;
  std::string user_agent_;
  std::mutex mutex_;
  struct Idle {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::chrono::steady_clock::time_point since;
  };
  std::map<std::string, std::vector<Idle>> idle_;
};

}  // namespace reghook::http

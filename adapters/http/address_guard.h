// AddressGuard: decides whether reghook may connect to an address (SSRF protection, SPEC §7).
// Link-local and cloud metadata ranges are denied by default, plus the operator's deny list;
// the operator's allow list overrides both. Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace Poco::Net {
class IPAddress;
}

namespace reghook::http {

class AddressGuard {
 public:
  // kInvalid naming the bad entry when a CIDR does not parse.
  static Result<AddressGuard> create(const std::vector<std::string>& deny,
                                     const std::vector<std::string>& allow);
  // Ok, or kInvalid saying which range refused the address.
  Status check(const Poco::Net::IPAddress& address) const;

  struct Range {
    std::string text;
    std::string bytes;  // network address, raw
    int prefix = 0;
  };

 private:
  std::vector<Range> deny_;
  std::vector<Range> allow_;
};

}  // namespace reghook::http

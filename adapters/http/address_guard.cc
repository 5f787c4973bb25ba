#include "adapters/http/address_guard.h"

#include <Poco/Net/IPAddress.h>

namespace reghook::http {
namespace {

std::string rawBytes(const Poco::Net::IPAddress& address) {
  Poco::Net::IPAddress a = address;
  if (a.family() == Poco::Net::IPAddress::IPv6 && a.isIPv4Mapped()) {
    const auto* b = static_cast<const unsigned char*>(a.addr());
    return std::string(reinterpret_cast<const char*>(b + 12), 4);
  }
  return std::string(static_cast<const char*>(a.addr()), a.length());
}

Result<AddressGuard::Range> parseRange(const std::string& text) {
  const size_t slash = text.find('/');
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(text.substr(0, slash), address)) {
    return Status::invalid("InvalidNetwork", "",
                           "'" + text +
                               "' is not a CIDR range such as "
                               "10.0.0.0/8 or fd00::/8");
  }
  AddressGuard::Range r;
  r.text = text;
  r.bytes = rawBytes(address);
  const int max_prefix = static_cast<int>(r.bytes.size() * 8);
  r.prefix = max_prefix;
  if (slash != std::string::npos) {
    try {
      r.prefix = std::stoi(text.substr(slash + 1));
    } catch (const std::exception&) {
      r.prefix = -1;
    }
    if (r.prefix < 0 || r.prefix > max_prefix) {
      return Status::invalid("InvalidNetwork", "",
                             "'" + text +
                                 "' has a prefix length out of "
                                 "range 0.." +
                                 std::to_string(max_prefix));
    }
  }
  return r;
}

bool contains(const AddressGuard::Range& range, const std::string& bytes) {
  if (bytes.size() != range.bytes.size()) return false;
  int bits = range.prefix;
  for (size_t i = 0; i < bytes.size() && bits > 0; ++i, bits -= 8) {
    const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((bytes[i] & mask) != (range.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace

Result<AddressGuard> AddressGuard::create(const std::vector<std::string>& deny,
                                          const std::vector<std::string>& allow) {
  AddressGuard guard;
  std::vector<std::string> denied = {"169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"};
  denied.insert(denied.end(), deny.begin(), deny.end());
  for (const auto& text : denied) {
    auto r = parseRange(text);
    if (!r.isOk()) return r.status();
    guard.deny_.push_back(r.value());
  }
  for (const auto& text : allow) {
    auto r = parseRange(text);
    if (!r.isOk()) return r.status();
    guard.allow_.push_back(r.value());
  }
  return guard;
}

Status AddressGuard::check(const Poco::Net::IPAddress& address) const {
  const std::string bytes = rawBytes(address);
  for (const auto& r : allow_) {
    if (contains(r, bytes)) return Status::ok();
  }
  for (const auto& r : deny_) {
    if (contains(r, bytes)) {
      return Status::invalid("AddressDenied", "serviceUri",
                             "address " + address.toString() + " is in the denied range " + r.text +
                                 " (delivery.denyNetworks / allowNetworks)");
    }
  }
  return Status::ok();
}

}  // namespace reghook::http

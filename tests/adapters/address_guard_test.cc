#include "adapters/http/address_guard.h"

#include <Poco/Net/IPAddress.h>
#include <gtest/gtest.h>

namespace reghook::http {
namespace {

bool allowed(const AddressGuard& g, const char* ip) {
  return g.check(Poco::Net::IPAddress(ip)).isOk();
}

TEST(AddressGuard, DeniesLinkLocalAndMetadataByDefault) {
  auto g = AddressGuard::create({}, {}).value();
  EXPECT_FALSE(allowed(g, "169.254.169.254"));
  EXPECT_FALSE(allowed(g, "fe80::1"));
  EXPECT_FALSE(allowed(g, "fd00:ec2::254"));
  EXPECT_FALSE(allowed(g, "::ffff:169.254.169.254"));
  EXPECT_TRUE(allowed(g, "127.0.0.1"));
  EXPECT_TRUE(allowed(g, "10.1.2.3"));
  EXPECT_TRUE(allowed(g, "192.168.0.10"));
  EXPECT_TRUE(allowed(g, "8.8.8.8"));
  EXPECT_NE(g.check(Poco::Net::IPAddress("169.254.169.254")).message().find("169.254.0.0/16"),
            std::string::npos);
}

TEST(AddressGuard, OperatorRangesDenyAndAllow) {
  auto g = AddressGuard::create({"10.0.0.0/8"}, {"169.254.169.254/32", "10.9.0.0/16"}).value();
  EXPECT_FALSE(allowed(g, "10.1.2.3"));
  EXPECT_TRUE(allowed(g, "10.9.1.1"));
  EXPECT_TRUE(allowed(g, "169.254.169.254"));
  EXPECT_FALSE(allowed(g, "169.254.1.1"));
}

TEST(AddressGuard, BadRangesAreNamed) {
  auto bad = AddressGuard::create({"10.0.0.0/33"}, {});
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("10.0.0.0/33"), std::string::npos);
  EXPECT_FALSE(AddressGuard::create({}, {"not-an-ip"}).isOk());
}

}  // namespace
}  // namespace reghook::http

// Config: the typed, validated form of the JSON config file (SPEC §10). Read once at start;
// immutable afterwards, so safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace reghook {

struct RegistryConfig {
  std::string name;
  std::string token;
};

struct DeliveryConfig {
  int timeout_seconds = 5;
  std::vector<int64_t> retry_schedule_ms = {0,       5000,     300000,   1800000,
                                            7200000, 18000000, 36000000, 36000000};
  int max_in_flight_per_webhook = 4;
  int64_t log_max_entries = 10000;
  int64_t log_max_age_days = 30;
  std::string ca_file;
  std::vector<std::string> deny_networks;
  std::vector<std::string> allow_networks;
};

struct Config {
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 8080;
  std::string data_dir = "./data";
  std::string admin_token;
  std::vector<RegistryConfig> registries;
  DeliveryConfig delivery;
  int64_t max_body_bytes = 1048576;
  int64_t webhooks_per_registry = 500;

  const RegistryConfig* registry(const std::string& name) const;
};

// Parses and validates a config document. kInvalid names the key ("delivery.timeoutSeconds")
// and what is wrong with it.
Result<Config> parseConfig(const std::string& json_text);
Result<Config> loadConfig(const std::string& path);

}  // namespace reghook

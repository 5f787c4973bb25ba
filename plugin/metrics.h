// Metrics: counters and a latency histogram with labels, rendered as Prometheus text.
// Thread-safe (one mutex; nothing here is on a per-byte path).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace reghook {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  void declare(const std::string& name, const std::string& type, const std::string& help);
  void add(const std::string& name, const Labels& labels, double value = 1);
  void observeLatencyMs(const std::string& name, const Labels& labels, double ms);
  double value(const std::string& name, const Labels& labels) const;
  // Gauges computed at scrape time append their lines through this callback.
  void setGaugeSource(std::function<void(std::string&)> source);
  std::string render() const;

 private:
  static std::string key(const Labels& labels);
  struct Family {
    std::string type, help;
    std::map<std::string, double> values;  // rendered label set -> value
    std::map<std::string, std::vector<uint64_t>> buckets;
    std::map<std::string, double> sums;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::function<void(std::string&)> gauge_source_;
};

// Escapes a Prometheus label value.
std::string promLabel(const std::string& value);

}  // namespace reghook

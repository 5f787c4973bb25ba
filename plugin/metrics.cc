#include "plugin/metrics.h"

#include <sstream>

namespace reghook {
namespace {
const double kBucketsMs[] = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};
}

std::string promLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Metrics::key(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels)
    out += (out.empty() ? "" : ",") + k + "=\"" + promLabel(v) + "\"";
  return out;
}

void Metrics::declare(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard<std::mutex> lock(mutex_);
  families_[name].type = type;
  families_[name].help = help;
}

void Metrics::add(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  families_[name].values[key(labels)] += value;
}

void Metrics::observeLatencyMs(const std::string& name, const Labels& labels, double ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = families_[name];
  const std::string k = key(labels);
  auto& b = f.buckets[k];
  b.resize(std::size(kBucketsMs) + 1);
  for (size_t i = 0; i < std::size(kBucketsMs); ++i) {
    if (ms <= kBucketsMs[i]) ++b[i];
  }
  ++b.back();
  f.sums[k] += ms / 1000.0;
}

double Metrics::value(const std::string& name, const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto v = f->second.values.find(key(labels));
  return v == f->second.values.end() ? 0 : v->second;
}

void Metrics::setGaugeSource(std::function<void(std::string&)> source) {
  std::lock_guard<std::mutex> lock(mutex_);
  gauge_source_ = std::move(source);
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::function<void(std::string&)> gauges;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, f] : families_) {
      out << "# HELP " << name << " " << f.help << "\n# TYPE " << name << " " << f.type << "\n";
      for (const auto& [labels, v] : f.values) {
        out << name << (labels.empty() ? "" : "{" + labels + "}") << " " << v << "\n";
      }
      for (const auto& [labels, b] : f.buckets) {
        const std::string sep = labels.empty() ? "" : labels + ",";
        for (size_t i = 0; i < std::size(kBucketsMs); ++i) {
          out << name << "_bucket{" << sep << "le=\"" << kBucketsMs[i] / 1000.0 << "\"} " << b[i]
              << "\n";
        }
        out << name << "_bucket{" << sep << "le=\"+Inf\"} " << b.back() << "\n";
        out << name << "_sum" << (labels.empty() ? "" : "{" + labels + "}") << " "
            << f.sums.at(labels) << "\n";
        out << name << "_count" << (labels.empty() ? "" : "{" + labels + "}") << " " << b.back()
            << "\n";
      }
    }
    gauges = gauge_source_;
  }
  std::string text = out.str();
  if (gauges) gauges(text);
  return text;
}

}  // namespace reghook

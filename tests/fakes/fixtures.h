// Access to the test fixtures copied into tests/fixtures (real registry envelopes).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace reghook::testing {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// name like "distribution-2.8.2/03-push-manifest-v1.json"
inline std::string fixture(const std::string& name) {
  const std::string text = readFile(std::string(REGHOOK_SOURCE_DIR) + "/tests/fixtures/" + name);
  if (text.empty()) throw std::runtime_error("missing fixture " + name);
  return text;
}

}  // namespace reghook::testing

// Temporary directories for tests: unique per process and call.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace reghook::testing {

inline std::string tempDir(const std::string& name) {
  static std::atomic<int> counter{0};
  auto dir =
      std::filesystem::temp_directory_path() /
      ("reghook-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace reghook::testing

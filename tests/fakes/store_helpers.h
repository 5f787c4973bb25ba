// Small readers of a Store for assertions.
#pragma once

#include <vector>

#include "core/store.h"

namespace reghook::testing {

// Every pending job (payload left empty).
inline std::vector<Job> pendingJobs(Store& store) {
  std::vector<Job> jobs;
  store.scanJobs([&jobs](Job&& job) { jobs.push_back(std::move(job)); });
  return jobs;
}

}  // namespace reghook::testing

// Processes for end-to-end tests: the real docker-registry (Debian's package) and the real
// reghook binary, each on a free loopback port with a directory of its own, and skopeo.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Process.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/fakes/fixtures.h"
#include "tests/fakes/test_server.h"

namespace reghook::testing {

inline uint16_t freePort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  return s.address().port();
}

inline void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

inline bool reachable(uint16_t port, const std::string& path) {
  try {
    return httpCall(port, "GET", path).status < 500;
  } catch (const std::exception&) {
    return false;
  }
}

// A child process started through /bin/sh, its output in a log file. Killed when destroyed.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const std::string& command, const std::string& log) { start(command, log); }
  ~ChildProcess() { kill(SIGKILL); }
  void start(const std::string& command, const std::string& log) {
    pid_ = Poco::Process::launch("/bin/sh", {"-c", "exec " + command + " >>" + log + " 2>&1"}).id();
  }
  void kill(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  bool running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }

 private:
  int pid_ = -1;
};

inline int shell(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WEXITSTATUS(status);
}

// docker-registry serving 127.0.0.1:<port>, deletes enabled, notifying `notify_url`.
class RegistryProcess {
 public:
  RegistryProcess(const std::string& dir, const std::string& notify_url, const std::string& token)
      : port_(freePort()) {
    writeFile(dir + "/registry.yml",
              "version: 0.1\n"
              "log:\n  level: warn\n"
              "storage:\n  filesystem:\n    rootdirectory: " +
                  dir +
                  "/registry-data\n"
                  "  delete:\n    enabled: true\n"
                  "http:\n  addr: 127.0.0.1:" +
                  std::to_string(port_) +
                  "\n"
                  "notifications:\n  events:\n    includereferences: true\n  endpoints:\n"
                  "    - name: reghook\n      url: " +
                  notify_url +
                  "\n"
                  "      headers:\n        Authorization: [Bearer " +
                  token +
                  "]\n"
                  "      timeout: 1s\n      threshold: 5\n      backoff: 200ms\n"
                  "      ignoredmediatypes: [application/octet-stream]\n");
    process_.start("docker-registry serve " + dir + "/registry.yml", dir + "/registry.log");
    if (!eventually([&] { return reachable(port_, "/v2/"); }, 20000)) {
      throw std::runtime_error("docker-registry did not start; see " + dir + "/registry.log");
    }
  }
  std::string ref(const std::string& repo_tag) const {
    return "docker://127.0.0.1:" + std::to_string(port_) + "/" + repo_tag;
  }

 private:
  uint16_t port_;
  ChildProcess process_;
};

// The real reghook binary with a config written from `config_json` (listen is filled in).
class ReghookProcess {
 public:
  ReghookProcess(const std::string& dir, const std::string& config_json_without_listen)
      : dir_(dir), port_(freePort()) {
    writeFile(dir + "/reghook.json", "{\"listen\":\"127.0.0.1:" + std::to_string(port_) + "\"," +
                                         config_json_without_listen.substr(1));
    start();
  }
  void start() {
    process_.start(std::string(REGHOOK_BINARY) + " serve --config " + dir_ + "/reghook.json",
                   dir_ + "/reghook.log");
    if (!eventually([&] { return reachable(port_, "/readyz"); }, 20000)) {
      throw std::runtime_error("reghook did not start; see " + dir_ + "/reghook.log");
    }
  }
  void kill9() { process_.kill(SIGKILL); }
  void terminate() { process_.kill(SIGTERM); }
  uint16_t port() const { return port_; }
  HttpReply admin(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return httpCall(port_, method, "/v1/registries/myregistry" + path, body, "admin-token");
  }

 private:
  std::string dir_;
  uint16_t port_;
  ChildProcess process_;
};

// Writes an OCI layout with the project's script (the same one the quick start uses).
inline std::string makeImage(const std::string& dir, const std::string& tag,
                             const std::string& text, const std::string& extra = "") {
  const std::string cmd = "python3 " + std::string(REGHOOK_SOURCE_DIR) +
                          "/scripts/make-oci-image.py " + dir + " --tag " + tag + " --text '" +
                          text + "' " + extra;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  char buf[200] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, pipe);
  ::pclose(pipe);
  std::string digest(buf, n);
  while (!digest.empty() && digest.back() == '\n') digest.pop_back();
  return digest;
}

}  // namespace reghook::testing

// The reghook executable: `reghook serve --config FILE` runs the server; `reghook webhook ...`
// is the client; `reghook version` and `reghook --help` inform.
#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/ServerApplication.h>

#include <csignal>
#include <filesystem>
#include <cstdlib>
#include <iostream>

#include "plugin/cli.h"
#include "plugin/server.h"
#include "plugin/version.h"

namespace {

const char kHelp[] =
    "reghook: ACR-style webhooks for the CNCF distribution registry\n"
    "\n"
    "usage:\n"
    "  reghook serve --config FILE     run the server\n"
    "  reghook webhook <command> ...   manage webhooks (reghook webhook --help)\n"
    "  reghook version                 print the version\n"
    "  reghook --help                  this text\n";

// The console's files: REGHOOK_CONSOLE_DIR, or console/ beside the executable (found through
// /proc/self/exe, so that running `reghook` from PATH works too).
std::string consoleDir(const char* argv0) {
  if (const char* env = std::getenv("REGHOOK_CONSOLE_DIR")) return env;
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) exe = std::filesystem::absolute(argv0);
  return (exe.parent_path() / "console").string();
}

void setUpLogging() {
  Poco::AutoPtr<Poco::PatternFormatter> format(
      new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  Poco::AutoPtr<Poco::FormattingChannel> channel(
      new Poco::FormattingChannel(format, new Poco::ConsoleChannel(std::cerr)));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel("information");
}

class ServeApp : public Poco::Util::ServerApplication {
 public:
  explicit ServeApp(std::string console_dir) : console_dir_(std::move(console_dir)) {}

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    options.addOption(
        Poco::Util::Option("config", "c", "path of the JSON config file")
            .required(true)
            .argument("FILE")
            .callback(Poco::Util::OptionCallback<ServeApp>(this, &ServeApp::setConfig)));
  }

  void setConfig(const std::string&, const std::string& value) { config_path_ = value; }

  int main(const std::vector<std::string>&) override {
    setUpLogging();
    Poco::Logger& log = Poco::Logger::get("reghook");
    auto config = reghook::loadConfig(config_path_);
    if (!config.isOk()) {
      std::cerr << "reghook: refusing to start: " << config.status().message() << "\n";
      return EXIT_CONFIG;
    }
    reghook::SystemClock clock;
    auto server = reghook::Server::create(config.value(), clock, console_dir_);
    if (!server.isOk()) {
      std::cerr << "reghook: refusing to start: " << server.status().message() << "\n";
      return EXIT_CONFIG;
    }
    reghook::Status started = server.value()->start();
    if (!started.isOk()) {
      std::cerr << "reghook: cannot start: " << started.message() << "\n";
      return EXIT_UNAVAILABLE;
    }
    log.information("reghook %s listening on %s:%hu, data in %s", std::string(reghook::kVersion),
                    config->listen_host, server.value()->port(), config->data_dir);
    waitForTerminationRequest();
    log.information("stopping: finishing deliveries in flight");
    server.value()->stop();
    log.information("stopped");
    return EXIT_OK;
  }

 private:
  std::string console_dir_;
  std::string config_path_;
};

}  // namespace

int main(int argc, char** argv) {
  // A peer that closes its connection must give an error on that socket, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? std::cerr : std::cout) << kHelp;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "version" || args[0] == "--version") {
    std::cout << "reghook " << reghook::kVersion << "\n";
    return 0;
  }
  if (args[0] == "webhook") {
    const char* server = std::getenv("REGHOOK_SERVER");
    const char* token = std::getenv("REGHOOK_TOKEN");
    return reghook::runWebhookCli(args, server ? server : "", token ? token : "", std::cout,
                                  std::cerr);
  }
  if (args[0] == "serve") {
    ServeApp app(consoleDir(argv[0]));
    try {
      return app.run(argc - 1, argv + 1);
    } catch (const Poco::Exception& e) {
      std::cerr << "reghook serve: " << e.displayText() << "\n";
      return 64;
    }
  }
  std::cerr << "reghook: unknown command '" << args[0] << "'\n\n" << kHelp;
  return 2;
}

// The real `reghook` binary against a running server, as an operator would use it.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "tests/fakes/loopback_receiver.h"
#include "tests/fakes/test_server.h"

namespace reghook {
namespace {

struct CliRun {
  int code;
  std::string out;  // stdout and stderr
};

CliRun reghook(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " " + REGHOOK_BINARY + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {WEXITSTATUS(status), out};
}

class CliTest : public ::testing::Test {
 protected:
  std::string env() const {
    return "REGHOOK_SERVER=http://127.0.0.1:" + std::to_string(server_.port()) +
           " REGHOOK_TOKEN=admin-token";
  }
  CliRun cli(const std::string& args) { return reghook("webhook " + args, env()); }
  testing::TestServer server_;
};

TEST_F(CliTest, CreateShowUpdateListDeleteLikeAz) {
  testing::LoopbackReceiver receiver;
  auto created = cli("create --registry myregistry --name hook1 --uri " + receiver.url() +
                     " --actions push delete --headers 'X-A=1' 'X-B: two' --scope 'hello-world:*'"
                     " --timeout 7 --signing-secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_EQ(created.code, 0) << created.out;
  EXPECT_NE(created.out.find("\"actions\":[\"push\",\"delete\"]"), std::string::npos)
      << created.out;
  EXPECT_NE(created.out.find("\"timeoutSeconds\":7"), std::string::npos);
  auto again = cli("create --registry myregistry --name hook1 --uri http://x/ --actions push");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.out.find("already exists"), std::string::npos);
  auto config = cli("get-config --registry myregistry --name hook1");
  EXPECT_NE(config.out.find("\"X-B\":\"two\""), std::string::npos) << config.out;
  EXPECT_NE(config.out.find("\"X-A\":\"1\""), std::string::npos);
  EXPECT_EQ(cli("update --registry myregistry --name hook1 --status disabled").code, 0);
  auto table = cli("list --registry myregistry --output table");
  EXPECT_NE(table.out.find("NAME"), std::string::npos);
  EXPECT_NE(table.out.find("hook1  disabled  hello-world:*  push,delete"), std::string::npos)
      << table.out;
  auto ping = cli("ping --registry myregistry --name hook1");
  EXPECT_EQ(ping.code, 0);
  EXPECT_NE(ping.out.find("\"statusCode\":\"200\""), std::string::npos) << ping.out;
  auto events = cli("list-events --registry myregistry --name hook1 --output table");
  EXPECT_NE(events.out.find("ping"), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("delivered  200"), std::string::npos) << events.out;
  EXPECT_EQ(cli("delete --registry myregistry --name hook1").code, 0);
  auto gone = cli("show --registry myregistry --name hook1");
  EXPECT_EQ(gone.code, 1);
  EXPECT_NE(gone.out.find("error: webhook 'hook1' does not exist"), std::string::npos) << gone.out;
}

TEST_F(CliTest, ValidationErrorsComeFromTheApi) {
  auto bad = cli("create --registry myregistry --name hook1 --uri ftp://x --actions push");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("serviceUri must be an absolute http:// or https:// URL"),
            std::string::npos)
      << bad.out;
  auto scope =
      cli("create --registry myregistry --name hook1 --uri http://x/ --actions push --scope Bad:1");
  EXPECT_NE(scope.out.find("repository:tag"), std::string::npos) << scope.out;
}

TEST_F(CliTest, UsageErrorsAndHelp) {
  EXPECT_EQ(cli("create --registry myregistry --uri http://x/ --actions push").code, 1);
  EXPECT_NE(cli("frobnicate --registry x").out.find("unknown command"), std::string::npos);
  EXPECT_NE(cli("list --registry myregistry --bogus 1").out.find("unknown option --bogus"),
            std::string::npos);
  auto help = cli("create --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--signing-secret"), std::string::npos);
  EXPECT_NE(cli("create --registry r --name hook1 --uri http://x/ --actions push --headers nocolon")
                .out.find("'Name=value'"),
            std::string::npos);
  EXPECT_EQ(reghook("version").out, "reghook 0.1.0\n");
  EXPECT_EQ(reghook("--help").code, 0);
}

TEST_F(CliTest, WrongTokenAndUnreachableServerSayWhy) {
  auto wrong = reghook("webhook list --registry myregistry --token nope",
                       "REGHOOK_SERVER=http://127.0.0.1:" + std::to_string(server_.port()));
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.out.find("admin token"), std::string::npos) << wrong.out;
  auto down = reghook("webhook list --registry myregistry --token x --server http://127.0.0.1:1");
  EXPECT_EQ(down.code, 1);
  EXPECT_NE(down.out.find("cannot reach reghook at http://127.0.0.1:1"), std::string::npos)
      << down.out;
  EXPECT_EQ(std::count(down.out.begin(), down.out.end(), '\n'), 1);
}

TEST(ServeCommand, RefusesABadConfigNamingTheKey) {
  const std::string dir = testing::tempDir("badconfig");
  const std::string path = dir + "/config.json";
  FILE* f = fopen(path.c_str(), "w");
  fputs(
      R"({"adminToken":"a","registries":[{"name":"myregistry","token":"t"}],"delivery":{"timeoutSecs":5}})",
      f);
  fclose(f);
  auto run = reghook("serve --config " + path);
  EXPECT_NE(run.code, 0);
  EXPECT_NE(run.out.find("'delivery.timeoutSecs'"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace reghook

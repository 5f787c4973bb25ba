// The `reghook webhook ...` client commands (SPEC §8): parse az-style options, call the admin
// API, print JSON or a table. Stateless; each call is independent.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace reghook {

// args excludes the program name, starting at "webhook". env_server/env_token are the values of
// REGHOOK_SERVER / REGHOOK_TOKEN. Returns the process exit code.
int runWebhookCli(const std::vector<std::string>& args, const std::string& env_server,
                  const std::string& env_token, std::ostream& out, std::ostream& err);

}  // namespace reghook

// The reghook version, shown by `reghook version` and sent as User-Agent.
#pragma once

namespace reghook {
inline constexpr char kVersion[] = "0.1.0";
}

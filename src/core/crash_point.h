// Crash points for tests: exact places where a test kills the process to check crash
// consistency (a commit's two steps, a batch delivered but not yet recorded as sent).
#pragma once

#include <string_view>

namespace smartcar {

// If the environment variable SMARTCAR_TEST_CRASH_AT equals `point`, the process kills itself
// with SIGKILL. Points: "before-commit", "after-exchange" (warehouse partition swap),
// "before-spool-rename" (warehouse spool), "collect-after-deliver" (a collector batch stored in
// the sink, its source position not yet committed).
void TEST_MaybeCrashAt(std::string_view point);

}  // namespace smartcar

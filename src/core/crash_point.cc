#include "core/crash_point.h"

#include <csignal>
#include <cstdlib>

namespace smartcar {

void TEST_MaybeCrashAt(std::string_view point) {
  const char* at = std::getenv("SMARTCAR_TEST_CRASH_AT");
  if (at != nullptr && point == at) ::raise(SIGKILL);
}

}  // namespace smartcar

// libFuzzer target for smartcar.yaml (core/config.h): any input parses or fails with an
// InvalidArgument; every typed getter on a parsed config returns a value or an error, never
// crashes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = smartcar::Config::Parse(text, "fuzz.yaml");
  if (!c) {
    if (!c.error().IsInvalidArgument()) __builtin_trap();
    return 0;
  }
  for (const char* key : {"a", "a.b", "queue.engine", "queue.partitions", "hot.ttl", "run.cars",
                          "run.fast", "queue.kafka.properties"}) {
    static_cast<void>(c->GetInt(key, 0));
    static_cast<void>(c->GetBool(key, false));
    static_cast<void>(c->GetDurationMs(key, 0));
    static_cast<void>(c->GetString(key, ""));
    static_cast<void>(c->Subtree(key));
  }
  // Every key is reported unknown against an empty list, each message naming the origin.
  for (const std::string& m : c->UnknownKeys({})) {
    if (m.rfind("fuzz.yaml", 0) != 0) __builtin_trap();
  }
  return 0;
}

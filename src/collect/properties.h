// Java .properties files as Flume reads them: `key = value` or `key: value` or `key value`,
// `#`/`!` comments, `\` line continuation, escapes (`\\`, `\t`, `\n`, `\uXXXX`). Each entry keeps
// the line it starts on so configuration errors can say where.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar::collect {

struct PropertyValue {
  std::string value;
  int line = 0;  // 1-based line the entry starts on.
};

// Key → value, sorted by key. A key given twice keeps the last value (as Java does).
using Properties = std::map<std::string, PropertyValue>;

// Parses the text of a properties file. InvalidArgument with the line for malformed escapes.
Result<Properties> ParseProperties(std::string_view text);

// Reads and parses `path`; IOError naming it if unreadable.
Result<Properties> LoadProperties(const std::string& path);

}  // namespace smartcar::collect

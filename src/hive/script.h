// A HiveQL script as Hive's CLI reads it: variables substituted, then split into statements at
// ';' outside quotes and `--` comments. Internal to src/hive/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace smartcar::hive {

struct ScriptStatement {
  std::string text;  // Without the ';'; comments and leading white space kept.
  int line = 1;      // The script line where `text` begins, 1-based: a position the lexer reports
                     // as line L of `text` is line `line + L - 1` of the script.
};

// Splits `script` at each ';' that is outside '…', "…", `…` and `--` comments. Statements with
// nothing but white space and comments are dropped. InvalidArgument for a quote left open,
// naming the line where it opened.
Result<std::vector<ScriptStatement>> SplitStatements(std::string_view script);

// The values Hive substitutes: ${name} and ${hivevar:name} from `hivevar`, ${hiveconf:name} from
// `hiveconf`, ${env:NAME} from the environment, ${system:name} from `system`. A reference to
// something undefined stays as written (as in Hive), so the error names it.
struct Variables {
  std::map<std::string, std::string> hivevar;
  std::map<std::string, std::string> hiveconf;
  std::map<std::string, std::string> system;
};
std::string Substitute(std::string_view text, const Variables& vars);

}  // namespace smartcar::hive

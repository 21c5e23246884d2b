// Whole-file reads: the one helper every stage uses to read a configuration, rule, position or
// state file into memory.
#pragma once

#include <string>

#include "core/status.h"

namespace smartcar {

// The bytes of `path`, unchanged. NotFound when the file does not exist, IOError when it cannot
// be opened or read (a folder, no permission); both say "cannot read <what> '<path>': <why>".
// `what` names the file in messages ("rule file", "position file"); "file" when empty.
Result<std::string> ReadFileToString(const std::string& path, const std::string& what = "");

}  // namespace smartcar

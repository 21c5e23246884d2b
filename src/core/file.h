// Whole-file reads and atomic whole-file writes: the helpers every stage uses for configuration,
// rule, position and state files.
#pragma once

#include <string>

#include "core/status.h"

namespace smartcar {

// The bytes of `path`, unchanged. NotFound when the file does not exist, IOError when it cannot
// be opened or read (a folder, no permission); both say "cannot read <what> '<path>': <why>".
// `what` names the file in messages ("rule file", "position file"); "file" when empty.
Result<std::string> ReadFileToString(const std::string& path, const std::string& what = "");

// Creates folder `dir` and its missing parents (nothing if it exists). IOError "cannot create
// folder '<dir>': <why>".
Status CreateFolders(const std::string& dir);

// Writes `content` to `path` through a temporary file in the same folder renamed over it, so a
// reader, or a crash, never leaves half a file. IOError naming the file.
Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace smartcar

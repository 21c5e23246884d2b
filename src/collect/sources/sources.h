// Factories for the built-in sources. Each reads its keys from `params` (Flume's names) and
// reports wrong values with the key and line.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "collect/component_params.h"
#include "collect/source.h"

namespace smartcar::collect {

struct SourceEnv {
  std::string data_dir;                // Relative position/tracker files live here.
  std::vector<std::string>* warnings;  // Where sources add warnings (e.g. exec's weakness).
};

// TAILDIR: follows files matching patterns; survives rotation (rename + new file), truncation
// and partial last lines; positions (inode, byte offset, line) in a JSON position file written
// atomically on each commit.
Result<std::unique_ptr<Source>> MakeTaildirSource(ComponentParams* params, const SourceEnv& env);

// A TAILDIR source built in code (what MakeTaildirSource reads from Flume's keys).
struct TaildirOptions {
  // One per file group: "FOLDER/NAME": the folder is literal, the file name a regular
  // expression matched against whole names (Flume's `filegroups.<g>`).
  std::vector<std::string> file_patterns;
  std::string position_file = "taildir_position.json";  // Relative to SourceEnv::data_dir.
  bool file_header = false;  // Add the file's path as header `file_header_key`.
  std::string file_header_key = "file";
  bool skip_to_end = false;  // New files (no position yet) start at their end.
  // Flume's writePosInterval: the position file is rewritten (after a commit, or while waiting
  // for input) only once this long has passed since its last write; and when the source closes.
  int64_t write_pos_interval_ms = 3000;
  // Flume's cachePatternMatching: a file group's folder is listed (and its names matched) again
  // only when its modification time changed; otherwise on every scan.
  bool cache_pattern_matching = true;
};
// InvalidArgument naming the pattern when one is not a valid regular expression; the position
// file's error when it cannot be read.
Result<std::unique_ptr<Source>> NewTaildirSource(const TaildirOptions& options,
                                                 const SourceEnv& env);

// spooldir: reads each file of a folder once; marks it `.COMPLETED` (or deletes it) only after
// all its lines are committed; resumes mid-file after a restart; a file that changes while being
// read is an error naming it.
Result<std::unique_ptr<Source>> MakeSpoolDirSource(ComponentParams* params, const SourceEnv& env);

// exec: a shell command's stdout (the pilot's `tail -F`). Weaker: lines read but not committed
// before a crash are lost or repeated, since a pipe cannot be rewound.
Result<std::unique_ptr<Source>> MakeExecSource(ComponentParams* params, const SourceEnv& env);

// stdin: the process's standard input, line by line.
Result<std::unique_ptr<Source>> MakeStdinSource(ComponentParams* params, const SourceEnv& env);

}  // namespace smartcar::collect

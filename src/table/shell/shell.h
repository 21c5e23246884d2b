// The HBase shell's table commands over table.h: create, list, describe, disable, enable, drop,
// truncate, put, get, delete, deleteall, scan, count, exists, help. Output follows the HBase
// shell's layout (ROW / COLUMN+CELL, "N row(s)", "Took X seconds"). The shell depends on the
// table, never the reverse. Not thread-safe; one Shell per session.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "table/table.h"

namespace smartcar::table::shell {

struct ShellOptions {
  // Print "Took X.XXXX seconds" after each command (golden tests normalise the number).
  bool show_timing = true;
};

class Shell {
 public:
  // `store` and `out` must outlive the shell. Results and errors both go to `out`, as in the
  // HBase shell.
  Shell(TableStore* store, std::ostream* out, ShellOptions options = {});

  // Runs one statement. Returns false if it failed (the error is printed as "ERROR: ...").
  bool Execute(std::string_view statement);
  // Runs every statement of `script` (see SplitStatements). Returns the number that failed.
  int RunScript(std::string_view script);
  // True once `exit` or `quit` ran.
  bool exited() const { return exited_; }

 private:
  TableStore* store_;
  std::ostream* out_;
  ShellOptions options_;
  bool exited_ = false;
};

// HBase's Bytes.toStringBinary: printable characters as is, others as \xNN.
std::string ToStringBinary(std::string_view bytes);

}  // namespace smartcar::table::shell

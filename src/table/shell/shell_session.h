// The shell's command session, internal to table/shell/: Session runs one parsed command. Its
// methods are spread by concern over shell.cc (dispatch, help), shell_args.cc, shell_output.cc,
// shell_admin.cc (table commands) and shell_data.cc (data commands).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "table/shell/command_parser.h"
#include "table/table.h"

namespace smartcar::table::shell {

// A failed command: message for "ERROR: ..." and whether to add the usage hint.
struct CommandError {
  std::string message;
  bool usage = false;
  bool unknown_command = false;
};
using Outcome = tl::expected<void, CommandError>;

inline tl::unexpected<CommandError> Fail(std::string msg, bool usage = false) {
  return tl::unexpected<CommandError>(CommandError{std::move(msg), usage});
}
inline tl::unexpected<CommandError> Fail(const Status& s) {
  return tl::unexpected<CommandError>(CommandError{s.message(), false});
}

// A column family as the HBase shell's describe prints it: {NAME => 'f1', BLOOMFILTER => ...}.
std::string FormatFamily(const FamilyOptions& f);

class Session {
 public:
  Session(TableStore* store, std::ostream& out) : store_(store), out_(out) {}

  // Runs one command, printing its result to `out`.
  Outcome Run(const Command& c);

 private:
  // ---------------------------------------------------------------- argument helpers
  // (shell_args.cc)
  static Outcome Arity(const Command& c, size_t min, size_t max);
  static tl::expected<std::string, CommandError> Text(const Value& v, const char* what);
  static tl::expected<int64_t, CommandError> Int(const Value& v, const char* what);
  static tl::expected<bool, CommandError> Bool(const Value& v, const char* what);
  static tl::expected<std::vector<ColumnRef>, CommandError> Columns(const Value& v);
  static tl::expected<TimeRange, CommandError> Range(const Value& v);
  static Outcome CheckKeys(const Value& h, std::initializer_list<std::string_view> allowed);
  tl::expected<std::shared_ptr<Table>, CommandError> Open(const Value& v);

  // ---------------------------------------------------------------- output helpers
  // (shell_output.cc)
  void Line(std::string_view left, std::string_view right, bool inset);
  static std::string CellText(const Cell& c, bool with_column);
  void Rows(uint64_t n);

  // ---------------------------------------------------------------- table commands
  // (shell_admin.cc; Simple runs disable, enable and drop)
  Outcome Create(const Command& c);
  Outcome List(const Command& c);
  Outcome Describe(const Command& c);

  template <class F>
  Outcome Simple(const Command& c, F op) {
    if (auto r = Arity(c, 1, 1); !r) return r;
    auto name = Text(c.args[0], "table name");
    if (!name) return tl::unexpected(name.error());
    if (Status s = op(*name); !s.ok()) return Fail(s);
    return {};
  }
  Outcome Truncate(const Command& c);
  Outcome Exists(const Command& c);

  // ---------------------------------------------------------------- data commands
  // (shell_data.cc)
  Outcome PutCmd(const Command& c);
  Outcome Get(const Command& c);
  Outcome DeleteCmd(const Command& c, bool all);
  tl::expected<ScanSpec, CommandError> ScanOptions(const Command& c, bool for_count);
  Outcome Scan(const Command& c);
  Outcome Count(const Command& c);

  // ---------------------------------------------------------------- help (shell.cc)
  Outcome Help(const Command& c);

  TableStore* store_;
  std::ostream& out_;
  int64_t interval_ = 1000;

 public:
  std::string after_;  // "=> ..." line printed after the timing, as HBase prints return values.
};

}  // namespace smartcar::table::shell

// The Shell: statement loop, command dispatch (Session::Run), help and the usage table, error
// and timing lines. The commands are in shell_admin.cc and shell_data.cc.
#include "table/shell/shell.h"

#include <chrono>
#include <cstdio>

#include "table/shell/command_parser.h"
#include "table/shell/shell_session.h"

namespace smartcar::table::shell {
namespace {

struct Usage {
  std::string_view name;
  std::string_view text;
};
constexpr Usage kUsages[] = {
    {"create",
     "create 't1', 'f1', 'f2'\n"
     "create 't1', {NAME => 'f1', VERSIONS => 3, TTL => 86400}, SPLITS => ['10', '20']\n"
     "create 't1', 'f1', {NUMREGIONS => 4, SPLITALGO => 'HexStringSplit'}"},
    {"list", "list\nlist 'abc.*'"},
    {"describe", "describe 't1'"},
    {"disable", "disable 't1'"},
    {"enable", "enable 't1'"},
    {"drop", "drop 't1'   (the table must be disabled first)"},
    {"truncate", "truncate 't1'"},
    {"exists", "exists 't1'"},
    {"put", "put 't1', 'r1', 'c1', 'value'[, ts]"},
    {"get",
     "get 't1', 'r1'\n"
     "get 't1', 'r1', 'c1'   or   get 't1', 'r1', ['c1', 'c2']\n"
     "get 't1', 'r1', {COLUMN => 'c1', VERSIONS => 4, TIMERANGE => [ts1, ts2], FILTER => \"...\"}"},
    {"delete", "delete 't1', 'r1', 'c1'[, ts]"},
    {"deleteall", "deleteall 't1', 'r1'[, 'c1'][, ts]"},
    {"scan",
     "scan 't1'\n"
     "scan 't1', {STARTROW => 'r1', STOPROW => 'r9', LIMIT => 10, COLUMNS => ['c1', 'c2'],\n"
     "            FILTER => \"...\", REVERSED => true, VERSIONS => 2, TIMERANGE => [ts1, ts2]}"},
    {"count", "count 't1'\ncount 't1', {INTERVAL => 1000, FILTER => \"...\"}"},
    {"help", "help\nhelp 'scan'"},
    {"exit", "exit"},
};

}  // namespace

Outcome Session::Run(const Command& c) {
  const std::string& n = c.name;
  if (n == "create") return Create(c);
  if (n == "list") return List(c);
  if (n == "describe" || n == "desc") return Describe(c);
  if (n == "disable") return Simple(c, [&](auto name) { return store_->DisableTable(name); });
  if (n == "enable") return Simple(c, [&](auto name) { return store_->EnableTable(name); });
  if (n == "drop") return Simple(c, [&](auto name) { return store_->DropTable(name); });
  if (n == "truncate") return Truncate(c);
  if (n == "exists") return Exists(c);
  if (n == "put") return PutCmd(c);
  if (n == "get") return Get(c);
  if (n == "delete") return DeleteCmd(c, false);
  if (n == "deleteall") return DeleteCmd(c, true);
  if (n == "scan") return Scan(c);
  if (n == "count") return Count(c);
  if (n == "help") return Help(c);
  auto e = Fail("Unknown command '" + n + "'. Try 'help'.");
  e.value().unknown_command = true;
  return e;
}

Outcome Session::Help(const Command& c) {
  if (c.args.empty()) {
    out_ << "SmartCar table shell: HBase shell commands on the embedded table store.\n"
            "Commands: create, list, describe, disable, enable, drop, truncate, exists,\n"
            "          put, get, delete, deleteall, scan, count, help, exit\n"
            "Type help 'COMMAND' for its usage. Filters use HBase's filter language, e.g.\n"
            "  scan 't1', {FILTER => \"RowFilter(=,'regexstring:62402202') AND "
            "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')\"}\n";
    return {};
  }
  auto name = Text(c.args[0], "command");
  if (!name) return tl::unexpected(name.error());
  for (const auto& u : kUsages) {
    if (u.name == *name) {
      out_ << u.text << "\n";
      return {};
    }
  }
  auto e = Fail("Unknown command '" + *name + "'. Try 'help'.");
  e.value().unknown_command = true;
  return e;
}

Shell::Shell(TableStore* store, std::ostream* out, ShellOptions options)
    : store_(store), out_(out), options_(options) {}

bool Shell::Execute(std::string_view statement) {
  const auto start = std::chrono::steady_clock::now();
  auto cmd = ParseCommand(statement);
  if (!cmd) {
    *out_ << "ERROR: " << cmd.error().message() << "\n\n";
    return false;
  }
  if (cmd->name == "exit" || cmd->name == "quit") {
    exited_ = true;
    return true;
  }
  Session session(store_, *out_);
  const Outcome o = session.Run(*cmd);
  if (!o) {
    *out_ << "ERROR: " << o.error().message << "\n";
    if (o.error().usage) {
      for (const auto& u : kUsages) {
        if (u.name == cmd->name) *out_ << "\nUsage:\n" << u.text << "\n";
      }
    }
    if (!o.error().unknown_command) {
      *out_ << "\nFor usage try 'help \"" << cmd->name << "\"'\n";
    }
    *out_ << "\n";
  }
  if (options_.show_timing && cmd->name != "help") {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "Took %.4f seconds\n", secs);
    *out_ << buf;
  }
  if (o && !session.after_.empty()) *out_ << session.after_ << "\n";
  out_->flush();
  return o.has_value();
}

int Shell::RunScript(std::string_view script) {
  int failed = 0;
  for (const std::string& s : SplitStatements(script)) {
    if (!Execute(s)) ++failed;
    if (exited_) break;
  }
  return failed;
}

}  // namespace smartcar::table::shell

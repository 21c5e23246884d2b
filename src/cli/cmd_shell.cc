// `smartcar shell`: the HBase shell's table commands on the embedded table store.
//   smartcar shell [--data DIR] [-e COMMANDS]
// With -e, runs COMMANDS (newline or ';' separated) and exits; with stdin not a terminal, runs
// it as a script; otherwise an interactive prompt with line editing and history (readline).
#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "pipeline/stores.h"
#include "table/shell/command_parser.h"
#include "table/shell/shell.h"
#include "table/table.h"

namespace smartcar::cli {
namespace {

struct ShellFlags {
  std::string data = "smartcar-data";
  std::string execute;
  bool execute_given = false;
  bool no_timing = false;
  bool read_only = false;
};

int Interactive(table::shell::Shell* shell) {
  std::string buffer;
  int line_no = 1;
  std::cout << "SmartCar table shell; enter 'help' for the commands, 'exit' to leave.\n";
  while (!shell->exited()) {
    char prompt[64];
    std::snprintf(prompt, sizeof prompt, "smartcar(table):%03d:%d%s ", line_no,
                  buffer.empty() ? 0 : 1, buffer.empty() ? ">" : "*");
    std::unique_ptr<char, decltype(&std::free)> line(readline(prompt), &std::free);
    if (!line) break;  // Ctrl-D.
    if (line.get()[0] != '\0') add_history(line.get());
    buffer += line.get();
    buffer += '\n';
    if (!table::shell::IsStatementComplete(buffer)) continue;
    shell->RunScript(buffer);
    buffer.clear();
    ++line_no;
  }
  std::cout << "\n";
  return kExitOk;
}

int RunShell(const ShellFlags& f) {
  if (Status s = CheckDataDir(f.data); !s.ok()) {
    std::fprintf(stderr, "smartcar shell: %s\n", s.message().c_str());
    return kExitUsage;
  }
  auto store = table::TableStore::Open({.data_dir = f.data, .read_only = f.read_only});
  if (!store) {
    std::fprintf(stderr, "smartcar shell: %s\n",
                 pipeline::ExplainBusy(store.error(), f.data).ToString().c_str());
    return kExitFailure;
  }
  table::shell::Shell shell(store->get(), &std::cout, {.show_timing = !f.no_timing});
  if (f.execute_given) return shell.RunScript(f.execute) == 0 ? kExitOk : kExitFailure;
  if (isatty(STDIN_FILENO) != 0) return Interactive(&shell);
  const std::string script((std::istreambuf_iterator<char>(std::cin)),
                           std::istreambuf_iterator<char>());
  return shell.RunScript(script) == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterShell(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<ShellFlags>();
  CLI::App* sh = app->add_subcommand(
      "shell",
      "HBase shell commands on the table store: create, list, describe, disable, enable, drop,\n"
      "truncate, put, get, delete, deleteall, scan, count, exists, help.\n"
      "Interactive on a terminal; otherwise runs -e COMMANDS or stdin as a script.");
  sh->add_option("--data", flags->data, "Data folder (tables live in DIR/table/)")
      ->capture_default_str();
  sh->add_option("-e,--execute", flags->execute,
                 "Run these commands (separated by newlines or ';') and exit; exit code 1 if "
                 "any failed");
  sh->add_flag("--no-timing", flags->no_timing, "Leave out the 'Took X seconds' lines");
  sh->add_flag("--read-only", flags->read_only,
               "Open the tables read-only: works while `smartcar run` is writing them (each table "
               "reads as of its first use); put, delete and schema changes are refused");
  sh->callback([flags, exit_code, sh] {
    flags->execute_given = sh->count("--execute") > 0;
    *exit_code = RunShell(*flags);
  });
}

}  // namespace smartcar::cli

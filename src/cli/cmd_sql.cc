// `smartcar sql`: DuckDB SQL over the warehouse tables (each one a view over its partitions).
// With -e, runs the statements and exits; otherwise reads statements ending in ';' from stdin,
// with line editing and history (readline) when stdin is a terminal.
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
#include "hive/hive.h"
#include "pipeline/drive_info_view.h"
#include "warehouse/result_format.h"
#include "warehouse/warehouse.h"

namespace smartcar::cli {
namespace {

struct SqlFlags {
  std::string execute;
  std::string into;  // --into TABLE --date D: store the rows as that partition.
  std::string date;
  std::string format = "table";
  std::string data = "smartcar-data";
  std::string dialect = "duckdb";
};

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Runs one batch of SQL, printing rows or DuckDB's error. Returns true on success.
bool RunOne(warehouse::Warehouse* w, const std::string& sql, warehouse::OutputFormat format) {
  auto r = w->Query(sql);
  if (!r) {
    std::fprintf(stderr, "%s\n", r.error().message().c_str());
    return false;
  }
  if (!r->columns.empty()) std::fputs(warehouse::FormatResult(*r, format).c_str(), stdout);
  std::fflush(stdout);
  return true;
}

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.smartcar_sql_history";
}

// Meta commands of the interactive shell; returns true if `line` was one.
bool MetaCommand(warehouse::Warehouse* w, const std::string& line, bool* quit) {
  if (line == ".quit" || line == ".exit" || line == "\\q") {
    *quit = true;
    return true;
  }
  if (line == ".tables") {
    auto tables = w->Tables();
    if (tables) {
      for (const auto& t : *tables) std::printf("%s\n", t.c_str());
    }
    return true;
  }
  if (line == ".help") {
    std::printf(
        "End each statement with ';'. Tables: .tables  Quit: .quit (or Ctrl-D)\n"
        "Example: SELECT wrk_date, count(*) FROM SmartCar_Status_Info GROUP BY ALL;\n");
    return true;
  }
  return false;
}

int RunInteractive(warehouse::Warehouse* w, warehouse::OutputFormat format) {
  const std::string history = HistoryPath();
  using_history();
  (void)read_history(history.c_str());
  std::printf("smartcar sql: DuckDB over %s. End statements with ';', .help for help.\n",
              w->root().c_str());
  std::string buffer;
  bool quit = false;
  while (!quit) {
    char* raw = readline(buffer.empty() ? "smartcar> " : "      ...> ");
    if (raw == nullptr) break;  // Ctrl-D.
    std::string line(raw);
    std::free(raw);
    const std::string trimmed = Trim(line);
    if (buffer.empty() && MetaCommand(w, trimmed, &quit)) {
      add_history(trimmed.c_str());
      continue;
    }
    buffer += line + "\n";
    if (!trimmed.empty() && trimmed.back() == ';') {
      const std::string stmt = Trim(buffer);
      add_history(stmt.c_str());
      (void)RunOne(w, stmt, format);
      buffer.clear();
    }
  }
  (void)write_history(history.c_str());
  (void)history_truncate_file(history.c_str(), 1000);
  return kExitOk;
}

// Statements from a pipe: each ends at a line ending in ';'. Exit 1 if any failed.
int RunScript(warehouse::Warehouse* w, warehouse::OutputFormat format) {
  std::string buffer, line;
  bool ok = true;
  while (std::getline(std::cin, line)) {
    buffer += line + "\n";
    const std::string trimmed = Trim(line);
    if (!trimmed.empty() && trimmed.back() == ';') {
      ok = RunOne(w, buffer, format) && ok;
      buffer.clear();
    }
  }
  if (!Trim(buffer).empty()) ok = RunOne(w, buffer, format) && ok;
  return ok ? kExitOk : kExitFailure;
}

int RunSql(const SqlFlags& f, bool has_execute) {
  if (f.dialect == "hive") {
    if (!f.into.empty()) {
      std::fprintf(stderr, "smartcar sql: --into is DuckDB's; in HiveQL write INSERT OVERWRITE\n");
      return kExitUsage;
    }
    std::string script = f.execute;
    if (!has_execute) {
      script.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }
    return RunHive(f.data, script, {}, {}, /*silent=*/false);
  }
  if (f.dialect != "duckdb") {
    std::fprintf(stderr, "smartcar sql: --dialect is duckdb or hive, not '%s'\n",
                 f.dialect.c_str());
    return kExitUsage;
  }
  auto format = warehouse::ParseOutputFormat(f.format);
  if (!format) {
    std::fprintf(stderr, "smartcar sql: %s\n", format.error().message().c_str());
    return kExitUsage;
  }
  // DriverCarInfo (the pilot's SmartCar_Drive_Info), read-only, exported before each statement.
  pipeline::RegisterDriveInfoView();
  // Hive tables (`smartcar hive`) as views in schema `hive`, found after main's tables.
  hive::RegisterHiveViews();
  if (Status s = CheckDataDir(f.data); !s.ok()) {
    std::fprintf(stderr, "smartcar sql: %s\n", s.message().c_str());
    return kExitUsage;
  }
  warehouse::WarehouseOptions options;
  options.data_dir = f.data;
  auto w = warehouse::Warehouse::Open(options);
  if (!w) {
    std::fprintf(stderr, "smartcar sql: %s\n", w.error().message().c_str());
    return kExitFailure;
  }
  if (auto r = (*w)->Query("CREATE SCHEMA IF NOT EXISTS hive; SET search_path = 'main,hive'"); !r) {
    std::fprintf(stderr, "smartcar sql: %s\n", r.error().message().c_str());
    return kExitFailure;
  }
  if (!f.into.empty()) {
    if (!has_execute || f.date.empty()) {
      std::fprintf(stderr, "smartcar sql: --into needs -e SELECT... and --date yyyyMMdd\n");
      return kExitUsage;
    }
    auto r = (*w)->StoreQuery(f.into, f.date, f.execute);
    if (!r) {
      std::fprintf(stderr, "smartcar sql: %s\n", r.error().message().c_str());
      return r.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
    }
    std::printf("stored %llu rows as %s wrk_date=%s\n", static_cast<unsigned long long>(r->rows),
                f.into.c_str(), f.date.c_str());
    return kExitOk;
  }
  if (has_execute) return RunOne(w->get(), f.execute, *format) ? kExitOk : kExitFailure;
  if (isatty(STDIN_FILENO)) return RunInteractive(w->get(), *format);
  return RunScript(w->get(), *format);
}

}  // namespace

void RegisterSql(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<SqlFlags>();
  CLI::App* sql = app->add_subcommand(
      "sql",
      "DuckDB SQL over the warehouse: every table (SmartCar_Status_Info, the reports...) is a\n"
      "view over its Parquet partitions; filter on wrk_date to read only those days.\n"
      "DriverCarInfo (the pilot's SmartCar_Drive_Info) is a read-only view of the driving table,\n"
      "a snapshot taken before each statement (works while `smartcar run` is writing).\n"
      "Hive tables (`smartcar hive`) are views too, in schema `hive` (hive.<table>; the bare\n"
      "name works when no warehouse table has it). --dialect hive runs HiveQL instead.\n"
      "Without -e: an interactive shell with history (or statements from a pipe).");
  CLI::Option* e = sql->add_option("-e,--execute", flags->execute, "SQL to run, then exit");
  sql->add_option("--format", flags->format, "table, csv or json")->capture_default_str();
  sql->add_option("--into", flags->into,
                  "Store the rows of -e's SELECT as partition --date of this table (replacing "
                  "it atomically; the pilot's `insert overwrite`)");
  sql->add_option("--date", flags->date, "The partition --into writes, yyyyMMdd");
  sql->add_option("--data", flags->data, "Data folder")->capture_default_str();
  sql->add_option("--dialect", flags->dialect,
                  "duckdb, or hive: the statements are HiveQL, run as `smartcar hive -e` does")
      ->capture_default_str();
  sql->callback([flags, exit_code, e] { *exit_code = RunSql(*flags, e->count() > 0); });
}

}  // namespace smartcar::cli

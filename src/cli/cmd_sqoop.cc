// `smartcar sqoop export|import`: Sqoop 1's command lines against PostgreSQL (rdbms/sqoop.h).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "cli/commands.h"
#include "rdbms/delimited.h"
#include "rdbms/sqoop.h"

namespace smartcar::cli {
namespace {

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    const size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Sqoop reads its null-string flags with Java escapes, so the usual '\\N' means \N (Hive's
// NULL): a doubled backslash is one backslash.
std::string UnescapeNull(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') ++i;
    out.push_back(s[i]);
  }
  return out;
}

struct ConnectionFlags {
  rdbms::ConnectionOptions options;
  bool ask_password = false;  // -P
  int mappers = 1;            // -m: accepted; one COPY stream does the work.
};

void AddConnectionFlags(CLI::App* cmd, ConnectionFlags* f) {
  cmd->add_option("--connect", f->options.connect,
                  "jdbc:postgresql://HOST[:PORT]/DATABASE[?currentSchema=S&sslmode=...]")
      ->required();
  cmd->add_option("--username", f->options.username, "Database user");
  cmd->add_option("--password", f->options.password,
                  "Password (visible in `ps`; prefer --password-file or PGPASSWORD)");
  cmd->add_option("--password-file", f->options.password_file,
                  "File holding the password (one trailing newline ignored)");
  cmd->add_flag("-P", f->ask_password, "Read the password from the terminal");
  cmd->add_option("-m,--num-mappers", f->mappers,
                  "Accepted for Sqoop compatibility; one COPY stream moves the rows")
      ->capture_default_str();
  cmd->add_flag("--direct,--batch,--verbose")
      ->description("Accepted for Sqoop compatibility (COPY is always used)");
}

bool ResolvePassword(ConnectionFlags* f, const char* cmd) {
  if (!f->ask_password) return true;
  const char* p = ::getpass("Enter password: ");
  if (p == nullptr) {
    std::fprintf(stderr, "smartcar sqoop %s: -P: cannot read a password from the terminal\n", cmd);
    return false;
  }
  f->options.password = p;
  return true;
}

// The delimiter flags of one side of a transfer (`prefix` "--input-" for what an export reads,
// "--" for what an import writes) into *format; "" leaves a setting as it is.
Status ParseTextFormat(const std::string& prefix, const std::string& fields,
                       const std::string& enclosed, const std::string& optionally_enclosed,
                       const std::string& escaped, rdbms::TextFormat* format) {
  auto sep = rdbms::ParseDelimiterFlag(fields, prefix + "fields-terminated-by");
  if (!sep) return sep.error();
  format->fields_terminated_by = *sep;
  for (const auto& [text, name, optional] :
       {std::tuple{&enclosed, "enclosed-by", false},
        std::tuple{&optionally_enclosed, "optionally-enclosed-by", true}}) {
    if (text->empty()) continue;
    auto c = rdbms::ParseDelimiterFlag(*text, prefix + name);
    if (!c) return c.error();
    format->enclosed_by = *c;
    format->enclosure_optional = optional;
  }
  if (!escaped.empty()) {
    auto c = rdbms::ParseDelimiterFlag(escaped, prefix + "escaped-by");
    if (!c) return c.error();
    format->escaped_by = *c;
  }
  return Status::OK();
}

struct ExportFlags {
  ConnectionFlags conn;
  rdbms::ExportOptions options;
  std::string columns;
  std::string update_key;
  std::string update_mode = "updateonly";
  std::string fields = ",";
  std::string enclosed;
  std::string optionally_enclosed;
  std::string escaped;
  std::string null_string;
  std::string null_non_string;
  bool null_string_set = false;
  bool null_non_string_set = false;
  bool not_idempotent = false;
};

int RunExport(ExportFlags& f, const CLI::App* cmd) {
  if (!ResolvePassword(&f.conn, "export")) return kExitUsage;
  rdbms::ExportOptions o = f.options;
  o.connection = f.conn.options;
  o.columns = SplitCommas(f.columns);
  o.update_keys = SplitCommas(f.update_key);
  o.idempotent = !f.not_idempotent;
  if (f.update_mode == "allowinsert") {
    o.allow_insert = true;
  } else if (f.update_mode != "updateonly") {
    std::fprintf(stderr,
                 "smartcar sqoop export: --update-mode '%s': expected updateonly or allowinsert\n",
                 f.update_mode.c_str());
    return kExitUsage;
  }
  if (Status st = ParseTextFormat("--input-", f.fields, f.enclosed, f.optionally_enclosed,
                                  f.escaped, &o.input);
      !st.ok()) {
    std::fprintf(stderr, "smartcar sqoop export: %s\n", st.message().c_str());
    return kExitUsage;
  }
  if (cmd->count("--input-null-string") > 0) o.input_null_string = UnescapeNull(f.null_string);
  if (cmd->count("--input-null-non-string") > 0) {
    o.input_null_non_string = UnescapeNull(f.null_non_string);
  }

  const auto start = std::chrono::steady_clock::now();
  auto r = rdbms::Export(o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r) {
    std::fprintf(stderr, "smartcar sqoop export: %s\n", r.error().message().c_str());
    return r.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  if (r->already_exported) {
    std::printf(
        "already exported: %s from %s with the same %llu input lines (digest %s) committed before; "
        "nothing written (--not-idempotent to export again)\n",
        o.table.c_str(), o.export_dir.c_str(), static_cast<unsigned long long>(r->lines),
        r->digest.c_str());
  } else {
    std::printf(
        "exported %llu rows to %s in %.2f s (%.0f rows/s): %llu inserted, %llu updated; "
        "%llu lines from %llu files, %llu rejected\n",
        static_cast<unsigned long long>(r->rows), o.table.c_str(), seconds,
        seconds > 0 ? static_cast<double>(r->rows) / seconds : 0.0,
        static_cast<unsigned long long>(r->inserted), static_cast<unsigned long long>(r->updated),
        static_cast<unsigned long long>(r->lines), static_cast<unsigned long long>(r->files),
        static_cast<unsigned long long>(r->rejects));
  }
  if (r->rejects > 0) {
    std::fprintf(stderr, "rejected %llu lines (first: %s); dead letters in %s\n",
                 static_cast<unsigned long long>(r->rejects), r->first_reject.c_str(),
                 r->dead_letter_path.c_str());
  }
  return kExitOk;
}

struct ImportFlags {
  ConnectionFlags conn;
  rdbms::ImportOptions options;
  std::string columns;
  std::string fields = ",";
  std::string enclosed;
  std::string optionally_enclosed;
};

int RunImport(ImportFlags& f) {
  if (!ResolvePassword(&f.conn, "import")) return kExitUsage;
  rdbms::ImportOptions o = f.options;
  o.connection = f.conn.options;
  o.columns = SplitCommas(f.columns);
  o.null_string = UnescapeNull(o.null_string);
  o.null_non_string = UnescapeNull(o.null_non_string);
  if (Status st = ParseTextFormat("--", f.fields, f.enclosed, f.optionally_enclosed, "", &o.output);
      !st.ok()) {
    std::fprintf(stderr, "smartcar sqoop import: %s\n", st.message().c_str());
    return kExitUsage;
  }
  const auto start = std::chrono::steady_clock::now();
  auto r = rdbms::Import(o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r) {
    std::fprintf(stderr, "smartcar sqoop import: %s\n", r.error().message().c_str());
    return r.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  std::printf("imported %llu rows (%zu columns) into %s in %.2f s\n",
              static_cast<unsigned long long>(r->rows), r->columns.size(), r->path.c_str(),
              seconds);
  return kExitOk;
}

}  // namespace

void RegisterSqoop(CLI::App* app, int* exit_code) {
  CLI::App* sq = app->add_subcommand(
      "sqoop",
      "Sqoop 1's export/import between warehouse/Hive table folders and PostgreSQL (libpq COPY).\n"
      "The pilot's `sqoop export --connect jdbc:postgresql://... --table T --export-dir D`\n"
      "runs unchanged as `smartcar sqoop export ...` (docs/SQOOP.md).");
  sq->require_subcommand(1);

  auto ex = std::make_shared<ExportFlags>();
  CLI::App* e = sq->add_subcommand(
      "export",
      "Export delimited files (a Hive text table folder, or /user/hive/warehouse/<table> for a\n"
      "warehouse table) into an existing table, in ONE transaction: all rows or none. The\n"
      "export is recorded in table smartcar_sqoop_exports: re-running the same export writes\n"
      "nothing. Bad lines and values the database refuses go to a dead-letter file.");
  AddConnectionFlags(e, &ex->conn);
  e->add_option("--table", ex->options.table, "Target table (must exist)")->required();
  e->add_option("--export-dir", ex->options.export_dir, "Folder (or file) of delimited text")
      ->required();
  e->add_option("--data", ex->options.data_dir, "Data folder (for warehouse tables)")
      ->capture_default_str();
  e->add_option("--columns", ex->columns, "Target columns the fields fill, comma-separated");
  e->add_option("--input-fields-terminated-by", ex->fields, "Field separator (\\t, \\001 ok)")
      ->capture_default_str();
  e->add_option("--input-enclosed-by", ex->enclosed, "Character every field is enclosed in");
  e->add_option("--input-optionally-enclosed-by", ex->optionally_enclosed,
                "Character fields may be enclosed in");
  e->add_option("--input-escaped-by", ex->escaped, "Escape character");
  e->add_option("--input-null-string", ex->null_string,
                "Text read as NULL in string columns (default: null)");
  e->add_option("--input-null-non-string", ex->null_non_string,
                "Text read as NULL in other columns (default: null and the empty string)");
  e->add_option("--update-key", ex->update_key,
                "UPDATE rows matching these columns instead of inserting");
  e->add_option("--update-mode", ex->update_mode, "updateonly or allowinsert (upsert)")
      ->capture_default_str();
  e->add_option("--staging-table", ex->options.staging_table,
                "Fill this table first, then move its rows in the same transaction");
  e->add_flag("--clear-staging-table", ex->options.clear_staging_table,
              "Empty the staging table first");
  e->add_option("--dead-letter", ex->options.dead_letter_path,
                "Rejected lines (default DATA/dead-letter/sqoop-export-<table>.txt)");
  e->add_option("--max-rejects", ex->options.max_rejects,
                "Fail (writing nothing) past this many rejected lines")
      ->capture_default_str();
  e->add_flag("--not-idempotent", ex->not_idempotent,
              "Do not record the export; a re-run inserts the rows again (Sqoop's behaviour)");
  e->callback([ex, e, exit_code] { *exit_code = RunExport(*ex, e); });

  auto im = std::make_shared<ImportFlags>();
  CLI::App* i = sq->add_subcommand(
      "import",
      "Import a table (or a --query) into --target-dir/part-m-00000 (delimited text), or with\n"
      "--hive-import as one day's partition of a warehouse table. Written aside, then renamed:\n"
      "a failed import leaves the old data.");
  AddConnectionFlags(i, &im->conn);
  i->add_option("--table", im->options.table, "Source table");
  i->add_option("--query", im->options.query, "SELECT ... WHERE $CONDITIONS (instead of --table)");
  i->add_option("--columns", im->columns, "Columns to import, comma-separated");
  i->add_option("--where", im->options.where, "SQL condition on the source table");
  i->add_option("--target-dir", im->options.target_dir, "Folder to create");
  i->add_flag("--delete-target-dir", im->options.delete_target_dir,
              "Replace --target-dir if it exists");
  i->add_option("--fields-terminated-by", im->fields, "Field separator")->capture_default_str();
  i->add_option("--enclosed-by", im->enclosed, "Enclose every field in this character");
  i->add_option("--optionally-enclosed-by", im->optionally_enclosed,
                "Enclose fields that need it in this character (default \")");
  i->add_option("--null-string", im->options.null_string, "NULL in string columns")
      ->capture_default_str();
  i->add_option("--null-non-string", im->options.null_non_string, "NULL in other columns")
      ->capture_default_str();
  i->add_flag("--hive-import", im->options.hive_import, "Land the rows in the warehouse");
  i->add_option("--hive-table", im->options.hive_table, "Warehouse table (default: --table)");
  i->add_option("--hive-partition-key", im->options.hive_partition_key, "Must be wrk_date")
      ->capture_default_str();
  i->add_option("--hive-partition-value", im->options.hive_partition_value,
                "The day yyyyMMdd the rows land in");
  i->add_option("--data", im->options.data_dir, "Data folder")->capture_default_str();
  i->callback([im, exit_code] { *exit_code = RunImport(*im); });
}

}  // namespace smartcar::cli

// `smartcar hive`: HiveQL on the warehouse, with the flags of Hive's own CLI (-e, -f, --hivevar,
// -d, --hiveconf, -S). Rows go to stdout tab-separated (NULL as "NULL"), what Hive prints on
// stderr ("OK", "Loading data to table …") goes to stderr; the first failing statement ends the
// run with "FAILED: <where and why>" and exit code 1, as `hive -f` does.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/file.h"
#include "hive/hive.h"
#include "pipeline/drive_info_view.h"

namespace smartcar::cli {
namespace {

struct HiveFlags {
  std::string execute;
  std::string file;
  std::vector<std::string> hivevar;
  std::vector<std::string> hiveconf;
  std::string data = "smartcar-data";
  bool silent = false;
};

bool SplitAssignment(const std::string& kv, std::map<std::string, std::string>* out) {
  const size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  (*out)[kv.substr(0, eq)] = kv.substr(eq + 1);
  return true;
}

}  // namespace

int RunHive(const std::string& data, const std::string& script,
            const std::map<std::string, std::string>& hivevar,
            const std::map<std::string, std::string>& hiveconf, bool silent) {
  // Like Hive's first run, a new data folder is created (its metastore starts empty).
  if (Status s = CreateFolders(data); !s.ok()) {
    std::fprintf(stderr, "smartcar hive: %s\n", s.message().c_str());
    return kExitFailure;
  }
  // SmartCar_Drive_Info (an HBase-handler table) reads DriverCarInfo's snapshot.
  pipeline::RegisterDriveInfoView();
  hive::Options options;
  options.data_dir = data;
  options.hivevar = hivevar;
  options.hiveconf = hiveconf;
  auto session = hive::Session::Open(options);
  if (!session) {
    std::fprintf(stderr, "smartcar hive: %s\n", session.error().message().c_str());
    return kExitFailure;
  }
  Status s = (*session)->RunScript(script, [&](const hive::Output& o) {
    if (o.has_rows) {
      std::fputs(hive::FormatRows(o.rows, (*session)->PrintHeader()).c_str(), stdout);
      std::fflush(stdout);
    }
    if (!silent) {
      for (const std::string& m : o.messages) std::fprintf(stderr, "%s\n", m.c_str());
    }
  });
  if (!s.ok()) {
    std::fprintf(stderr, "FAILED: %s\n", s.message().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

void RegisterHive(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<HiveFlags>();
  CLI::App* cmd = app->add_subcommand(
      "hive",
      "HiveQL on the warehouse, as Hive's CLI runs it (docs/HIVE.md): CREATE [EXTERNAL] TABLE\n"
      "over folders of the data folder's HDFS namespace (<data>/hdfs/…, where the collector's\n"
      "hdfs sink writes), ALTER TABLE ADD/DROP PARTITION, MSCK REPAIR TABLE, SHOW, DESCRIBE,\n"
      "INSERT OVERWRITE/INTO with static and dynamic partitions, LOAD DATA, INSERT OVERWRITE\n"
      "[LOCAL] DIRECTORY, CREATE TABLE AS SELECT, and SELECT with Hive's semantics. Tables are\n"
      "kept in a metastore in the data folder; `smartcar sql` sees them in schema `hive`.\n"
      "Without -e or -f: statements from stdin.");
  cmd->add_option("-e", flags->execute, "HiveQL to run (several statements separated by ';')");
  cmd->add_option("-f", flags->file, "A HiveQL script file to run");
  cmd->add_option("--hivevar,-d,--define", flags->hivevar,
                  "k=v: ${k} and ${hivevar:k} in the statements become v (repeatable)");
  cmd->add_option("--hiveconf", flags->hiveconf,
                  "k=v: a setting (e.g. hive.cli.print.header=true), also ${hiveconf:k}");
  cmd->add_flag("-S,--silent", flags->silent, "Print only the rows (no OK / Loading data lines)");
  cmd->add_option("--data", flags->data, "Data folder")->capture_default_str();
  cmd->callback([flags, exit_code] {
    std::map<std::string, std::string> vars, conf;
    for (const std::string& kv : flags->hivevar) {
      if (!SplitAssignment(kv, &vars)) {
        std::fprintf(stderr, "smartcar hive: --hivevar wants k=v, got '%s'\n", kv.c_str());
        *exit_code = kExitUsage;
        return;
      }
    }
    for (const std::string& kv : flags->hiveconf) {
      if (!SplitAssignment(kv, &conf)) {
        std::fprintf(stderr, "smartcar hive: --hiveconf wants k=v, got '%s'\n", kv.c_str());
        *exit_code = kExitUsage;
        return;
      }
    }
    if (!flags->execute.empty() && !flags->file.empty()) {
      std::fprintf(stderr, "smartcar hive: give -e or -f, not both\n");
      *exit_code = kExitUsage;
      return;
    }
    std::string script = flags->execute;
    if (!flags->file.empty()) {
      auto text = ReadFileToString(flags->file, "HiveQL script");
      if (!text) {
        std::fprintf(stderr, "smartcar hive: %s\n", text.error().message().c_str());
        *exit_code = kExitUsage;
        return;
      }
      script = *text;
    } else if (flags->execute.empty()) {
      script.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }
    *exit_code = RunHive(flags->data, script, vars, conf, flags->silent);
  });
}

}  // namespace smartcar::cli

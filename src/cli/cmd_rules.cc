// `smartcar rules check FILE.epl` and `smartcar rules run FILE.epl [--input LOG|-] [--stmt NAME]
// [--flush]`: validate an EPL rule file, or replay a driving log through it (no other stage).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cep/engine.h"
#include "cep/rule_folder.h"
#include "cep/rule_runner.h"
#include "cli/commands.h"
#include "core/file.h"
#include "core/line_reader.h"

namespace smartcar::cli {
namespace {

bool ReadRuleFile(const std::string& path, std::string* text) {
  auto read = ReadFileToString(path, "rule file");
  if (!read) {
    std::fprintf(stderr, "smartcar rules: %s\n", read.error().message().c_str());
    return false;
  }
  *text = std::move(*read);
  return true;
}

int RunCheckFile(const std::string& path) {
  std::string text;
  if (!ReadRuleFile(path, &text)) return kExitFailure;
  Result<cep::CompiledRule> rule = cep::Compile(text);
  if (!rule) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), rule.error().message().c_str());
    return kExitFailure;
  }
  const std::vector<std::string> names = rule->statement_names();
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  std::printf("%s: OK, %zu statement%s: %s\n", path.c_str(), names.size(),
              names.size() == 1 ? "" : "s", list.c_str());
  return kExitOk;
}

// A file, or every *.epl file of a folder (what `smartcar run --rules DIR` deploys).
int RunCheck(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return RunCheckFile(path);
  auto files = cep::ListRuleFiles(path);
  if (!files) {
    std::fprintf(stderr, "smartcar rules: %s\n", files.error().message().c_str());
    return kExitFailure;
  }
  int rc = kExitOk;
  for (const std::string& f : *files) rc = std::max(rc, RunCheckFile(f));
  return rc;
}

struct RunFlags {
  std::string rule_file;
  std::string input = "-";
  std::string stmt;
  bool flush = false;
  double lateness_seconds = 0;
};

int RunRun(const RunFlags& f) {
  std::string text;
  if (!ReadRuleFile(f.rule_file, &text)) return kExitFailure;
  Result<cep::CompiledRule> rule = cep::Compile(text);
  if (!rule) {
    std::fprintf(stderr, "%s: %s\n", f.rule_file.c_str(), rule.error().message().c_str());
    return kExitFailure;
  }
  if (!(f.lateness_seconds >= 0) || f.lateness_seconds > 1e9) {
    std::fprintf(stderr, "smartcar rules run: --lateness must be a non-negative number\n");
    return kExitUsage;
  }
  cep::RunOptions options;
  options.only_statement = f.stmt;
  options.flush = f.flush;
  options.allowed_lateness_ms = static_cast<int64_t>(std::llround(f.lateness_seconds * 1000));

  std::unique_ptr<LineReader> reader;
  std::string stdin_line;
  std::function<bool(std::string_view*)> next;
  if (f.input == "-") {
    next = [&](std::string_view* line) {
      if (!std::getline(std::cin, stdin_line)) return false;
      *line = stdin_line;
      return true;
    };
  } else {
    Result<std::unique_ptr<LineReader>> r = LineReader::Open(f.input);
    if (!r) {
      std::fprintf(stderr, "smartcar rules run: %s\n", r.error().message().c_str());
      return kExitFailure;
    }
    reader = std::move(*r);
    next = [&](std::string_view* line) { return reader->Next(line); };
  }
  std::string out;
  Result<cep::RunStats> stats = cep::RunRules(
      *rule, options, next,
      [&](std::string_view json) {
        out.assign(json);
        out.push_back('\n');
        std::fwrite(out.data(), 1, out.size(), stdout);
      },
      [&](std::string_view warning) {
        std::fprintf(stderr, "%s: %.*s (skipped)\n", f.input == "-" ? "stdin" : f.input.c_str(),
                     static_cast<int>(warning.size()), warning.data());
      });
  std::fflush(stdout);
  if (!stats) {
    std::fprintf(stderr, "smartcar rules run: %s\n", stats.error().message().c_str());
    return kExitFailure;
  }
  if (reader && !reader->status().ok()) {
    std::fprintf(stderr, "smartcar rules run: %s\n", reader->status().message().c_str());
    return kExitFailure;
  }
  if (stats->bad_lines > 0) {
    std::fprintf(stderr, "smartcar rules run: %llu bad line(s) skipped, %llu events replayed\n",
                 static_cast<unsigned long long>(stats->bad_lines),
                 static_cast<unsigned long long>(stats->events));
  }
  return kExitOk;
}

}  // namespace

void RegisterRules(CLI::App* app, int* exit_code) {
  CLI::App* rules = app->add_subcommand("rules",
                                        "EPL rules: check a rule file, replay a log, backtest on "
                                        "stored history, deploy to every instance");
  rules->require_subcommand(1);
  rules->footer(cep::LanguageHelp());

  auto check_file = std::make_shared<std::string>();
  CLI::App* check = rules->add_subcommand(
      "check", "Parse and type-check a rule file; exits non-zero with line:column on error");
  check->add_option("file", *check_file, "Rule file (.epl), or a folder: every *.epl in it")
      ->required();
  check->callback([check_file, exit_code] { *exit_code = RunCheck(*check_file); });

  auto flags = std::make_shared<RunFlags>();
  CLI::App* run = rules->add_subcommand(
      "run",
      "Replay driving-log lines through a rule file; prints one JSON line per output row.\n"
      "Input lines '@ T' move the virtual processing clock to T seconds.");
  run->add_option("file", flags->rule_file, "Rule file (.epl)")->required();
  run->add_option("--input", flags->input, "Driving log (plain or .gz), or - for stdin")
      ->capture_default_str();
  run->add_option("--stmt", flags->stmt, "Print only this statement's rows");
  run->add_flag("--flush", flags->flush,
                "At end of input, deliver open batches (default: no end-of-input flush)");
  run->add_option("--lateness", flags->lateness_seconds,
                  "Allowed lateness for event-time views, in seconds (default 0)");
  run->callback([flags, exit_code] { *exit_code = RunRun(*flags); });
  AddRulesBacktest(rules, exit_code);
  AddRulesStore(rules, exit_code);
}

}  // namespace smartcar::cli

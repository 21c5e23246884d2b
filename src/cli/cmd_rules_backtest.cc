// `smartcar rules backtest RULE.epl [--against NAME|FILE] --from D [--to D] ...`: runs a rule over
// the driving events stored in the durable log as the live pipeline would have run it
// (pipeline/backtest.h) and prints, per day, its detections next to the deployed rule's and the
// difference. One file (~480 lines): the flags, the three output formats (table, json, csv) and
// the progress bar all render the same per-day comparison.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cep/engine.h"
#include "cli/cmd_queue_flags.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/topology_settings.h"
#include "coord/coordinator.h"
#include "coord/rule_store.h"
#include "core/event_time.h"
#include "core/file.h"
#include "core/line_codec.h"
#include "pipeline/backtest.h"
#include "pipeline/settings.h"
#include "pipeline/smartcar_topology.h"

namespace smartcar::cli {
namespace {

constexpr const char* kCmd = "smartcar rules backtest";

struct BacktestFlags {
  std::string rule_file;
  std::string against;
  std::string rules_dir = "rules";
  std::string from;
  std::string to;
  std::string cars;
  std::string format = "table";
  std::string out;
  int threads = 0;
  QueueFlags queue;
  CoordFlags coord;
};

int Fail(const std::string& msg, int code = kExitFailure) {
  std::fprintf(stderr, "%s: %s\n", kCmd, msg.c_str());
  return code;
}

Result<cep::CompiledRule> LoadRule(const std::string& path) {
  auto text = ReadFileToString(path, "rule file");
  if (!text) return Err(text.error());
  auto rule = cep::Compile(*text);
  if (!rule) return Err(rule.error().WithPrefix(path + ": "));
  return rule;
}

// The deployed rule to compare with: --against FILE, --against NAME (DIR/NAME.epl), or the
// deployment named like the candidate's file. Empty when there is none, or when it is the
// candidate file itself (a backtest of the deployed rule).
Result<std::string> AgainstPath(const BacktestFlags& f, std::string* note) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string path;
  if (!f.against.empty()) {
    if (fs::is_regular_file(f.against, ec) || f.against.ends_with(".epl")) {
      path = f.against;
    } else {
      path = (fs::path(f.rules_dir) / (f.against + ".epl")).string();
    }
    if (!fs::is_regular_file(path, ec)) {
      return Err(Status::NotFound("--against '" + f.against + "': no rule file " + path));
    }
  } else {
    path = (fs::path(f.rules_dir) / (fs::path(f.rule_file).stem().string() + ".epl")).string();
    if (!fs::is_regular_file(path, ec)) {
      *note = "no deployed rule " + path + " to compare with (--against NAME|FILE): showing " +
              f.rule_file + " alone";
      return std::string();
    }
  }
  if (fs::equivalent(path, f.rule_file, ec)) {
    *note = f.rule_file + " is the deployed rule: showing its detections alone";
    return std::string();
  }
  return path;
}

// The deployed rule from the coordinator's rule store (the data folder's, or --zookeeper's) when
// it holds `name`: its latest version's text, with *what naming it. nullopt when there is no
// store (an embedded one is not created by a backtest) or it does not hold `name`.
Result<std::optional<std::string>> FromStore(const BacktestFlags& f, const std::string& name,
                                             std::string* what) {
  std::error_code ec;
  if (f.coord.zookeeper.empty() &&
      !std::filesystem::is_directory(std::filesystem::path(f.queue.data_dir) / "coord", ec)) {
    return std::optional<std::string>();
  }
  if (!coord::RuleStore::CheckName(name).ok()) return std::optional<std::string>();
  auto c = OpenCoordinatorFor(f.queue.data_dir, f.coord);
  if (!c) return Err(c.error());
  auto r = coord::RuleStore(c->get()).Get(name);
  if (!r) {
    if (r.error().IsNotFound()) return std::optional<std::string>();
    return Err(r.error());
  }
  *what = name + " version " + std::to_string(r->version) + " of the rule store (" +
          (*c)->Describe() + ")";
  return std::optional<std::string>(r->text);
}

std::string Clock(int64_t ms) {
  const std::string t = FormatTimestamp14(EventTimeMs{ms});
  return t.substr(8, 2) + ":" + t.substr(10, 2) + ":" + t.substr(12, 2);
}

std::string Describe(const hot::Detection& d) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %s-%s avg %.2f km/h, %lld events (%s)", d.car.c_str(),
                Clock(d.window_start_ms).c_str(), Clock(d.window_end_ms).c_str(), d.avg_speed,
                static_cast<long long>(d.event_count), d.rule.c_str());
  return buf;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

using Report = pipeline::BacktestReport;
using pipeline::BacktestExamples;

std::string FormatTable(const Report& r) {
  std::ostringstream o;
  o << "Backtest of " << r.candidate;
  if (r.compare()) o << " against " << r.against;
  o << ", " << r.from << " .. " << r.to << " (event time, UTC)\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %10s %18s %18s %6s %8s\n", "date", "events", "candidate",
                r.compare() ? "deployed" : "", r.compare() ? "added" : "",
                r.compare() ? "removed" : "");
  o << line;
  auto side = [](size_t rows, size_t cars) {
    return std::to_string(rows) + " / " + std::to_string(cars) + " cars";
  };
  uint64_t events = 0;
  size_t c_rows = 0, d_rows = 0, added = 0, removed = 0;
  for (const pipeline::BacktestDay& d : r.days) {
    events += d.events;
    c_rows += d.candidate.size();
    d_rows += d.deployed.size();
    added += d.added.size();
    removed += d.removed.size();
    if (r.compare()) {
      std::snprintf(line, sizeof line, "%-10s %10llu %18s %18s %6zu %8zu\n", d.date.c_str(),
                    static_cast<unsigned long long>(d.events),
                    side(d.candidate.size(), d.candidate_cars.size()).c_str(),
                    side(d.deployed.size(), d.deployed_cars.size()).c_str(), d.added.size(),
                    d.removed.size());
    } else {
      std::snprintf(line, sizeof line, "%-10s %10llu %18s\n", d.date.c_str(),
                    static_cast<unsigned long long>(d.events),
                    side(d.candidate.size(), d.candidate_cars.size()).c_str());
    }
    o << line;
    if (!r.compare()) continue;
    for (const hot::Detection* x : BacktestExamples(d.candidate, d.added)) {
      o << "  + " << Describe(*x) << "\n";
    }
    for (const hot::Detection* x : BacktestExamples(d.deployed, d.removed)) {
      o << "  - " << Describe(*x) << "\n";
    }
  }
  if (r.compare()) {
    std::snprintf(line, sizeof line, "%-10s %10llu %18s %18s %6zu %8zu\n", "total",
                  static_cast<unsigned long long>(events),
                  (std::to_string(c_rows) + " rows").c_str(),
                  (std::to_string(d_rows) + " rows").c_str(), added, removed);
  } else {
    std::snprintf(line, sizeof line, "%-10s %10llu %18s\n", "total",
                  static_cast<unsigned long long>(events),
                  (std::to_string(c_rows) + " rows").c_str());
  }
  o << line;
  if (r.compare())
    o << "(+ a car only the candidate detects, - a car only the deployed rule detects)\n";
  return o.str();
}

std::string FormatCsv(const Report& r) {
  std::string s =
      "date,events,candidate_detections,candidate_cars,deployed_detections,deployed_cars,added,"
      "removed\n";
  for (const pipeline::BacktestDay& d : r.days) {
    s += d.date + "," + std::to_string(d.events) + "," + std::to_string(d.candidate.size()) + "," +
         std::to_string(d.candidate_cars.size()) + ",";
    if (r.compare()) {
      s += std::to_string(d.deployed.size()) + "," + std::to_string(d.deployed_cars.size()) + "," +
           Join(d.added, " ") + "," + Join(d.removed, " ") + "\n";
    } else {
      s += ",,,\n";
    }
  }
  return s;
}

// Every detection of both sides: JSON lines {"side":"candidate",...}, or CSV.
std::string FormatRows(const Report& r, bool csv) {
  std::string s = csv ? "side,date,car,rule,window_start,window_end,avg_speed,event_count\n" : "";
  auto add = [&](const char* side, const std::vector<hot::Detection>& ds) {
    for (const hot::Detection& d : ds) {
      if (csv) {
        char avg[32];
        std::snprintf(avg, sizeof avg, "%.17g", d.avg_speed);
        s += std::string(side) + "," + d.date + "," + d.car + "," + d.rule + "," +
             FormatTimestamp14(EventTimeMs{d.window_start_ms}) + "," +
             FormatTimestamp14(EventTimeMs{d.window_end_ms}) + "," + avg + "," +
             std::to_string(d.event_count) + "\n";
      } else {
        s += "{\"side\":\"" + std::string(side) + "\"," + hot::DetectionToJson(d).substr(1) + "\n";
      }
    }
  };
  for (const pipeline::BacktestDay& d : r.days) {
    add("candidate", d.candidate);
    add("deployed", d.deployed);
  }
  return s;
}

int RunBacktestCommand(BacktestFlags f) {
  if (f.format != "table" && f.format != "json" && f.format != "csv") {
    return Fail("--format '" + f.format + "': expected table, json or csv", kExitUsage);
  }
  if (f.to.empty()) f.to = f.from;
  auto from = ParseTimeBound(f.from, false);
  if (!from) return Fail("--from " + from.error().message(), kExitUsage);
  auto to = ParseTimeBound(f.to, true);
  if (!to) return Fail("--to " + to.error().message(), kExitUsage);
  if (*to <= *from) {
    return Fail("empty range: --from " + f.from + " is after --to " + f.to, kExitUsage);
  }
  pipeline::BacktestOptions options;
  options.from_ms = *from;
  options.to_ms = *to;
  options.hold_ms = pipeline::kDefaultCepHoldMs;
  options.topic = pipeline::kDriverTopic;
  std::stringstream cars(f.cars);
  for (std::string car; std::getline(cars, car, ',');) {
    if (car.empty()) continue;
    CarNumber n;
    if (Status s = ParseCarNumber(car, &n); !s.ok()) {
      return Fail("--cars '" + car + "': " + s.message(), kExitUsage);
    }
    options.cars.insert(car);
  }
  options.threads =
      f.threads > 0
          ? f.threads
          : static_cast<int>(std::max(1u, std::min(8u, std::thread::hardware_concurrency())));

  std::vector<cep::CompiledRule> rules;
  auto candidate = LoadRule(f.rule_file);
  if (!candidate) return Fail(candidate.error().message());
  rules.push_back(std::move(*candidate));
  std::string note;
  // A rule name (not a file) is looked up in the rule store first: what runs once it holds rules.
  std::error_code file_ec;
  const std::string name =
      f.against.empty() ? std::filesystem::path(f.rule_file).stem().string()
      : (std::filesystem::is_regular_file(f.against, file_ec) || f.against.ends_with(".epl"))
          ? std::string()
          : f.against;
  std::string stored_what;
  auto stored = name.empty() ? Result<std::optional<std::string>>(std::optional<std::string>())
                             : FromStore(f, name, &stored_what);
  if (!stored) return Fail(stored.error().ToString());
  auto against = stored->has_value() ? Result<std::string>(std::string()) : AgainstPath(f, &note);
  if (!against) return Fail(against.error().message());
  if (stored->has_value()) {
    auto deployed = cep::Compile(**stored);
    if (!deployed) return Fail(stored_what + ": " + deployed.error().message());
    rules.push_back(std::move(*deployed));
    std::fprintf(stderr, "%s: comparing with %s\n", kCmd, stored_what.c_str());
  } else if (!against->empty()) {
    auto deployed = LoadRule(*against);
    if (!deployed) return Fail(deployed.error().message());
    rules.push_back(std::move(*deployed));
  }
  if (!note.empty()) std::fprintf(stderr, "%s: %s\n", kCmd, note.c_str());

  auto log = OpenQueueOrReport(f.queue, kCmd, /*reads_only=*/true);
  if (log == nullptr) return kExitFailure;
  // The event-time index lives in the data folder (for a Kafka cluster: only when the folder
  // exists, under a name of the brokers).
  std::string index_path;
  std::error_code ec;
  if (f.queue.brokers.empty() || std::filesystem::is_directory(f.queue.data_dir, ec)) {
    index_path = pipeline::DataFolder(f.queue.data_dir)
                     .TimeIndex(pipeline::LogSourceName(f.queue.brokers), options.topic);
  }
  pipeline::EventTimeIndex index(options.topic);
  if (!index_path.empty()) {
    auto loaded = pipeline::EventTimeIndex::Load(index_path, options.topic);
    if (loaded) {
      index = std::move(*loaded);
    } else {
      std::fprintf(stderr, "%s: %s (building it again)\n", kCmd, loaded.error().message().c_str());
    }
    options.index = &index;
  }
  std::unique_ptr<Progress> progress;  // Drawn on a terminal only.
  options.progress = [&](uint64_t done, uint64_t total) {
    if (progress == nullptr) progress = std::make_unique<Progress>("records", total);
    progress->Update(done);
  };
  auto result = pipeline::RunBacktest(log.get(), rules, options);
  if (progress != nullptr) progress->Finish(result ? result->records_read : 0);
  progress.reset();
  if (!result) return Fail(result.error().message());
  if (!index_path.empty() && index.changed()) {
    if (Status s = index.Save(index_path); !s.ok()) {
      std::fprintf(stderr, "%s: %s (the next backtest reads from the start)\n", kCmd,
                   s.message().c_str());
    }
  }

  Report report;
  report.candidate = f.rule_file;
  report.against = stored->has_value() ? stored_what : *against;
  report.from = f.from;
  report.to = f.to;
  report.result = &*result;
  if (Status s = pipeline::CompareBacktestDays(
          &report, f.from + " .. " + f.to + (options.cars.empty() ? "" : " for --cars " + f.cars));
      !s.ok()) {
    return Fail(s.message());
  }
  const std::string text = f.format == "json"  ? pipeline::BacktestReportJson(report)
                           : f.format == "csv" ? FormatCsv(report)
                                               : FormatTable(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (!f.out.empty()) {
    std::ofstream out(f.out, std::ios::binary | std::ios::trunc);
    out << FormatRows(report, f.format == "csv");
    out.close();
    if (!out) return Fail("cannot write --out " + f.out);
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (result->late[i] > 0) {
      std::fprintf(stderr, "%s: %s: %llu late event(s) (as the live run would report them)\n", kCmd,
                   i == 0 ? f.rule_file.c_str() : report.against.c_str(),
                   static_cast<unsigned long long>(result->late[i]));
    }
  }
  if (result->bad_records > 0) {
    std::fprintf(stderr, "%s: %llu stored record(s) are not driving-log lines (skipped)\n", kCmd,
                 static_cast<unsigned long long>(result->bad_records));
  }
  return kExitOk;
}

}  // namespace

void AddRulesBacktest(CLI::App* rules, int* exit_code) {
  auto f = std::make_shared<BacktestFlags>();
  CLI::App* cmd = rules->add_subcommand(
      "backtest",
      "Run a rule over the driving events stored in the durable log, exactly as the live\n"
      "pipeline would have (per partition, event time, lateness, redeliveries), and compare it\n"
      "day by day with the deployed rule: detections of each, cars added and removed.");
  cmd->add_option("file", f->rule_file, "Candidate rule file (.epl)")->required();
  cmd->add_option("--against", f->against,
                  "The rule to compare with: a rule NAME — the latest version in the rule store\n"
                  "(`smartcar rules deploy`) when it holds one, else NAME.epl in --rules — or a\n"
                  "FILE (default: the name of the candidate file)");
  cmd->add_option("--rules", f->rules_dir, "Folder of the deployed rules")->capture_default_str();
  cmd->add_option("--from", f->from, "First day yyyyMMdd or second yyyyMMddHHmmss (event time)")
      ->required();
  cmd->add_option("--to", f->to, "Last day or second, inclusive (default: --from)");
  cmd->add_option("--cars", f->cars, "Only these cars, e.g. A0001,B0002");
  cmd->add_option("--format", f->format, "table, json or csv")->capture_default_str();
  cmd->add_option(
      "--out", f->out,
      "Write every detection of both rules to FILE (JSON lines; CSV with --format csv)");
  cmd->add_option("--threads", f->threads,
                  "Partitions are read by this many threads (default: the cores, at most 8)");
  AddQueueFlags(cmd, &f->queue);
  AddCoordFlags(cmd, &f->coord);
  cmd->add_option("--kafka", f->queue.brokers, "Kafka brokers HOST:PORT,... (same as --brokers)");
  cmd->footer(
      "Windows open across --from see only the events from --from on: with batches anchored on a\n"
      "grid (ext_timed_batch(date, 30 sec, 0L), the shipped rule) and whole days, the result\n"
      "equals what the live run stored. The same rule and range always print the same bytes.");
  cmd->callback([f, exit_code] { *exit_code = RunBacktestCommand(*f); });
}

}  // namespace smartcar::cli

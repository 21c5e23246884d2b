// `smartcar rules backtest` as a user runs it: on the pilot's own sample loaded into the log, and
// after a live `smartcar run`, whose hot store it must reproduce.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::ReadFile;
using testing::RunSmartcar;
using testing::TempDir;
using testing::WriteFile;

const std::string kPilotLog =
    std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarDriverInfo_20220426_20cars.log";
const std::string kRules = std::string(SMARTCAR_SOURCE_DIR) + "/rules";
const std::string kOverspeed = kRules + "/overspeed.epl";

// Runs smartcar with stdout into `out_file`; the result holds stderr.
testing::CommandResult RunToFile(const std::string& args, const std::string& out_file) {
  return testing::RunCommand("{ " + std::string(SMARTCAR_BINARY) + " " + args + " > " + out_file +
                             "; }");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

// The shipped rule with another threshold.
std::string RuleWithThreshold(const TempDir& dir, int kmh) {
  std::string rule = ReadFile(kOverspeed);
  const std::string from = "HAVING avg(speed) > 80";
  const size_t at = rule.find(from);
  EXPECT_NE(at, std::string::npos);
  rule.replace(at, from.size(), "HAVING avg(speed) > " + std::to_string(kmh));
  const std::string path = dir.file("overspeed" + std::to_string(kmh) + ".epl");
  WriteFile(path, rule);
  return path;
}

// The pilot sample in SmartCar-Topic (3 partitions keyed by car), with lines 1700-1999 appended
// twice, as a collector that crashed between appending them and committing its position would.
std::string LoadPilotSample(const TempDir& dir) {
  const std::string data = dir.file("data");
  EXPECT_EQ(RunSmartcar("topic create SmartCar-Topic --partitions 3 --data " + data).exit_code, 0);
  const auto lines = Lines(ReadFile(kPilotLog));
  auto part = [&](size_t from, size_t to) {
    std::string s;
    for (size_t i = from; i < to; ++i) s += lines[i] + "\n";
    return s;
  };
  WriteFile(dir.file("1.log"), part(0, 2000));
  WriteFile(dir.file("2.log"), part(1700, lines.size()));
  for (const std::string& f : {dir.file("1.log"), dir.file("2.log")}) {
    auto r = RunSmartcar("produce SmartCar-Topic --key-field 2 --data " + data + " < " + f);
    EXPECT_EQ(r.exit_code, 0) << r.out;
  }
  return data;
}

// Independently of the engine: each car's highest 30-second window average (windows on the
// epoch's 30-second grid, each event counted once) in the pilot sample.
std::map<std::string, double> MaxWindowAverage() {
  std::map<std::pair<std::string, int>, std::pair<double, int>> windows;
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::string& line : Lines(ReadFile(kPilotLog))) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f.size() != 8 || f[0].size() != 14 || !std::isdigit(f[0][0])) continue;
    if (!seen.insert({f[1], f[0]}).second) continue;
    const int sec = std::stoi(f[0].substr(8, 2)) * 3600 + std::stoi(f[0].substr(10, 2)) * 60 +
                    std::stoi(f[0].substr(12, 2));
    auto& w = windows[{f[1], sec / 30}];
    w.first += std::stod(f[6]);
    w.second++;
  }
  std::map<std::string, double> max;
  for (const auto& [key, w] : windows) {
    max[key.first] = std::max(max[key.first], w.first / w.second);
  }
  return max;
}

std::vector<std::string> CarsWhere(const std::map<std::string, double>& max, double above,
                                   double at_most) {
  std::vector<std::string> cars;
  for (const auto& [car, avg] : max) {
    if (avg > above && avg <= at_most) cars.push_back(car);
  }
  return cars;
}

// 80 → 100 km/h on the pilot's own sample: exactly the cars whose best window lies in (80, 100]
// are removed, none added; the same bytes every time.
TEST(CmdRulesBacktestTest, ThresholdChangeRemovesExactlyTheCarsBetween) {
  TempDir dir;
  const std::string data = LoadPilotSample(dir);
  const std::string r100 = RuleWithThreshold(dir, 100);
  const std::string args = "rules backtest " + r100 + " --against " + kOverspeed +
                           " --from 20220426 --to 20220426 --format json --data " + data;
  auto r = RunToFile(args + " --out " + dir.file("rows.jsonl"), dir.file("a.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto doc = nlohmann::json::parse(ReadFile(dir.file("a.json")));
  ASSERT_EQ(doc["days"].size(), 1u) << doc.dump();
  const auto& day = doc["days"][0];
  EXPECT_EQ(day["date"], "20220426");

  const auto max = MaxWindowAverage();
  const auto removed = CarsWhere(max, 80, 100);
  ASSERT_FALSE(removed.empty());  // The sample has such cars (P0015 at 90, O0013 at 98 km/h).
  EXPECT_EQ(day["removed"].get<std::vector<std::string>>(), removed);
  EXPECT_TRUE(day["added"].empty());
  EXPECT_EQ(day["deployed"]["cars"].get<std::vector<std::string>>(), CarsWhere(max, 80, 1e9));
  EXPECT_EQ(day["candidate"]["cars"].get<std::vector<std::string>>(), CarsWhere(max, 100, 1e9));
  // 4,709 events (the file's 20 header lines are no events); the 300 events appended again
  // are counted once.
  EXPECT_EQ(day["events"], 4709);
  EXPECT_EQ(doc["total"]["duplicates"], 300) << doc.dump();
  EXPECT_EQ(doc["total"]["late"], nlohmann::json::array({0, 0}));
  // Examples name removed cars, from the deployed rule.
  ASSERT_FALSE(day["removed_examples"].empty());
  EXPECT_TRUE(std::binary_search(removed.begin(), removed.end(),
                                 day["removed_examples"][0]["car"].get<std::string>()));

  // --out: one line per detection of each side.
  size_t candidate = 0, deployed = 0;
  for (const std::string& l : Lines(ReadFile(dir.file("rows.jsonl")))) {
    const auto row = nlohmann::json::parse(l);
    (row["side"] == "candidate" ? candidate : deployed)++;
    EXPECT_GT(row["avg_speed"].get<double>(), row["side"] == "candidate" ? 100 : 80) << l;
  }
  EXPECT_EQ(candidate, day["candidate"]["detections"].get<size_t>());
  EXPECT_EQ(deployed, day["deployed"]["detections"].get<size_t>());

  // Deterministic: the same bytes again, with one thread or four.
  for (const char* threads : {"1", "4"}) {
    r = RunToFile(args + " --threads " + threads + " --out " + dir.file("rows2.jsonl"),
                  dir.file("b.json"));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(ReadFile(dir.file("b.json")), ReadFile(dir.file("a.json")));
    EXPECT_EQ(ReadFile(dir.file("rows2.jsonl")), ReadFile(dir.file("rows.jsonl")));
  }

  // The table names the removed cars; --cars narrows to one car.
  r = RunSmartcar("rules backtest " + r100 + " --against " + kOverspeed +
                  " --from 20220426 --data " + data + " --cars " + removed[0]);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("  - " + removed[0] + " "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 cars"), std::string::npos) << r.out;
}

// Once the rule store holds the rule, "deployed" means its latest version, not the folder's file:
// a candidate at 100 km/h against a stored version at 100 adds and removes nobody, while the
// folder's file (80) would remove the cars between.
TEST(CmdRulesBacktestTest, TheDeployedRuleIsTheStoresLatestVersionOnceItHoldsOne) {
  TempDir dir;
  const std::string data = LoadPilotSample(dir);
  const std::string r100 = RuleWithThreshold(dir, 100);
  auto r = RunSmartcar("rules deploy " + r100 + " --name overspeed --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::filesystem::create_directories(dir.file("candidate"));
  WriteFile(dir.file("candidate/overspeed.epl"), ReadFile(r100));
  r = RunToFile("rules backtest " + dir.file("candidate/overspeed.epl") + " --rules " + kRules +
                    " --from 20220426 --format json --data " + data,
                dir.file("a.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("comparing with overspeed version 1 of the rule store (embedded ("),
            std::string::npos)
      << r.out;
  const auto doc = nlohmann::json::parse(ReadFile(dir.file("a.json")));
  EXPECT_NE(doc["deployed"].get<std::string>().find("of the rule store"), std::string::npos)
      << doc.dump();
  const auto& day = doc["days"][0];
  EXPECT_TRUE(day["removed"].empty()) << day.dump();
  EXPECT_TRUE(day["added"].empty()) << day.dump();
  EXPECT_EQ(day["deployed"]["cars"].get<std::vector<std::string>>(),
            CarsWhere(MaxWindowAverage(), 100, 1e9));
  // --against FILE still means that file.
  r = RunToFile("rules backtest " + dir.file("candidate/overspeed.epl") + " --against " +
                    kOverspeed + " --from 20220426 --format json --data " + data,
                dir.file("b.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto doc2 = nlohmann::json::parse(ReadFile(dir.file("b.json")));
  EXPECT_FALSE(doc2["days"][0]["removed"].empty()) << doc2.dump();
}

// A backtest of the deployed rule after a live run equals what the run stored in the hot store:
// the same cars each day, and each car's latest detection byte for byte.
TEST(CmdRulesBacktestTest, DeployedRuleEqualsTheLiveHotStore) {
  TempDir dir;
  const std::string data = dir.file("data");
  // Ten cars from 00:00 on the 26th to 00:10 on the 27th: two days.
  auto r = RunSmartcar("run --metrics-port off --data " + data + " --rules " + kRules +
                       " --date 20220426 --cars 10 --seconds 87000 --fast --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = RunToFile("rules backtest " + kOverspeed + " --rules " + kRules +
                    " --from 20220426 --to 20220427 --data " + data + " --out " +
                    dir.file("rows.jsonl") + " --format json",
                dir.file("bt.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("is the deployed rule"), std::string::npos) << r.out;
  const auto doc = nlohmann::json::parse(ReadFile(dir.file("bt.json")));
  ASSERT_EQ(doc["days"].size(), 2u) << doc.dump();
  EXPECT_EQ(doc["total"]["events"], 870000);

  // The latest detection of each car and day, from the backtest's rows.
  std::map<std::string, std::map<std::string, std::string>> latest;  // day → car → JSON
  for (const std::string& l : Lines(ReadFile(dir.file("rows.jsonl")))) {
    const std::string prefix = "{\"side\":\"candidate\",";
    ASSERT_EQ(l.rfind(prefix, 0), 0u) << l;
    const auto row = nlohmann::json::parse(l);
    latest[row["date"]][row["car"]] = "{" + l.substr(prefix.size());
  }
  size_t cars = 0;
  for (const char* date : {"20220426", "20220427"}) {
    auto hot = RunSmartcar(std::string("overspeed ") + date + " --details --data " + data);
    ASSERT_EQ(hot.exit_code, 0) << hot.out;
    std::map<std::string, std::string> stored;
    for (const std::string& l : Lines(hot.out)) {
      if (l.empty() || l[0] != '{') continue;
      stored[nlohmann::json::parse(l)["car"]] = l;
    }
    EXPECT_EQ(stored, latest[date]) << date;
    cars += stored.size();
  }
  EXPECT_GT(cars, 0u);  // The run detected someone: the comparison is not of two empty sets.
}

TEST(CmdRulesBacktestTest, ClearErrors) {
  TempDir dir;
  const std::string data = LoadPilotSample(dir);
  // A rule that does not compile: line and column, nothing on stdout.
  WriteFile(dir.file("bad.epl"), "-- typo\nSELECT carNumber, avg(sped) FROM DriverCarInfo\n");
  auto r = RunToFile("rules backtest " + dir.file("bad.epl") + " --from 20220426 --data " + data,
                     dir.file("out.txt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(ReadFile(dir.file("out.txt")), "");
  EXPECT_NE(r.out.find("bad.epl: line 2 column 23: unknown field 'sped'"), std::string::npos)
      << r.out;
  // An empty range.
  r = RunSmartcar("rules backtest " + kOverspeed + " --from 20220427 --to 20220426 --data " + data);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("empty range: --from 20220427 is after --to 20220426"), std::string::npos)
      << r.out;
  // A range outside the stored data says what the log holds.
  r = RunSmartcar("rules backtest " + kOverspeed + " --from 20220501 --data " + data);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no stored driving events in 20220501 .. 20220501: the log holds events "
                       "from 20220426000000 to 20220426"),
            std::string::npos)
      << r.out;
  // Bad flags.
  r = RunSmartcar("rules backtest " + kOverspeed + " --from 2022-04-26 --data " + data);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--from '2022-04-26' is not yyyyMMdd or yyyyMMddHHmmss"), std::string::npos)
      << r.out;
  r = RunSmartcar("rules backtest " + kOverspeed + " --from 20220426 --against nope --data " +
                  data + " --rules " + kRules);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("--against 'nope': no rule file"), std::string::npos) << r.out;
  // No log in the folder.
  r = RunSmartcar("rules backtest " + kOverspeed + " --from 20220426 --data " + dir.file("none"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("none"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace smartcar

// ConsoleApi over real embedded stores in a temp folder: each path's answer against what was
// written through the stores' own calls, and bad input as 4xx JSON errors that say why.
#include "pipeline/console_api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "coord/membership.h"
#include "coord/rule_store.h"
#include "core/file.h"
#include "hot/detection.h"
#include "pipeline/backtest.h"
#include "pipeline/driver_table.h"
#include "pipeline/smartcar_topology.h"
#include "table/table.h"
#include "test_util.h"

namespace smartcar::pipeline {
namespace {

using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef0123456789abcdef";

class ConsoleApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.data_dir = dir_.path().string() + "/data";
    settings_.rules_dir = dir_.path().string() + "/rules";
    std::filesystem::create_directories(settings_.rules_dir);
    smartcar::testing::WriteFile(
        settings_.rules_dir + "/overspeed.epl",
        "@Name('fast') SELECT carNumber, avg(speed) AS a FROM DriverCarInfo"
        ".win:time_batch(30 sec) GROUP BY carNumber HAVING avg(speed) > 80");
    auto stores = OpenStores(settings_);
    ASSERT_TRUE(stores.has_value()) << stores.error().ToString();
    stores_ = std::move(*stores);
    table::TableDescriptor desc;
    desc.name = kDriverTable;
    desc.families.push_back(table::FamilyOptions{kDriverFamily, 3});
    ASSERT_TRUE(stores_.tables->CreateTable(desc).ok());
    auto t = stores_.tables->OpenTable(kDriverTable);
    ASSERT_TRUE(t.has_value());
    for (int i = 0; i < 5; ++i) {
      table::Put p("row" + std::to_string(i));
      p.Add(kDriverFamily, "speed", std::to_string(60 + 10 * i), 1000 + i);
      p.Add(kDriverFamily, "car_number", i % 2 == 0 ? "<script>x</script>" : "B0001", 1000 + i);
      ASSERT_TRUE((*t)->Apply({}, p).ok());
    }
    ConsoleApi::Options o;
    o.data_dir = settings_.data_dir;
    o.rules_dir = settings_.rules_dir;
    o.token = kToken;
    api_ = std::make_unique<ConsoleApi>(&stores_, o);
  }

  // The answer's status, and its body parsed (a test failure if it is not JSON).
  std::pair<int, json> Call(const std::string& method, const std::string& path,
                            std::map<std::string, std::string> params = {},
                            const std::string& body = "", const std::string& token = "") {
    server::ApiRequest r;
    r.method = method;
    r.path = path;
    r.params = std::move(params);
    r.body = body;
    r.token = token;
    const server::ApiResponse out = api_->Handle(r);
    json j = json::parse(out.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << out.body;
    return {out.status, j};
  }

  smartcar::testing::TempDir dir_;
  PipelineSettings settings_;
  Stores stores_;
  std::unique_ptr<ConsoleApi> api_;
};

TEST_F(ConsoleApiTest, ListsTablesAndScansWithTheShellsFilterLanguage) {
  auto [status, tables] = Call("GET", "tables");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(tables["tables"], json::array({kDriverTable}));

  auto [s1, all] = Call("GET", "tables/DriverCarInfo/scan");
  EXPECT_EQ(s1, 200);
  ASSERT_EQ(all["rows"].size(), 5u);
  EXPECT_FALSE(all["more"].get<bool>());
  EXPECT_EQ(all["rows"][0]["row"], "row0");
  // The value is data, returned as it is (the console escapes it when it shows it).
  EXPECT_EQ(all["rows"][0]["cells"][0]["column"], "cf1:car_number");
  EXPECT_EQ(all["rows"][0]["cells"][0]["value"], "<script>x</script>");
  EXPECT_EQ(all["rows"][0]["cells"][1]["timestamp"], 1000);

  // The pilot's kind of filter, STARTROW/STOPROW, LIMIT and COLUMNS as in the HBase shell.
  auto [s2, fast] = Call("GET", "tables/DriverCarInfo/scan",
                         {{"filter", "SingleColumnValueFilter('cf1','speed',>=,'binary:80')"},
                          {"columns", "cf1:speed"}});
  EXPECT_EQ(s2, 200) << fast;
  // 80 and 90: HBase compares the bytes, so "100" < "80" is left out.
  ASSERT_EQ(fast["rows"].size(), 2u) << fast;
  EXPECT_EQ(fast["rows"][0]["row"], "row2");
  EXPECT_EQ(fast["rows"][1]["row"], "row3");
  EXPECT_EQ(fast["rows"][0]["cells"].size(), 1u);

  auto [s3, page] = Call("GET", "tables/DriverCarInfo/scan",
                         {{"startrow", "row1"}, {"stoprow", "row4"}, {"limit", "2"}});
  EXPECT_EQ(s3, 200);
  ASSERT_EQ(page["rows"].size(), 2u);
  EXPECT_EQ(page["rows"][1]["row"], "row2");
  EXPECT_TRUE(page["more"].get<bool>());
  EXPECT_EQ(page["next_startrow"], "row3");

  auto [s4, rev] = Call("GET", "tables/DriverCarInfo/scan", {{"reversed", "true"}, {"limit", "1"}});
  EXPECT_EQ(s4, 200);
  EXPECT_EQ(rev["rows"][0]["row"], "row4");
}

TEST_F(ConsoleApiTest, GetsARow) {
  auto [status, row] = Call("GET", "tables/DriverCarInfo/rows/row3", {{"columns", "cf1:speed"}});
  EXPECT_EQ(status, 200);
  EXPECT_EQ(row["row"], "row3");
  ASSERT_EQ(row["cells"].size(), 1u);
  EXPECT_EQ(row["cells"][0]["value"], "90");
  auto [missing, why] = Call("GET", "tables/DriverCarInfo/rows/nope");
  EXPECT_EQ(missing, 404);
  EXPECT_EQ(why["error"], "no row 'nope' in DriverCarInfo");
}

TEST_F(ConsoleApiTest, BadInputIsAClear4xx) {
  auto [s1, e1] = Call("GET", "tables/DriverCarInfo/scan", {{"filter", "ValueFilter(=,"}});
  EXPECT_EQ(s1, 400);
  EXPECT_NE(e1["error"].get<std::string>().find("ValueFilter"), std::string::npos) << e1;
  auto [s2, e2] = Call("GET", "tables/DriverCarInfo/scan", {{"limit", "ten"}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(e2["error"], "limit: 'ten' is not a non-negative integer");
  auto [s3, e3] = Call("GET", "tables/DriverCarInfo/scan", {{"limit", "10001"}});
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(e3["error"], "limit: 10001 is more than 10000");
  auto [s10, e10] = Call("GET", "tables/DriverCarInfo/rows/row1", {{"versions", "0"}});
  EXPECT_EQ(s10, 400);
  EXPECT_EQ(e10["error"], "versions: at least 1");
  auto [s4, e4] = Call("GET", "tables/NoSuchTable/scan");
  EXPECT_EQ(s4, 404);
  EXPECT_NE(e4["error"].get<std::string>().find("NoSuchTable"), std::string::npos) << e4;
  auto [s5, e5] = Call("GET", "nothing/here");
  EXPECT_EQ(s5, 404);
  EXPECT_NE(e5["error"].get<std::string>().find("GET tables"), std::string::npos) << e5;
  auto [s6, e6] = Call("POST", "tables");
  EXPECT_EQ(s6, 405);
  auto [s7, e7] = Call("GET", "detections", {{"date", "2022-04-26"}});
  EXPECT_EQ(s7, 400);
  EXPECT_NE(e7["error"].get<std::string>().find("date: "), std::string::npos) << e7;
  auto [s8, e8] = Call("GET", "detections");
  EXPECT_EQ(s8, 400);
  auto [s9, e9] = Call("GET", "rules/check");
  EXPECT_EQ(s9, 405);
}

TEST_F(ConsoleApiTest, DetectionsAreTheDaysSetAsOverspeedShowsIt) {
  hot::HotWriteBatch b;
  b.SetAdd("20220426", "C0003");
  b.SetAdd("20220426", "A0001");
  b.Put(hot::DetectionKey("20220426", "A0001"), R"({"car":"A0001","avgSpeed":91.5})");
  ASSERT_TRUE(stores_.hot->Write(b).ok());
  auto [status, d] = Call("GET", "detections", {{"date", "20220426"}, {"details", "1"}});
  EXPECT_EQ(status, 200);
  EXPECT_EQ(d["cars"], json::array({"A0001", "C0003"}));
  ASSERT_EQ(d["details"].size(), 2u);
  EXPECT_EQ(d["details"][0]["avgSpeed"], 91.5);
  EXPECT_EQ(d["details"][1], json({{"date", "20220426"}, {"car", "C0003"}}));
  EXPECT_GT(d["expires_in_ms"].get<int64_t>(), 0);
  auto [s2, none] = Call("GET", "detections", {{"date", "20220427"}});
  EXPECT_EQ(s2, 200);
  EXPECT_TRUE(none["cars"].empty());
}

TEST_F(ConsoleApiTest, RulesAreListedAndCheckedByTheRealCompiler) {
  auto [status, rules] = Call("GET", "rules");
  EXPECT_EQ(status, 200);
  ASSERT_EQ(rules["folder"]["files"].size(), 1u);
  EXPECT_NE(rules["folder"]["files"][0]["text"].get<std::string>().find("avg(speed) > 80"),
            std::string::npos);
  EXPECT_TRUE(rules["store"].is_array());  // the embedded rule store: nothing deployed

  auto [ok, good] = Call("POST", "rules/check", {},
                         "@Name('x') SELECT carNumber, avg(speed) AS a FROM DriverCarInfo"
                         ".win:time_batch(30 sec) GROUP BY carNumber");
  EXPECT_EQ(ok, 200) << good;
  EXPECT_EQ(good["statements"][0]["name"], "x");
  EXPECT_EQ(good["statements"][0]["columns"], json::array({"carNumber", "a"}));

  auto [bad, why] =
      Call("POST", "rules/check", {}, "SELECT carNumber\nFROM DriverCarInfo WHERE sped > 1");
  EXPECT_EQ(bad, 400);
  EXPECT_EQ(why["line"], 2);
  EXPECT_GT(why["column"].get<int>(), 1);
  EXPECT_NE(why["error"].get<std::string>().find("sped"), std::string::npos) << why;
  auto [empty, e] = Call("POST", "rules/check");
  EXPECT_EQ(empty, 400);
}

// Deploy and rollback change the rule store (as `smartcar rules deploy|rollback`), only with the
// token; history lists what they did. A rule that does not compile is refused, nothing stored.
TEST_F(ConsoleApiTest, DeployAndRollbackNeedTheTokenAndGoThroughTheRuleStore) {
  const std::string at80 =
      "@Name('overspeed') SELECT carNumber, avg(speed) AS a FROM DriverCarInfo"
      ".win:time_batch(30 sec) GROUP BY carNumber HAVING avg(speed) > 80";
  std::string at100 = at80;
  at100.replace(at100.find("> 80"), 4, "> 100");
  const std::map<std::string, std::string> name{{"name", "overspeed"}};

  auto [s1, e1] = Call("POST", "rules/deploy", name, at80);
  EXPECT_EQ(s1, 401);
  EXPECT_NE(e1["error"].get<std::string>().find("X-Smartcar-Token"), std::string::npos) << e1;
  auto [s2, e2] = Call("POST", "rules/deploy", name, at80, "0123456789abcdef0123456789abcdeX");
  EXPECT_EQ(s2, 403);
  auto [s3, e3] = Call("POST", "rules/deploy", name, at80, "short");
  EXPECT_EQ(s3, 403);
  auto [s4, e4] = Call("GET", "rules/deploy", name, at80, kToken);
  EXPECT_EQ(s4, 405);
  coord::RuleStore store(stores_.coordinator.get());
  EXPECT_TRUE(store.Names()->empty());  // nothing stored by the refused calls

  auto [d1, v1] = Call("POST", "rules/deploy", name, at80, kToken);
  EXPECT_EQ(d1, 200) << v1;
  EXPECT_EQ(v1["version"], 1);
  EXPECT_EQ(v1["author"], "console");
  auto [d2, v2] =
      Call("POST", "rules/deploy",
           {{"name", "overspeed"}, {"author", "ops"}, {"message", "threshold 100"}}, at100, kToken);
  EXPECT_EQ(d2, 200) << v2;
  EXPECT_EQ(v2["version"], 2);
  EXPECT_FALSE(v2["unchanged"].get<bool>());
  EXPECT_EQ(store.Get("overspeed")->text, at100);

  auto [bad, why] = Call("POST", "rules/deploy", name, "SELECT sped FROM DriverCarInfo", kToken);
  EXPECT_EQ(bad, 400);
  EXPECT_EQ(why["line"], 1);
  EXPECT_EQ(store.Get("overspeed")->version, 2);  // nothing deployed
  auto [bad_name, e5] = Call("POST", "rules/deploy", {{"name", "../x"}}, at80, kToken);
  EXPECT_EQ(bad_name, 400) << e5;

  auto [r1, back] = Call("POST", "rules/overspeed/rollback", {{"to", "1"}}, "", kToken);
  EXPECT_EQ(r1, 200) << back;
  EXPECT_EQ(back["version"], 3);
  EXPECT_EQ(store.Get("overspeed")->text, at80);
  auto [r2, e6] = Call("POST", "rules/overspeed/rollback", {{"to", "1"}});
  EXPECT_EQ(r2, 401);
  auto [r3, e7] = Call("POST", "rules/overspeed/rollback", {{"to", "9"}}, "", kToken);
  EXPECT_EQ(r3, 404) << e7;
  auto [r4, e8] = Call("POST", "rules/overspeed/rollback", {}, "", kToken);
  EXPECT_EQ(r4, 400) << e8;

  auto [h, history] = Call("GET", "rules/overspeed/history");
  EXPECT_EQ(h, 200);
  ASSERT_EQ(history["versions"].size(), 3u);
  EXPECT_EQ(history["versions"][1]["author"], "ops");
  EXPECT_EQ(history["versions"][1]["message"], "threshold 100");
  EXPECT_EQ(history["versions"][2]["text"], at80);
  auto [none, e9] = Call("GET", "rules/nosuchrule/history");
  EXPECT_EQ(none, 404) << e9;
  auto [rules_status, rules] = Call("GET", "rules");
  EXPECT_EQ(rules["store"][0]["version"], 3);

  // Diffs, as `smartcar rules diff`: two versions, or the latest against a text not deployed.
  auto [df, diff] = Call("GET", "rules/overspeed/diff", {{"a", "1"}, {"b", "2"}});
  ASSERT_EQ(df, 200) << diff;
  EXPECT_EQ(diff["a"], 1);
  EXPECT_EQ(diff["b"], 2);
  EXPECT_EQ(diff["diff"], "+" + at100 + "\n-" + at80 + "\n");
  EXPECT_EQ(diff["diff"], coord::RuleDiff(at80, at100));
  auto [dp, posted] = Call("POST", "rules/overspeed/diff", {}, at80 + "\n-- a comment\n");
  ASSERT_EQ(dp, 200) << posted;
  EXPECT_EQ(posted["a"], 3);
  EXPECT_EQ(posted["b"], "body");
  EXPECT_EQ(posted["diff"], " " + at80 + "\n+-- a comment\n");
  EXPECT_EQ(Call("GET", "rules/overspeed/diff", {{"a", "9"}}).first, 404);
  EXPECT_EQ(Call("GET", "rules/overspeed/diff", {{"a", "x"}}).first, 400);
  EXPECT_EQ(Call("GET", "rules/nosuchrule/diff").first, 404);
}

// Without a token (none could be written) the API takes no changes at all.
TEST_F(ConsoleApiTest, WithoutATokenNothingChanges) {
  ConsoleApi::Options o;
  o.rules_dir = settings_.rules_dir;
  ConsoleApi api(&stores_, o);
  server::ApiRequest r;
  r.method = "POST";
  r.path = "rules/deploy";
  r.params = {{"name", "x"}};
  r.body = "SELECT speed FROM DriverCarInfo";
  const server::ApiResponse out = api.Handle(r);
  EXPECT_EQ(out.status, 401);
  EXPECT_NE(out.body.find("takes no changes"), std::string::npos) << out.body;
}

// A cell put through the API (the token needed), read back as `get` shows it.
TEST_F(ConsoleApiTest, PutsACellWithTheTokenAsTheShellDoes) {
  const std::string value = "<script>alert(1)</script>";
  EXPECT_EQ(Call("POST", "tables/DriverCarInfo/rows/row1", {{"column", "cf1:speed"}}, "99").first,
            401);
  EXPECT_EQ(
      Call("POST", "tables/DriverCarInfo/rows/row1", {{"column", "cf1:speed"}}, "99", "bad").first,
      403);
  auto [s1, put] = Call("POST", "tables/DriverCarInfo/rows/row1",
                        {{"column", "cf1:area_number"}, {"timestamp", "5000"}}, value, kToken);
  ASSERT_EQ(s1, 200) << put.dump();
  EXPECT_EQ(put["row"], "row1");
  EXPECT_EQ(put["cells"][0]["value"], value);
  EXPECT_EQ(put["cells"][0]["timestamp"], 5000);
  // What the table store now holds, read directly.
  auto t = stores_.tables->OpenTable(kDriverTable);
  ASSERT_TRUE(t.has_value());
  table::GetSpec spec;
  spec.row = "row1";
  spec.columns = {table::ColumnRef::Parse("cf1:area_number")};
  auto got = (*t)->Get(spec);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->cells.size(), 1u);
  EXPECT_EQ(got->cells[0].value, value);
  auto [s2, row] = Call("GET", "tables/DriverCarInfo/rows/row1", {{"columns", "cf1:area_number"}});
  EXPECT_EQ(row["cells"][0]["value"], value);
  // Bad input: which parameter and why.
  auto [s3, e3] =
      Call("POST", "tables/DriverCarInfo/rows/row1", {{"column", "speed"}}, "1", kToken);
  EXPECT_EQ(s3, 400);
  EXPECT_NE(e3["error"].get<std::string>().find("FAMILY:QUALIFIER"), std::string::npos);
  auto [s4, e4] =
      Call("POST", "tables/DriverCarInfo/rows/row1", {{"column", "nofamily:x"}}, "1", kToken);
  EXPECT_EQ(s4, 400) << e4.dump();
  EXPECT_EQ(Call("POST", "tables/NoTable/rows/r", {{"column", "cf1:x"}}, "1", kToken).first, 404);
}

// SQL on the warehouse: DriverCarInfo as `smartcar sql` sees it, numbers as numbers; bad SQL is a
// 400 with DuckDB's message; the token is needed (DuckDB SQL can read and write files).
TEST_F(ConsoleApiTest, SqlRunsOnTheWarehouseWithTheToken) {
  const std::string q =
      "SELECT car_number, count(*) AS n, max(CAST(speed AS INTEGER)) AS top FROM DriverCarInfo "
      "GROUP BY car_number ORDER BY car_number";
  EXPECT_EQ(Call("POST", "sql", {}, q).first, 401);
  auto [status, r] = Call("POST", "sql", {}, q, kToken);
  ASSERT_EQ(status, 200) << r.dump();
  EXPECT_EQ(r["columns"], json::array({"car_number", "n", "top"}));
  ASSERT_EQ(r["rows"].size(), 2u) << r.dump();
  EXPECT_EQ(r["rows"][0], json::array({"<script>x</script>", 3, 100}));
  EXPECT_EQ(r["rows"][1], json::array({"B0001", 2, 90}));
  EXPECT_EQ(r["row_count"], 2);
  EXPECT_FALSE(r["truncated"].get<bool>());
  auto [bad, e] = Call("POST", "sql", {}, "SELEC 1", kToken);
  EXPECT_EQ(bad, 400);
  EXPECT_NE(e["error"].get<std::string>().find("syntax error"), std::string::npos) << e.dump();
  EXPECT_EQ(Call("POST", "sql", {}, "", kToken).first, 400);
  EXPECT_EQ(Call("GET", "sql").first, 405);
}

// The pilot's sample day appended to the run's log, keyed by car (as the collector does).
void AppendPilotSample(queue::Log* log) {
  auto text = ReadFileToString(std::string(SMARTCAR_PILOT_SAMPLES) +
                               "/SmartCarDriverInfo_20220426_20cars.log");
  ASSERT_TRUE(text.has_value());
  std::vector<queue::Record> records;
  std::stringstream lines(*text);
  for (std::string l; std::getline(lines, l);) {
    const size_t comma = l.find(',');
    records.push_back({l.substr(comma + 1, l.find(',', comma + 1) - comma - 1), l});
  }
  auto producer = log->NewProducer({});
  ASSERT_TRUE(producer.has_value());
  queue::AppendOptions o;
  o.topic = kDriverTopic;
  ASSERT_TRUE((*producer)->Append(o, records).has_value());
}

// The backtest of the console's rules page: the body's rule over the stored events beside the
// deployed one, as `smartcar rules backtest --format json` reports it.
TEST_F(ConsoleApiTest, BacktestComparesTheBodysRuleWithTheDeployedOne) {
  ASSERT_NO_FATAL_FAILURE(AppendPilotSample(stores_.log.get()));
  auto text = ReadFileToString(std::string(SMARTCAR_SOURCE_DIR) + "/rules/overspeed.epl");
  ASSERT_TRUE(text.has_value());
  smartcar::testing::WriteFile(settings_.rules_dir + "/overspeed.epl", *text);
  std::string raised = *text;
  raised.replace(raised.find("avg(speed) > 80"), 15, "avg(speed) > 100");
  auto [status, r] = Call("POST", "rules/backtest", {{"from", "20220426"}}, raised);
  ASSERT_EQ(status, 200) << r.dump();
  EXPECT_EQ(r["deployed"], settings_.rules_dir + "/overspeed.epl");
  ASSERT_EQ(r["days"].size(), 1u) << r.dump();
  const json& day = r["days"][0];
  EXPECT_EQ(day["date"], "20220426");
  // What RunBacktest gives for the same two rules, computed here directly.
  std::vector<cep::CompiledRule> rules;
  rules.push_back(*cep::Compile(raised));
  rules.push_back(*cep::Compile(*text));
  BacktestOptions o;
  o.from_ms = *ParseTimeBound("20220426", false);
  o.to_ms = *ParseTimeBound("20220426", true);
  auto direct = RunBacktest(stores_.log.get(), rules, o);
  ASSERT_TRUE(direct.has_value());
  const auto days =
      CompareByDay(direct->events_by_day, direct->detections[0], direct->detections[1]);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(day["events"], days[0].events);
  EXPECT_EQ(day["removed"], json(days[0].removed));
  EXPECT_EQ(day["added"], json::array());  // a higher threshold detects no new car
  EXPECT_FALSE(days[0].removed.empty());
  EXPECT_EQ(day["deployed"]["cars"], json(days[0].deployed_cars));

  // Against the rule store's version once it holds one.
  auto [d, v] = Call("POST", "rules/deploy", {{"name", "overspeed"}}, *text, kToken);
  ASSERT_EQ(d, 200) << v.dump();
  auto [s2, r2] =
      Call("POST", "rules/backtest", {{"from", "20220426"}, {"against", "overspeed"}}, raised);
  ASSERT_EQ(s2, 200) << r2.dump();
  EXPECT_EQ(r2["deployed"], "overspeed version 1 of the rule store");
  EXPECT_EQ(r2["days"][0]["removed"], day["removed"]);

  // Bad input: 4xx saying why.
  EXPECT_EQ(Call("POST", "rules/backtest", {}, raised).first, 400);  // no from
  EXPECT_EQ(Call("POST", "rules/backtest", {{"from", "2022"}}, raised).first, 400);
  EXPECT_EQ(
      Call("POST", "rules/backtest", {{"from", "20220427"}, {"to", "20220426"}}, raised).first,
      400);
  auto [s3, none] = Call("POST", "rules/backtest", {{"from", "20220501"}}, raised);
  EXPECT_EQ(s3, 400);
  EXPECT_NE(none["error"].get<std::string>().find("the log holds events from 20220426"),
            std::string::npos)
      << none.dump();
  auto [s4, bad] = Call("POST", "rules/backtest", {{"from", "20220426"}}, "SELECT nonsense FROM");
  EXPECT_EQ(s4, 400);
  EXPECT_TRUE(bad.contains("line")) << bad.dump();
  EXPECT_EQ(
      Call("POST", "rules/backtest", {{"from", "20220426"}, {"against", "nope"}}, raised).first,
      404);
  EXPECT_EQ(Call("GET", "rules/backtest", {{"from", "20220426"}}).first, 405);
}

TEST_F(ConsoleApiTest, WithTheConsoleOffOnlyReplayIsServed) {
  ConsoleApi::Options o;
  o.rules_dir = settings_.rules_dir;
  o.token = kToken;
  o.console = false;
  ConsoleApi off(&stores_, o);
  server::ApiRequest r;
  r.method = "GET";
  r.path = "tables";
  const server::ApiResponse out = off.Handle(r);
  EXPECT_EQ(out.status, 404);
  EXPECT_NE(out.body.find("the console is off (--ui off)"), std::string::npos) << out.body;
}

TEST_F(ConsoleApiTest, HistoryIsTheProvidersWhenThereIsOne) {
  EXPECT_EQ(Call("GET", "history").first, 404);  // none given
  ConsoleApi::Options o;
  o.history = [] { return std::string(R"({"interval_ms":1000,"time_ms":[5],"counters":{}})"); };
  ConsoleApi api(&stores_, o);
  server::ApiRequest r;
  r.method = "GET";
  r.path = "history";
  const server::ApiResponse out = api.Handle(r);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, R"({"interval_ms":1000,"time_ms":[5],"counters":{}})");
}

// The cluster as `smartcar cluster status` sees it: the members that joined the coordinator.
TEST_F(ConsoleApiTest, ClusterListsTheMembers) {
  auto [s0, none] = Call("GET", "cluster");
  ASSERT_EQ(s0, 200) << none;
  EXPECT_TRUE(none["members"].empty());
  coord::MemberInfo self;
  self.id = "host-42";
  self.host = "host";
  self.pid = 42;
  self.command = "smartcar worker";
  self.partitions = {0, 2};
  auto m = coord::Membership::Join(stores_.coordinator.get(), self);
  ASSERT_TRUE(m.has_value()) << m.error().ToString();
  auto [s1, one] = Call("GET", "cluster");
  ASSERT_EQ(s1, 200) << one;
  ASSERT_EQ(one["members"].size(), 1u) << one;
  EXPECT_EQ(one["members"][0]["id"], "host-42");
  EXPECT_EQ(one["members"][0]["partitions"], json::array({0, 2}));
  EXPECT_EQ(one["coordinator"], stores_.coordinator->Describe());
}

// DATA/dead-letter/'s files and a file's last lines; nothing outside that folder.
TEST_F(ConsoleApiTest, DeadLettersListTheFilesAndTheirLastLines) {
  std::filesystem::create_directories(settings_.data_dir + "/dead-letter");
  smartcar::testing::WriteFile(settings_.data_dir + "/dead-letter/topology.log",
                               "line 1: bad\nline 2: <b>worse</b>\nline 3: worst\n");
  smartcar::testing::WriteFile(settings_.data_dir + "/secret.txt", "no\n");
  auto [s1, list] = Call("GET", "deadletters");
  ASSERT_EQ(s1, 200) << list;
  ASSERT_EQ(list["files"].size(), 1u) << list;
  EXPECT_EQ(list["files"][0]["name"], "topology.log");
  EXPECT_EQ(list["files"][0]["lines"], 3);
  auto [s2, tail] = Call("GET", "deadletters/topology.log", {{"tail", "2"}});
  ASSERT_EQ(s2, 200) << tail;
  EXPECT_EQ(tail["total_lines"], 3);
  EXPECT_EQ(tail["lines"], json::array({"line 2: <b>worse</b>", "line 3: worst"}));
  for (const char* name : {"..", ".hidden", "nope.log", "..\\secret.txt"}) {
    EXPECT_EQ(Call("GET", std::string("deadletters/") + name).first, 404) << name;
  }
  EXPECT_EQ(Call("GET", "deadletters/../secret.txt").first, 404);
  EXPECT_EQ(Call("GET", "deadletters/topology.log", {{"tail", "x"}}).first, 400);
  // The counts follow the file: lines appended are counted (only those are read), a file
  // truncated and written again is counted afresh.
  {
    std::ofstream more(settings_.data_dir + "/dead-letter/topology.log", std::ios::app);
    more << "line 4\nline 5\n";
  }
  EXPECT_EQ(Call("GET", "deadletters").second["files"][0]["lines"], 5);
  EXPECT_EQ(Call("GET", "deadletters/topology.log", {{"tail", "1"}}).second["lines"],
            json::array({"line 5"}));
  smartcar::testing::WriteFile(settings_.data_dir + "/dead-letter/topology.log", "only\n");
  EXPECT_EQ(Call("GET", "deadletters").second["files"][0]["lines"], 1);
  auto [s3, again] = Call("GET", "deadletters/topology.log");
  EXPECT_EQ(again["total_lines"], 1);
  EXPECT_EQ(again["lines"], json::array({"only"}));
}

TEST(ConsoleApiTokenTest, TokensAreRandomHex) {
  const std::string a = ConsoleApi::NewToken(), b = ConsoleApi::NewToken();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace smartcar::pipeline

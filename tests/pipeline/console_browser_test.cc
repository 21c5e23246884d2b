// The operator's console in a real headless Chromium (Debian's `chromium`, installed by
// scripts/setup), driven through the DevTools protocol (cdp_browser.h: real clicks and typing)
// against a live `smartcar worker` on a run's data folder. Screenshots go to
// console-screenshots/ in the test's working folder (the build tree).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <httplib.h>
#include "cdp_browser.h"
#include "pipeline_test_util.h"

#include "server/http_client.h"
#include "server/stats_json.h"
#include "test_util.h"
#include "wait_until.h"

namespace smartcar::pipeline {
namespace {

namespace fs = std::filesystem;
using ::smartcar::pipeline::testing::CdpBrowser;
using ::smartcar::pipeline::testing::SpawnSmartcar;
using ::smartcar::testing::RunSmartcar;
using ::smartcar::testing::TempDir;

constexpr const char* kChromium = "/usr/bin/chromium";

std::string Text(CdpBrowser& b, const std::string& selector) {
  auto v = b.Eval("document.querySelector(" + nlohmann::json(selector).dump() + ").textContent");
  return v && v->is_string() ? v->get<std::string>() : "(" + selector + ": none)";
}

// The car cells of a table's rows (its first column).
std::vector<std::string> FirstColumn(CdpBrowser& b, const std::string& table) {
  auto v = b.Eval("[...document.querySelectorAll(" + nlohmann::json(table + " tbody tr").dump() +
                  ")].map(r => r.cells[0].textContent)");
  return v && v->is_array() ? v->get<std::vector<std::string>>() : std::vector<std::string>{};
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> Cars(const nlohmann::json& day) {
  return day["cars"].get<std::vector<std::string>>();
}

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    const ::smartcar::Status _s = (expr);                   \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

// A user's session on the console of a live worker over a run's data: the pages show what the
// API answers, markup in a cell stays text, the pilot's filter scan, then the rule's threshold
// edited 80 → 100 in the editor (checked as typed), backtested (the deployed side equals the
// live detections; the raised threshold only removes cars), deployed with the token, and the day
// replayed: the detections page changes to exactly the cars the backtest predicted.
TEST(ConsoleBrowserTest, AUserEditsBacktestsDeploysAndSeesTheDetectionsChange) {
  ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: scripts/setup installs it";
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string rules = std::string(SMARTCAR_SOURCE_DIR) + "/rules";
  // The pilot's own sample day in the log (keyed by car, as the collector writes it), detected by
  // the folder's rule (threshold 80) and stored: a replay in a process of its own.
  const std::string pilot =
      std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarDriverInfo_20220426_20cars.log";
  auto r = RunSmartcar("topic create SmartCar-Topic --partitions 3 --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = RunSmartcar("produce SmartCar-Topic --key-field 2 --data " + data + " < " + pilot);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = RunSmartcar("replay --from 20220426 --rules " + rules + " --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string markup =
      R"(<script>document.title="pwned"</script><img src=x onerror="document.title=1">)";
  ::smartcar::testing::WriteFile(
      dir.file("put.hbase"),
      "put 'DriverCarInfo', 'zz-markup', 'cf1:car_number', '" + markup + "'\n");
  r = RunSmartcar("shell --data " + data + " < " + dir.file("put.hbase"));
  ASSERT_EQ(r.exit_code, 0) << r.out;

  // A dead-letter file whose line holds markup (shown as text on the cluster section).
  fs::create_directories(data + "/dead-letter");
  ::smartcar::testing::WriteFile(data + "/dead-letter/topology.log",
                                 "SmartCarDriverInfo.log:7: <b>not a driving line</b>\n");
  const pid_t worker = SpawnSmartcar("worker --metrics-port 0 --rules " + rules + " --data " + data,
                                     dir.file("worker.out"));
  ::smartcar::testing::KillOnExit stop_worker(worker);
  ::smartcar::testing::WaitUntil([&] { return fs::exists(data + "/metrics.json"); },
                                 std::chrono::seconds(60), std::chrono::milliseconds(50));
  std::string url;
  if (auto info =
          server::EndpointInfoFromJson(::smartcar::testing::ReadFile(data + "/metrics.json"))) {
    url = info->url;
  }
  ASSERT_FALSE(url.empty()) << ::smartcar::testing::ReadFile(dir.file("worker.out"));
  // The API token: printed at start, in DATA/console-token readable by its owner only while the
  // worker serves the API.
  const std::string token_file = data + "/console-token";
  ASSERT_TRUE(fs::exists(token_file));
  EXPECT_EQ(fs::status(token_file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  const std::string token = ::smartcar::testing::ReadFile(token_file).substr(0, 32);
  EXPECT_EQ(token.size(), 32u);
  EXPECT_NE(
      ::smartcar::testing::ReadFile(dir.file("worker.out"))
          .find("console API token (X-Smartcar-Token, for deploy, rollback and replay): " + token),
      std::string::npos);

  // The worker has read the log (its own consumer group) before the page opens.
  const auto read_by = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  uint64_t stored = 0;
  std::string last_stats;
  while (stored < 4709 && std::chrono::steady_clock::now() < read_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto got = server::HttpGet(url + "/stats.json");
    if (!got || got->status != 200) continue;
    last_stats = got->body;
    const auto snapshot = nlohmann::json::parse(got->body);
    for (const auto& c : snapshot["pipeline"]) {
      if (c["name"] == "stored") stored = c["value"].get<uint64_t>();
    }
  }
  ASSERT_GE(stored, 4709u) << last_stats.substr(0, 600);

  CdpBrowser b;
  ASSERT_OK(b.Start(dir.file("profile")));
  ASSERT_OK(b.Navigate(url + "/?date=20220426&startrow=zz&limit=5"));
  ASSERT_OK(
      b.WaitFor("document.getElementById('detections-summary').textContent.includes('car(s)')"));
  ASSERT_OK(b.WaitFor("document.getElementById('rule-check').textContent.startsWith('OK')"));
  ASSERT_OK(b.WaitFor("document.querySelector('#scan-rows tbody tr')"));
  ASSERT_OK(b.WaitFor("document.querySelector('#counters tbody tr')"));
  // The overview's numbers are pushed (Server-Sent Events), not polled.
  EXPECT_EQ(Text(b, "#feed"), "live");
  auto detections = server::HttpGet(url + "/api/v1/detections?date=20220426");
  auto stats = server::HttpGet(url + "/stats.json");
  ASSERT_TRUE(detections.has_value() && stats.has_value());
  const auto day = nlohmann::json::parse(detections->body);
  const std::vector<std::string> live_cars = Cars(day);
  ASSERT_FALSE(live_cars.empty()) << detections->body;

  // Detections: the API's day set, car by car, and the count.
  EXPECT_EQ(FirstColumn(b, "#detections-list"), live_cars);
  EXPECT_EQ(Text(b, "#detections-summary").substr(0, Text(b, "#detections-summary").find(" (")),
            std::to_string(live_cars.size()) + " car(s) on 20220426");
  // Each detection's area (the window's last event, from the shipped rule's last(areaNumber)) as
  // the API's details give it, and the area grid: the cars detected per area, and the events
  // parsed per area as /stats.json counts them (steady: the worker has read the whole log).
  auto details = server::HttpGet(url + "/api/v1/detections?details=1&date=20220426");
  ASSERT_TRUE(details.has_value());
  const auto details_json = nlohmann::json::parse(details->body);
  std::vector<std::string> want_areas;
  std::map<std::string, int> want_detected;
  for (const auto& d : details_json["details"]) {
    ASSERT_TRUE(d.contains("area")) << d.dump();
    want_areas.push_back(d["area"].get<std::string>());
    ++want_detected[want_areas.back()];
  }
  EXPECT_EQ(*b.Eval("[...document.querySelectorAll('#detections-list tbody tr')].map(r => "
                    "r.cells[3].textContent)"),
            nlohmann::json(want_areas));
  ASSERT_OK(b.WaitFor("document.querySelectorAll('#area-grid td').length == 60"));
  auto grid = b.Eval(
      "Object.fromEntries([...document.querySelectorAll('#area-grid td')].map(td => "
      "[td.dataset.area, [Number(td.dataset.events), Number(td.dataset.detections)]]))");
  ASSERT_TRUE(grid.has_value() && grid->size() == 60u);
  const auto parsed_areas = nlohmann::json::parse(stats->body)["areas"];
  uint64_t grid_events = 0;
  for (const auto& [area, cell] : grid->items()) {
    const uint64_t want_events =
        parsed_areas.contains(area) ? parsed_areas[area].get<uint64_t>() : 0;
    EXPECT_EQ(cell[0].get<uint64_t>(), want_events) << area;
    EXPECT_EQ(cell[1].get<int>(), want_detected.count(area) ? want_detected[area] : 0) << area;
    grid_events += cell[0].get<uint64_t>();
  }
  EXPECT_EQ(grid_events, 4709u) << "the pilot's sample day: every event in an area A01-F10";
  // Event time and consumer lag: the worker's group per partition and the watermark as
  // /stats.json gives them (the worker has read the whole log, but its group's commit may still
  // move while the last acks settle: the page is compared with a fresh answer, a few times).
  {
    nlohmann::json want_rows;
    int64_t want_watermark = 0;
    bool same = false;
    for (int attempt = 0; attempt < 5 && !same; ++attempt) {
      auto now = server::HttpGet(url + "/stats.json");
      ASSERT_TRUE(now.has_value());
      const auto j = nlohmann::json::parse(now->body);
      ASSERT_TRUE(j.contains("partitions") && j.contains("event_time")) << now->body.substr(0, 600);
      want_rows = nlohmann::json::array();
      for (const auto& p : j["partitions"]) {
        const int64_t committed = p["committed"].get<int64_t>();
        want_rows.push_back({std::to_string(p["partition"].get<int>()),
                             committed >= 0 ? std::to_string(committed) : "none",
                             std::to_string(p["latest"].get<int64_t>()),
                             std::to_string(p["lag"].get<int64_t>())});
      }
      want_watermark = j["event_time"]["watermark_ms"].get<int64_t>();
      same = b.WaitFor(
                  "JSON.stringify([...document.querySelectorAll('#partitions tbody tr')].map("
                  "r => [...r.cells].slice(0, 4).map(c => c.textContent))) == '" +
                      want_rows.dump() + "'",
                  std::chrono::seconds(3))
                 .ok();
    }
    EXPECT_TRUE(same) << want_rows.dump();
    EXPECT_EQ(want_rows.size(), 3u) << "the topic's 3 partitions";
    int64_t records = 0;
    for (const auto& r : want_rows) records += std::stoll(r[2].get<std::string>());
    const std::string sample = ::smartcar::testing::ReadFile(pilot);
    EXPECT_EQ(records, std::count(sample.begin(), sample.end(), '\n'))
        << "the log holds every line of the sample day (its header lines too)";
    EXPECT_EQ(*b.Eval("Number(document.getElementById('watermark').dataset.ms)"), want_watermark);
    EXPECT_EQ(Text(b, "#watermark").rfind("2022-04-26 ", 0), 0u) << Text(b, "#watermark");
  }
  // Overview: a counter's value as /stats.json gives it (the worker's, steady: nothing arrives).
  auto shown = b.Eval(
      "[...document.querySelectorAll('#counters tbody tr')].find(r => r.cells[0].textContent == "
      "'rule_reloads').cells[1].textContent");
  ASSERT_TRUE(shown.has_value());
  const auto snapshot = nlohmann::json::parse(stats->body);
  for (const auto& c : snapshot["pipeline"]) {
    if (c["name"] == "rule_reloads") {
      EXPECT_EQ(*shown, std::to_string(c["value"].get<uint64_t>()));
    }
  }
  // Table: the scan from STARTROW zz shows the cell's markup as text; nothing of it ran.
  auto dom = b.Eval("document.documentElement.outerHTML");
  ASSERT_TRUE(dom.has_value() && dom->is_string());
  const std::string html = dom->get<std::string>();
  EXPECT_NE(html.find("<td>zz-markup</td><td>cf1:car_number</td>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;document.title=\"pwned\"&lt;/script&gt;&lt;img src=x "
                      "onerror=\"document.title=1\"&gt;"),
            std::string::npos)
      << markup;
  EXPECT_EQ(*b.Eval("document.title"), "SmartCar console");
  EXPECT_EQ(html.find("<script>document.title"), std::string::npos);
  EXPECT_EQ(html.find("<img src=\"x\""), std::string::npos);
  // Rules: the folder's rule listed, loaded into the editor and checked by the compiler.
  EXPECT_NE(html.find("<tr><td>overspeed.epl</td><td>folder</td>"), std::string::npos);
  EXPECT_EQ(Text(b, "#rule-check").rfind("OK: overspeed (date, carNumber, speedPedal, ", 0), 0u);
  fs::create_directories("console-screenshots");
  ASSERT_OK(b.Screenshot(fs::absolute("console-screenshots/console.png").string()));

  // The pilot's filter scan, typed into the form: the page shows what the API answers.
  const std::string filter =
      "RowFilter(=,'regexstring:62402202') AND "
      "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')";
  ASSERT_OK(b.TypeInto("#scan-startrow", ""));
  ASSERT_OK(b.TypeInto("#scan-limit", "1000"));
  ASSERT_OK(b.TypeInto("#scan-columns", "cf1:car_number,cf1:area_number"));
  ASSERT_OK(b.TypeInto("#scan-filter", filter));
  const std::string before = Text(b, "#scan-summary");
  ASSERT_OK(b.Click("#scan-form button"));
  ASSERT_OK(b.WaitFor("document.getElementById('scan-summary').textContent != " +
                      nlohmann::json(before).dump()));
  auto scan = server::HttpGet(url + "/api/v1/tables/DriverCarInfo/scan?limit=1000&columns=" +
                              server::QueryParam("cf1:car_number,cf1:area_number") +
                              "&filter=" + server::QueryParam(filter));
  ASSERT_TRUE(scan.has_value());
  const auto scanned = nlohmann::json::parse(scan->body);
  ASSERT_FALSE(scanned["rows"].empty()) << scan->body;
  EXPECT_EQ(Text(b, "#scan-summary"), std::to_string(scanned["rows"].size()) + " row(s)");
  std::vector<std::string> cells;
  for (const auto& row : scanned["rows"]) {
    for (const auto& c : row["cells"]) {
      cells.push_back(row["row"].get<std::string>() + " " + c["column"].get<std::string>() + " " +
                      c["value"].get<std::string>());
    }
  }
  auto page_cells = b.Eval(
      "[...document.querySelectorAll('#scan-rows tbody tr')].map(r => r.cells[0].textContent + ' "
      "' + r.cells[1].textContent + ' ' + r.cells[3].textContent)");
  ASSERT_TRUE(page_cells.has_value());
  ASSERT_TRUE(page_cells->is_array());
  EXPECT_EQ(page_cells->size(), cells.size());
  EXPECT_TRUE(*page_cells == nlohmann::json(cells)) << "the page's cells differ from the API's";
  for (const std::string& c : cells) {
    if (c.find("area_number") != std::string::npos) {
      EXPECT_NE(c.find("F06"), std::string::npos) << c;
    }
  }

  // The editor: a syntax error is shown at its line and column as it is typed, then mended.
  ASSERT_OK(b.TypeInto("#rule-text", "SELEC", "SELECT"));
  ASSERT_OK(b.WaitFor("document.getElementById('rule-check').className == 'error'"));
  EXPECT_NE(Text(b, "#rule-check").find("line "), std::string::npos) << Text(b, "#rule-check");
  ASSERT_OK(b.TypeInto("#rule-text", "SELECT", "SELEC"));
  ASSERT_OK(b.WaitFor("document.getElementById('rule-check').textContent.startsWith('OK')"));
  // The threshold 80 → 100.
  ASSERT_OK(b.TypeInto("#rule-text", "avg(speed) > 100", "avg(speed) > 80"));
  ASSERT_OK(b.WaitFor("document.getElementById('rule-check').textContent.startsWith('OK')"));
  // Backtest of the day against the deployed (folder) rule.
  ASSERT_OK(b.Click("#backtest-form button"));
  ASSERT_OK(
      b.WaitFor("document.getElementById('backtest-summary').textContent.startsWith('Backtest')",
                std::chrono::seconds(120)));
  auto bt = b.Eval(
      "[...document.querySelectorAll('#backtest-days tbody tr')].map(r => [...r.cells].map(c => "
      "c.textContent))");
  ASSERT_TRUE(bt.has_value() && bt->size() == 1)
      << (bt ? bt->dump() : "") << " " << Text(b, "#backtest-summary");
  const auto cols = (*bt)[0].get<std::vector<std::string>>();
  EXPECT_EQ(cols[0], "20220426");
  // The deployed side is what the live run detected; the raised threshold only removes cars.
  EXPECT_EQ(cols[3].substr(cols[3].find("/ ") + 2), std::to_string(live_cars.size()));
  EXPECT_EQ(cols[4], "");
  const std::vector<std::string> removed = Words(cols[5]);
  ASSERT_FALSE(removed.empty()) << cols[5];
  std::vector<std::string> predicted;
  for (const std::string& car : live_cars) {
    if (std::find(removed.begin(), removed.end(), car) == removed.end()) predicted.push_back(car);
  }
  EXPECT_EQ(cols[2].substr(cols[2].find("/ ") + 2), std::to_string(predicted.size()));
  ASSERT_OK(b.Screenshot(fs::absolute("console-screenshots/backtest.png").string()));

  // Deploy without the token is refused; with it, version 1 is in the rule store.
  ASSERT_OK(b.Click("#deploy-form button"));
  ASSERT_OK(b.WaitFor("document.getElementById('deploy-result').className == 'error'"));
  EXPECT_NE(Text(b, "#deploy-result").find("X-Smartcar-Token"), std::string::npos);
  ASSERT_OK(b.TypeInto("#token", token));
  ASSERT_OK(b.Click("#deploy-form button"));
  ASSERT_OK(b.WaitFor(
      "document.getElementById('deploy-result').textContent.includes('deployed version 1')"));
  ASSERT_OK(b.WaitFor("document.querySelector('#rule-history tbody tr')"));
  auto history = server::HttpGet(url + "/api/v1/rules/overspeed/history");
  ASSERT_TRUE(history.has_value());
  const auto versions = nlohmann::json::parse(history->body)["versions"];
  ASSERT_EQ(versions.size(), 1u) << history->body;
  EXPECT_NE(versions[0]["text"].get<std::string>().find("avg(speed) > 100"), std::string::npos);

  // Replay of the day with the deployed rule: the detections page changes to the prediction.
  ASSERT_OK(b.Click("#replay-form button"));
  ASSERT_OK(b.WaitFor("document.getElementById('replay-result').textContent.endsWith('done')",
                      std::chrono::seconds(180)));
  ASSERT_OK(b.WaitFor("document.getElementById('detections-summary').textContent.startsWith('" +
                      std::to_string(predicted.size()) + " car(s)')"));
  EXPECT_EQ(FirstColumn(b, "#detections-list"), predicted);
  auto after = server::HttpGet(url + "/api/v1/detections?date=20220426");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(Cars(nlohmann::json::parse(after->body)), predicted);
  ASSERT_OK(b.Screenshot(fs::absolute("console-screenshots/detections-after-deploy.png").string()));

  // Put a cell: asked first, written once confirmed, then read back through the API.
  ASSERT_OK(b.TypeInto("#put-row", "zz-markup"));
  ASSERT_OK(b.TypeInto("#put-column", "cf1:area_number"));
  ASSERT_OK(b.TypeInto("#put-value", "Z99"));
  ASSERT_OK(b.Click("#put-form button"));
  ASSERT_OK(b.WaitFor("!document.getElementById('put-confirm').hidden"));
  EXPECT_EQ(Text(b, "#put-question"),
            "put 'DriverCarInfo', 'zz-markup', 'cf1:area_number', 'Z99'?");
  auto before_put = server::HttpGet(url + "/api/v1/tables/DriverCarInfo/rows/zz-markup");
  ASSERT_TRUE(before_put.has_value());
  EXPECT_EQ(before_put->body.find("Z99"), std::string::npos) << "nothing written before confirming";
  ASSERT_OK(b.Click("#put-yes"));
  ASSERT_OK(b.WaitFor("document.getElementById('put-result').textContent.startsWith('stored')"));
  auto after_put = server::HttpGet(url + "/api/v1/tables/DriverCarInfo/rows/zz-markup?columns=" +
                                   server::QueryParam("cf1:area_number"));
  ASSERT_TRUE(after_put.has_value());
  const auto put_row = nlohmann::json::parse(after_put->body);
  ASSERT_EQ(put_row["cells"].size(), 1u) << after_put->body;
  EXPECT_EQ(put_row["cells"][0]["value"], "Z99");

  // SQL: the rows the API gives for the statement, a bar per row, and the CSV file.
  const std::string sql =
      "SELECT area_number, count(*) AS events FROM DriverCarInfo WHERE area_number LIKE 'A%' "
      "GROUP BY 1 ORDER BY 1";
  ASSERT_OK(b.TypeInto("#sql-text", sql));
  ASSERT_OK(b.Click("#sql-form button"));
  ASSERT_OK(b.WaitFor("document.getElementById('sql-summary').textContent.includes('row(s)')",
                      std::chrono::seconds(120)));
  httplib::Client client(url);
  client.set_read_timeout(std::chrono::seconds(60));
  auto direct = client.Post("/api/v1/sql", {{"X-Smartcar-Token", token}}, sql, "text/plain");
  ASSERT_TRUE(direct && direct->status == 200) << (direct ? direct->body : "no answer");
  const auto want = nlohmann::json::parse(direct->body);
  ASSERT_FALSE(want["rows"].empty());
  auto shown_rows = b.Eval(
      "[...document.querySelectorAll('#sql-rows tbody tr')].map(r => [r.cells[0].textContent, "
      "Number(r.cells[1].textContent)])");
  ASSERT_TRUE(shown_rows.has_value());
  EXPECT_EQ(*shown_rows, want["rows"]);
  EXPECT_EQ(*b.Eval("document.querySelectorAll('#sql-plot rect').length"), want["rows"].size());
  std::string want_csv = "area_number,events\n";
  for (const auto& r : want["rows"]) {
    want_csv += r[0].get<std::string>() + "," + std::to_string(r[1].get<int64_t>()) + "\n";
  }
  // The file behind the download link (a blob: URL the page made; CSP keeps the page itself from
  // fetching it back, so the text it was made from is read).
  EXPECT_EQ(b.Eval("document.getElementById('sql-csv').href.slice(0, 5)")->get<std::string>(),
            "blob:");
  EXPECT_EQ(*b.Eval("csv(lastSql)"), want_csv);
  // Cluster: the worker is the one member, and the leader; the dead-letter file's lines as text.
  ASSERT_OK(b.WaitFor("document.querySelector('#members tbody tr')"));
  auto member =
      b.Eval("[...document.querySelector('#members tbody tr').cells].map(c => c.textContent)");
  ASSERT_TRUE(member.has_value() && member->size() == 7u) << (member ? member->dump() : "");
  EXPECT_NE((*member)[0].get<std::string>().find("-" + std::to_string(worker)), std::string::npos)
      << member->dump();
  EXPECT_EQ((*member)[1], "smartcar worker");
  EXPECT_EQ((*member)[2], "yes");
  EXPECT_EQ((*member)[3], "0 1 2");
  // The section follows the cluster: the rule the worker runs is the deployed version now.
  ASSERT_OK(b.WaitFor(
      "document.querySelector('#members tbody tr').cells[4].textContent == 'overspeed v1'"));
  ASSERT_OK(b.Click("#dead-letters tbody button"));
  ASSERT_OK(b.WaitFor("!document.getElementById('dead-letter-lines').hidden"));
  EXPECT_EQ(Text(b, "#dead-letter-lines"),
            "topology.log: the last 1 of 1 line(s)\nSmartCarDriverInfo.log:7: <b>not a driving "
            "line</b>");
  EXPECT_EQ(*b.Eval("document.querySelectorAll('#dead-letter-lines b').length"), 0);

  // The diff of the editor's text (threshold now 90) against the deployed version: one line out,
  // one in, as `smartcar rules diff` shows them.
  ASSERT_OK(b.TypeInto("#rule-text", "avg(speed) > 90", "avg(speed) > 100"));
  ASSERT_OK(b.Click("#diff-editor"));
  ASSERT_OK(b.WaitFor("document.querySelectorAll('#rule-diff .diff-add').length > 0"));
  auto added = b.Eval(
      "[...document.querySelectorAll('#rule-diff .diff-add')].map(e => e.textContent.trim())");
  auto removed_lines = b.Eval(
      "[...document.querySelectorAll('#rule-diff .diff-del')].map(e => e.textContent.trim())");
  ASSERT_TRUE(added.has_value() && removed_lines.has_value());
  ASSERT_EQ(added->size(), 1u) << added->dump();
  ASSERT_EQ(removed_lines->size(), 1u) << removed_lines->dump();
  EXPECT_EQ((*added)[0].get<std::string>().rfind("+HAVING avg(speed) > 90", 0), 0u) << *added;
  EXPECT_EQ((*removed_lines)[0].get<std::string>().rfind("-HAVING avg(speed) > 100", 0), 0u)
      << *removed_lines;

  // The overview's charts: each counter's rate over the history the worker keeps (seeded from
  // GET /api/v1/history, then one point per pushed update).
  ASSERT_OK(
      b.WaitFor("document.querySelectorAll('#counters td.spark svg polyline').length == "
                "document.querySelectorAll('#counters tbody tr').length"));
  auto samples = server::HttpGet(url + "/api/v1/history");
  auto now = server::HttpGet(url + "/stats.json");
  ASSERT_TRUE(samples.has_value() && now.has_value());
  const auto h = nlohmann::json::parse(samples->body);
  ASSERT_GE(h["time_ms"].size(), 3u) << samples->body.substr(0, 300);
  const auto now_json = nlohmann::json::parse(now->body);
  for (const auto& c : now_json["pipeline"]) {
    if (c["name"] == "stored") {
      EXPECT_EQ(h["counters"]["stored"].back(), c["value"]);  // nothing arrives any more
    }
  }
  // One picture per section (docs/ and the README show these).
  for (const char* section : {"overview", "detections", "rules", "table", "sql", "cluster"}) {
    ASSERT_OK(
        b.Screenshot(fs::absolute(std::string("console-screenshots/") + section + ".png").string(),
                     std::string("#") + section));
  }
  b.Stop();

  kill(worker, SIGINT);
  int st = 0;
  waitpid(worker, &st, 0);
  stop_worker.Release();
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EXPECT_FALSE(fs::exists(token_file)) << "removed when the worker stopped";
  const std::string shot = fs::absolute("console-screenshots/console.png").string();
  EXPECT_GT(fs::file_size(shot), 10000u);
  EXPECT_EQ(::smartcar::testing::ReadFile(shot).substr(1, 3), "PNG");
}

// A live `smartcar run` in real time (20 cars, one event per car per second): the topology graph
// has the API's components and edges, a click shows a component's history, the collector's
// source with its committed file position, and the area grid counting the events as they come;
// the numbers the page shows are some moment's of the run's: never beyond what the API says just
// after.
TEST(ConsoleBrowserTest, TheTopologyCollectorAndAreasFollowALiveRun) {
  ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: scripts/setup installs it";
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string rules = std::string(SMARTCAR_SOURCE_DIR) + "/rules";
  const pid_t run = SpawnSmartcar(
      "run --metrics-port 0 --date 20220426 --cars 20 --seconds 3600 "
      "--seed 1 --rules " +
          rules + " --data " + data,
      dir.file("run.out"));
  ::smartcar::testing::KillOnExit stop_run(run);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string url;
  while (url.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(data + "/metrics.json")) continue;
    if (auto info =
            server::EndpointInfoFromJson(::smartcar::testing::ReadFile(data + "/metrics.json"))) {
      url = info->url;
    }
  }
  ASSERT_FALSE(url.empty()) << ::smartcar::testing::ReadFile(dir.file("run.out"));
  auto stats_now = [&]() {
    auto got = server::HttpGet(url + "/stats.json");
    return got && got->status == 200 ? nlohmann::json::parse(got->body) : nlohmann::json();
  };
  auto counter = [](const nlohmann::json& s, const std::string& name) -> uint64_t {
    for (const auto& c : s["pipeline"]) {
      if (c["name"] == name) return c["value"].get<uint64_t>();
    }
    return 0;
  };
  while (counter(stats_now(), "stored") == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  CdpBrowser b;
  ASSERT_OK(b.Start(dir.file("profile")));
  ASSERT_OK(b.Navigate(url + "/?date=20220426#topology"));
  const nlohmann::json first = stats_now();
  ASSERT_TRUE(first.contains("topology")) << ::smartcar::testing::ReadFile(dir.file("run.out"));
  // The graph: a node per component, an arrow per (source, subscriber) pair, as the API says.
  std::set<std::string> want_nodes, want_edges;
  for (const auto& c : first["topology"]["components"]) {
    want_nodes.insert(c["id"].get<std::string>());
    if (!c.contains("inputs")) continue;
    for (const auto& in : c["inputs"]) {
      want_edges.insert(in["from"].get<std::string>() + ">" + c["id"].get<std::string>());
    }
  }
  // Parsing is chained into the spout's task: no parse node, no queue before the bolts.
  EXPECT_EQ(want_nodes, (std::set<std::string>{"log", "table", "cep", "hot"}));
  ASSERT_OK(b.WaitFor("document.querySelectorAll('#topology-graph g[data-component]').length == " +
                      std::to_string(want_nodes.size())));
  auto nodes = b.Eval(
      "[...document.querySelectorAll('#topology-graph g[data-component]')].map(g => "
      "g.dataset.component)");
  auto edges = b.Eval(
      "[...document.querySelectorAll('#topology-graph path.edge')].map(p => p.dataset.from + '>' "
      "+ p.dataset.to)");
  ASSERT_TRUE(nodes.has_value() && edges.has_value());
  EXPECT_EQ(nodes->get<std::set<std::string>>(), want_nodes);
  EXPECT_EQ(edges->get<std::set<std::string>>(), want_edges);
  EXPECT_EQ(edges->size(), want_edges.size()) << "one arrow per pair: " << edges->dump();
  // The table bolt's node: executed as the API counts it at some moment up to now.
  const auto executed = [](const nlohmann::json& s, const std::string& id) -> uint64_t {
    for (const auto& c : s["topology"]["components"]) {
      if (c["id"] == id) return c["total"]["executed"].get<uint64_t>();
    }
    return 0;
  };
  auto node_text =
      b.Eval("document.querySelector('#topology-graph g[data-component=\"table\"]').textContent");
  const nlohmann::json after = stats_now();
  ASSERT_TRUE(node_text.has_value() && node_text->is_string());
  const std::string text = node_text->get<std::string>();
  const size_t at = text.find("executed ");
  ASSERT_NE(at, std::string::npos) << text;
  const uint64_t shown_executed = std::stoull(text.substr(at + 9));
  EXPECT_LE(shown_executed, executed(after, "table")) << text;
  EXPECT_GT(shown_executed, 0u) << text;
  // A click on the node: its last minutes from GET /api/v1/history, four charts.
  // The graph is redrawn with every stats event (once a second): a click whose press and release
  // straddle a redraw reaches no node, as a user's would not; click again then (the page shows
  // something in #component-history as soon as a click lands).
  bool clicked = false;
  for (int attempt = 0; attempt < 5 && !clicked; ++attempt) {
    ASSERT_OK(b.Click("#topology-graph g[data-component=\"table\"] rect"));
    clicked = b.WaitFor("document.querySelector('#component-history').childElementCount > 0",
                        std::chrono::seconds(3))
                  .ok();
  }
  ASSERT_TRUE(clicked) << "five clicks on the table node showed nothing";
  ASSERT_OK(b.WaitFor("document.querySelectorAll('#component-history figure svg').length == 4",
                      std::chrono::seconds(30)));
  EXPECT_EQ(Text(b, "#component-history h3").rfind("table, last ", 0), 0u);
  auto captions = b.Eval(
      "[...document.querySelectorAll('#component-history figcaption')].map(f => "
      "f.textContent.split(':')[0])");
  EXPECT_EQ(*captions, nlohmann::json({"executed per second", "capacity", "queue depth",
                                       "failed per second"}));
  fs::create_directories("console-screenshots");
  ASSERT_OK(b.Screenshot(fs::absolute("console-screenshots/topology.png").string(), "#topology"));

  // The collector: the TAILDIR source with its committed position in the driving log, the
  // channel to the durable log; the position shown is one the API had reached.
  ASSERT_OK(b.WaitFor("document.querySelectorAll('#collector-components tbody tr').length == 2"));
  const auto position_of = [](const nlohmann::json& s) -> uint64_t {
    for (const auto& c : s["collector"]) {
      if (c["kind"] != "source") continue;
      const auto files = nlohmann::json::parse(c["position"].get<std::string>());
      return files.empty() ? 0 : files[0]["pos"].get<uint64_t>();
    }
    return 0;
  };
  auto source_row = b.Eval(
      "[...[...document.querySelectorAll('#collector-components tbody tr')].find(r => "
      "r.cells[0].textContent == 'driving').cells].map(c => c.textContent)");
  const nlohmann::json after_collector = stats_now();
  ASSERT_TRUE(source_row.has_value() && source_row->size() == 12u)
      << (source_row ? source_row->dump() : "");
  EXPECT_EQ((*source_row)[1], "source");
  EXPECT_EQ((*source_row)[2].get<std::string>().rfind("TAILDIR ", 0), 0u) << source_row->dump();
  EXPECT_EQ((*source_row)[3], "c");
  const std::string shown_position = (*source_row)[11].get<std::string>();
  const std::string log_file = data + "/logs/SmartCarDriverInfo.log";
  ASSERT_EQ(shown_position.rfind(log_file + " @ byte ", 0), 0u) << shown_position;
  const uint64_t shown_pos = std::stoull(shown_position.substr(log_file.size() + 8));
  EXPECT_GT(shown_pos, 0u);
  EXPECT_LE(shown_pos, position_of(after_collector));
  EXPECT_LE(shown_pos, fs::file_size(log_file)) << "committed, so written";
  ASSERT_OK(b.Screenshot(fs::absolute("console-screenshots/collector.png").string(), "#collector"));

  // The area grid counts events as they are parsed: per area, never beyond the API's count.
  ASSERT_OK(b.WaitFor("document.querySelectorAll('#area-grid td').length == 60"));
  auto grid = b.Eval(
      "Object.fromEntries([...document.querySelectorAll('#area-grid td')].map(td => "
      "[td.dataset.area, Number(td.dataset.events)]))");
  const nlohmann::json after_areas = stats_now();
  ASSERT_TRUE(grid.has_value() && grid->size() == 60u);
  uint64_t shown_total = 0;
  for (const auto& [area, events] : grid->items()) {
    const auto count = [&](const nlohmann::json& s) -> uint64_t {
      return s.contains("areas") && s["areas"].contains(area) ? s["areas"][area].get<uint64_t>()
                                                              : 0;
    };
    EXPECT_LE(events.get<uint64_t>(), count(after_areas)) << area;
    shown_total += events.get<uint64_t>();
  }
  EXPECT_GT(shown_total, 0u);
  ASSERT_OK(b.Screenshot(fs::absolute("console-screenshots/areas.png").string(), "#area-grid"));

  // Event time and consumer lag follow the run: the watermark and each partition's committed
  // offset shown are ones the API had reached (read just after), the partitions those it lists.
  // (Once every partition has had events: the watermark is the oldest of theirs.)
  ASSERT_OK(b.WaitFor(
      "document.getElementById('watermark').dataset.ms > 0 && "
      "document.querySelectorAll('#partitions tbody tr').length > 0 && "
      "[...document.querySelectorAll('#partitions tbody tr')].every(r => r.cells[4].textContent "
      "!= '\u2013')"));
  auto shown_progress = b.Eval(
      "[Number(document.getElementById('watermark').dataset.ms), "
      "[...document.querySelectorAll('#partitions tbody tr')].map(r => [Number(r.cells[0]."
      "textContent), r.cells[1].textContent == 'none' ? -1 : Number(r.cells[1].textContent)])]");
  const nlohmann::json after_progress = stats_now();
  ASSERT_TRUE(shown_progress.has_value() && after_progress.contains("event_time"));
  EXPECT_GT((*shown_progress)[0].get<int64_t>(), 0);
  EXPECT_LE((*shown_progress)[0].get<int64_t>(),
            after_progress["event_time"]["watermark_ms"].get<int64_t>());
  const auto& api_partitions = after_progress["partitions"];
  ASSERT_EQ((*shown_progress)[1].size(), api_partitions.size());
  for (size_t i = 0; i < api_partitions.size(); ++i) {
    EXPECT_EQ((*shown_progress)[1][i][0], api_partitions[i]["partition"]);
    EXPECT_LE((*shown_progress)[1][i][1].get<int64_t>(),
              api_partitions[i]["committed"].get<int64_t>());
  }
  b.Stop();

  kill(run, SIGINT);
  int st = 0;
  waitpid(run, &st, 0);
  stop_run.Release();
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
      << ::smartcar::testing::ReadFile(dir.file("run.out"));
  // The final snapshot keeps the collector and the areas for `smartcar ui` and `topology stats`.
  auto last =
      server::SnapshotFromJson(::smartcar::testing::ReadFile(data + "/topology-stats.json"));
  ASSERT_TRUE(last.has_value());
  ASSERT_EQ(last->collector.size(), 2u);
  EXPECT_FALSE(last->areas.empty());
}

}  // namespace
}  // namespace smartcar::pipeline

// ConsoleApi: routes /api/v1/ paths to the stores' own calls and answers in JSON.
#include "pipeline/console_api.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/strings/str_split.h>
#include <nlohmann/json.hpp>

#include "cep/engine.h"
#include "cep/rule_folder.h"
#include "coord/membership.h"
#include "coord/rule_store.h"
#include "core/event_time.h"
#include "core/file.h"
#include "hot/detection.h"
#include "pipeline/backtest.h"
#include "pipeline/drive_info_view.h"
#include "pipeline/smartcar_topology.h"
#include "table/table.h"
#include "warehouse/warehouse.h"

namespace smartcar::pipeline {

namespace {

using nlohmann::json;

// Keys and values are bytes: anything that is not UTF-8 is shown as U+FFFD, never an exception.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

server::ApiResponse Ok(const json& j) { return {200, Dump(j)}; }

server::ApiResponse Error(int status, const std::string& why) {
  return {status, Dump(json{{"error", why}})};
}

// A store's error: 404 for what does not exist, 400 for what the request got wrong, else 503.
server::ApiResponse StoreError(const Status& s, const std::string& what) {
  const int status = s.IsNotFound() ? 404 : s.IsInvalidArgument() ? 400 : 503;
  return Error(status, what + s.message());
}

std::string Param(const server::ApiRequest& r, const char* name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

// A non-negative integer parameter: `fallback` when absent; 400 text otherwise.
Result<int64_t> IntParam(const server::ApiRequest& r, const char* name, int64_t fallback,
                         int64_t max) {
  const std::string text = Param(r, name);
  if (text.empty()) return fallback;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    return Err(Status::InvalidArgument(std::string(name) + ": '" + text +
                                       "' is not a non-negative integer"));
  }
  if (v > max) {
    return Err(Status::InvalidArgument(std::string(name) + ": " + text + " is more than " +
                                       std::to_string(max)));
  }
  return v;
}

// `versions` (HBase's VERSIONS): 1 when absent, at most 1000.
Result<int> VersionsParam(const server::ApiRequest& r) {
  auto v = IntParam(r, "versions", 1, 1000);
  if (!v) return Err(v.error());
  if (*v == 0) return Err(Status::InvalidArgument("versions: at least 1"));
  return static_cast<int>(*v);
}

bool FlagParam(const server::ApiRequest& r, const char* name) {
  const std::string v = Param(r, name);
  return v == "1" || v == "true";
}

// "cf:q,cf2" → column selections (HBase's COLUMNS => ['cf:q', 'cf2']).
std::vector<table::ColumnRef> Columns(const std::string& text) {
  std::vector<table::ColumnRef> out;
  for (const absl::string_view one : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    out.push_back(table::ColumnRef::Parse(std::string_view(one.data(), one.size())));
  }
  return out;
}

json RowJson(const table::Row& row) {
  json cells = json::array();
  for (const table::Cell& c : row.cells) {
    cells.push_back(
        {{"column", c.family + ":" + c.qualifier}, {"timestamp", c.timestamp}, {"value", c.value}});
  }
  return {{"row", row.key}, {"cells", std::move(cells)}};
}

constexpr const char* kPaths =
    "GET tables, GET tables/NAME/scan, GET tables/NAME/rows/ROW, GET detections?date=yyyyMMdd, "
    "GET history, GET cluster, GET deadletters, GET deadletters/FILE?tail=N, "
    "GET rules, POST rules/check, POST rules/deploy?name=NAME, GET rules/NAME/history, "
    "POST rules/NAME/rollback?to=N, POST rules/backtest?from=D[&to=D][&against=NAME], "
    "POST tables/NAME/rows/ROW?column=CF:Q, POST sql, GET|POST rules/NAME/diff?a=N[&b=M]";

// The compiler's "... line L column C ..." in `msg`, if it says where.
bool FindPosition(std::string_view msg, int64_t* line, int64_t* column) {
  const char* end = msg.data() + msg.size();
  for (size_t at = msg.find("line "); at != std::string_view::npos;
       at = msg.find("line ", at + 1)) {
    const auto [after_line, e1] = std::from_chars(msg.data() + at + 5, end, *line);
    if (e1 != std::errc()) continue;
    const std::string_view rest(after_line, static_cast<size_t>(end - after_line));
    if (rest.substr(0, 8) != " column ") continue;
    if (std::from_chars(after_line + 8, end, *column).ec == std::errc()) return true;
  }
  return false;
}

// A rule that does not compile: 400 with the compiler's message, and its line and column.
server::ApiResponse CompileFailure(const Status& error) {
  json out{{"error", error.message()}};
  int64_t line = 0, column = 0;
  if (FindPosition(error.message(), &line, &column)) {
    out["line"] = line;
    out["column"] = column;
  }
  return {400, Dump(out)};
}

json VersionJson(const coord::RuleVersion& r) {
  return {{"name", r.name},       {"version", r.version},   {"author", r.author},
          {"time_ms", r.time_ms}, {"checksum", r.checksum}, {"message", r.message},
          {"text", r.text}};
}

// Who made a change through the API: the `author` parameter, or "console".
std::string Author(const server::ApiRequest& r) {
  const std::string a = Param(r, "author");
  return a.empty() ? "console" : a;
}

}  // namespace

ConsoleApi::ConsoleApi(const Stores* stores, Options options)
    : stores_(stores), options_(std::move(options)) {}

ConsoleApi::~ConsoleApi() = default;

std::string ConsoleApi::NewToken() {
  std::random_device rd;  // the kernel's random source
  std::string out;
  for (int i = 0; i < 4; ++i) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rd()));
    out += hex;
  }
  return out;
}

std::string ConsoleApi::Unauthorized(const server::ApiRequest& request, int* status) const {
  const std::string what = request.method + " /api/v1/" + request.path;
  *status = 401;
  if (options_.token.empty()) return what + ": this process takes no changes through the API";
  if (request.token.empty()) {
    return what +
           " needs the API token in an X-Smartcar-Token header (printed at start, kept in "
           "DATA/console-token)";
  }
  // Compared in constant time: how long a wrong token takes says nothing of the right one.
  unsigned char diff = request.token.size() == options_.token.size() ? 0 : 1;
  for (size_t i = 0; i < options_.token.size(); ++i) {
    diff |= static_cast<unsigned char>(options_.token[i] ^ request.token[i % request.token.size()]);
  }
  *status = 403;
  return diff == 0 ? std::string() : what + ": wrong API token";
}

server::ApiResponse ConsoleApi::Handle(const server::ApiRequest& request) {
  const std::vector<std::string> parts = absl::StrSplit(request.path, '/');
  const std::string first = parts.empty() ? std::string() : parts[0];
  if (first == "replay" && options_.replay != nullptr) {
    if (request.method == "POST") {  // starts or stops a replay: rewrites stores
      int status = 0;
      if (std::string why = Unauthorized(request, &status); !why.empty()) return Error(status, why);
    }
    return options_.replay->Handle(request);
  }
  if (!options_.console) {
    return Error(404,
                 "no API path '" + request.path + "': the console is off (--ui off)" +
                     (options_.replay != nullptr ? "; this process serves GET|POST replay" : ""));
  }
  const bool get = request.method == "GET";
  if (first == "rules" && parts.size() == 2 && parts[1] == "check") {
    if (request.method != "POST") return Error(405, "POST the rule text to /api/v1/rules/check");
    return CheckRule(request);
  }
  if (first == "rules" && parts.size() == 2 && parts[1] == "backtest") {
    if (request.method != "POST") {
      return Error(405, "POST the candidate rule's text to /api/v1/rules/backtest?from=yyyyMMdd");
    }
    return Backtest(request);
  }
  const bool deploy = first == "rules" && parts.size() == 2 && parts[1] == "deploy";
  const bool rollback = first == "rules" && parts.size() == 3 && parts[2] == "rollback";
  const bool put =
      first == "tables" && parts.size() >= 4 && parts[2] == "rows" && request.method == "POST";
  const bool sql = first == "sql" && parts.size() == 1;
  if (deploy || rollback || put || sql) {
    if (request.method != "POST") return Error(405, "POST /api/v1/" + request.path);
    int status = 0;
    if (std::string why = Unauthorized(request, &status); !why.empty()) return Error(status, why);
    if (put)
      return PutCell(parts[1], request.path.substr(request.path.find("/rows/") + 6), request);
    if (sql) return Sql(request);
    return deploy ? DeployRule(request) : Rollback(parts[1], request);
  }
  if (first == "rules" && parts.size() == 3 && parts[2] == "diff" && request.method == "POST") {
    return RuleDiff(parts[1], request);  // the body against a stored version
  }
  if (first == "tables" || first == "detections" || first == "rules") {
    if (!get) return Error(405, "/api/v1/" + request.path + " answers GET only");
  }
  if (first == "tables" && parts.size() == 1) return Tables(request);
  if (first == "tables" && parts.size() == 3 && parts[2] == "scan") return Scan(parts[1], request);
  if (first == "tables" && parts.size() >= 4 && parts[2] == "rows") {
    // The row key is the rest of the path (it may hold '/').
    const size_t at = request.path.find("/rows/") + 6;
    return GetRow(parts[1], request.path.substr(at), request);
  }
  if (first == "detections" && parts.size() == 1) return Detections(request);
  if (first == "cluster" && parts.size() == 1 && get) return Cluster();
  if (first == "deadletters" && parts.size() == 1 && get) return DeadLetters();
  if (first == "deadletters" && parts.size() == 2 && get) return DeadLetter(parts[1], request);
  if (first == "history" && parts.size() == 1 && options_.history) {
    if (!get) return Error(405, "/api/v1/history answers GET only");
    return {200, options_.history()};
  }
  if (first == "rules" && parts.size() == 1) return Rules();
  if (first == "rules" && parts.size() == 3 && parts[2] == "history") return RuleHistory(parts[1]);
  if (first == "rules" && parts.size() == 3 && parts[2] == "diff")
    return RuleDiff(parts[1], request);
  return Error(404, "no API path '" + request.path + "'; this process serves " + kPaths +
                        (options_.replay != nullptr ? ", GET|POST replay" : ""));
}

server::ApiResponse ConsoleApi::Tables(const server::ApiRequest&) {
  auto names = stores_->tables->ListTables();
  if (!names) return StoreError(names.error(), "table store: ");
  return Ok(json{{"tables", *names}});
}

server::ApiResponse ConsoleApi::Scan(const std::string& name, const server::ApiRequest& request) {
  auto limit = IntParam(request, "limit", kDefaultScanLimit, kMaxScanLimit);
  if (!limit) return Error(400, limit.error().message());
  auto versions = VersionsParam(request);
  if (!versions) return Error(400, versions.error().message());
  auto table = stores_->tables->OpenTable(name);
  if (!table) return StoreError(table.error(), "");
  table::ScanSpec spec;
  spec.start_row = Param(request, "startrow");
  spec.stop_row = Param(request, "stoprow");
  spec.reversed = FlagParam(request, "reversed");
  spec.columns = Columns(Param(request, "columns"));
  spec.max_versions = *versions;
  spec.filter = Param(request, "filter");
  spec.limit = *limit + 1;  // one more says whether the scan was cut
  auto it = (*table)->Scan(spec);
  if (!it) return StoreError(it.error(), "scan: ");
  json rows = json::array();
  bool more = false;
  for (; (*it)->Valid(); (*it)->Next()) {
    if (static_cast<int64_t>(rows.size()) == *limit) {
      more = true;
      break;
    }
    rows.push_back(RowJson((*it)->row()));
  }
  if (Status s = (*it)->status(); !s.ok()) return StoreError(s, "scan: ");
  json out{{"table", name}, {"rows", std::move(rows)}, {"more", more}};
  if (more) out["next_startrow"] = (*it)->row().key;
  return Ok(out);
}

server::ApiResponse ConsoleApi::GetRow(const std::string& name, const std::string& row,
                                       const server::ApiRequest& request) {
  auto versions = VersionsParam(request);
  if (!versions) return Error(400, versions.error().message());
  auto table = stores_->tables->OpenTable(name);
  if (!table) return StoreError(table.error(), "");
  table::GetSpec spec;
  spec.row = row;
  spec.columns = Columns(Param(request, "columns"));
  spec.max_versions = *versions;
  spec.filter = Param(request, "filter");
  auto got = (*table)->Get(spec);
  if (!got) return StoreError(got.error(), "get: ");
  if (got->empty()) return Error(404, "no row '" + row + "' in " + name);
  return Ok(RowJson(*got));
}

server::ApiResponse ConsoleApi::Detections(const server::ApiRequest& request) {
  const std::string date = Param(request, "date");
  if (date.empty()) return Error(400, "date: missing (yyyyMMdd, e.g. 20220426)");
  if (auto d = ParseDate8(date); !d) return Error(400, "date: " + d.error().message());
  hot::HotStore& store = *stores_->hot;
  auto cars = store.Members(date);
  if (!cars) return StoreError(cars.error(), "hot store: ");
  json out{{"date", date}, {"cars", *cars}, {"store", store.Describe()}};
  if (auto ttl = store.TtlMs(date); ttl) out["expires_in_ms"] = *ttl;
  if (FlagParam(request, "details")) {
    auto texts = hot::DetectionDetails(store, date, *cars);
    if (!texts) return StoreError(texts.error(), "hot store: ");
    json details = json::array();
    for (const std::string& d : *texts) details.push_back(json::parse(d, nullptr, false));
    out["details"] = std::move(details);
  }
  return Ok(out);
}

Result<std::vector<ConsoleApi::RuleFile>> ConsoleApi::FolderRules() const {
  auto files = cep::ListRuleFiles(options_.rules_dir);
  if (!files) return Err(files.error());
  std::vector<RuleFile> out;
  for (const std::string& path : *files) {
    auto text = ReadFileToString(path);
    if (!text) return Err(text.error().WithPrefix("rules folder: "));
    out.push_back({path, std::move(*text)});
  }
  return out;
}

server::ApiResponse ConsoleApi::Rules() {
  json out;
  json folder = json::array();
  if (auto files = FolderRules(); files) {
    for (const RuleFile& f : *files) folder.push_back({{"path", f.path}, {"text", f.text}});
  } else if (files.error().code() != Status::Code::kInvalidArgument) {
    return StoreError(files.error(), "");  // a file listed but not readable
  } else {
    out["folder_error"] = files.error().message();
  }
  out["folder"] = {{"dir", options_.rules_dir}, {"files", std::move(folder)}};
  if (stores_->coordinator != nullptr) {
    coord::RuleStore store(stores_->coordinator.get());
    auto latest = store.Latest();
    if (!latest) return StoreError(latest.error(), "rule store: ");
    json rules = json::array();
    for (const coord::RuleVersion& r : *latest) {
      rules.push_back(VersionJson(r));
    }
    out["store"] = std::move(rules);
  }
  return Ok(out);
}

server::ApiResponse ConsoleApi::CheckRule(const server::ApiRequest& request) {
  if (request.body.empty()) return Error(400, "empty body: POST the rule's EPL text");
  auto rule = cep::Compile(request.body);
  if (!rule) return CompileFailure(rule.error());
  json statements = json::array();
  for (const std::string& name : rule->statement_names()) {
    statements.push_back({{"name", name}, {"columns", rule->columns(name)}});
  }
  return Ok(json{{"ok", true}, {"statements", std::move(statements)}});
}

server::ApiResponse ConsoleApi::DeployRule(const server::ApiRequest& request) {
  const std::string name = Param(request, "name");
  if (name.empty()) return Error(400, "name: missing (the rule's name, e.g. overspeed)");
  if (Status s = coord::RuleStore::CheckName(name); !s.ok()) return Error(400, s.message());
  if (request.body.empty()) return Error(400, "empty body: POST the rule's EPL text");
  auto rule = cep::Compile(request.body);
  if (!rule) return CompileFailure(rule.error());  // nothing deployed
  coord::RuleStore store(stores_->coordinator.get());
  bool unchanged = false;
  auto v = store.Deploy(name, request.body, Author(request), Param(request, "message"), &unchanged);
  if (!v) return StoreError(v.error(), "rule store: ");
  json out = VersionJson(*v);
  out["unchanged"] = unchanged;
  return Ok(out);
}

server::ApiResponse ConsoleApi::RuleHistory(const std::string& name) {
  coord::RuleStore store(stores_->coordinator.get());
  auto history = store.History(name);
  if (!history) return StoreError(history.error(), "rule store: ");
  json versions = json::array();
  for (const coord::RuleVersion& r : *history) versions.push_back(VersionJson(r));
  return Ok(json{{"name", name}, {"versions", std::move(versions)}});
}

server::ApiResponse ConsoleApi::Rollback(const std::string& name,
                                         const server::ApiRequest& request) {
  auto to = IntParam(request, "to", 0, INT64_MAX);
  if (!to) return Error(400, to.error().message());
  if (*to == 0) return Error(400, "to: missing (the version to deploy again, e.g. 1)");
  coord::RuleStore store(stores_->coordinator.get());
  auto v = store.Rollback(name, *to, Author(request));
  if (!v) return StoreError(v.error(), "rule store: ");
  return Ok(VersionJson(*v));
}

Result<ConsoleApi::Deployed> ConsoleApi::DeployedRule(const std::string& against) const {
  namespace fs = std::filesystem;
  if (stores_->coordinator != nullptr) {
    coord::RuleStore store(stores_->coordinator.get());
    auto latest = store.Latest();
    if (!latest) return Err(latest.error().WithPrefix("rule store: "));
    for (const coord::RuleVersion& r : *latest) {
      if (against.empty() || r.name == against) {
        return Deployed{r.name + " version " + std::to_string(r.version) + " of the rule store",
                        r.text};
      }
    }
  }
  auto files = FolderRules();
  if (!files && files.error().code() != Status::Code::kInvalidArgument) return Err(files.error());
  if (files) {
    for (const RuleFile& f : *files) {
      if (!against.empty() && fs::path(f.path).stem().string() != against) continue;
      return Deployed{f.path, f.text};
    }
  }
  if (against.empty()) return Deployed{};  // nothing deployed: the candidate alone
  return Err(Status::NotFound("against: no rule '" + against +
                              "' in the rule store or the rules folder " + options_.rules_dir));
}

server::ApiResponse ConsoleApi::Backtest(const server::ApiRequest& request) {
  const std::string from_text = Param(request, "from");
  if (from_text.empty()) return Error(400, "from: missing (yyyyMMdd or yyyyMMddHHmmss)");
  std::string to_text = Param(request, "to");
  if (to_text.empty()) to_text = from_text;
  auto from = ParseTimeBound(from_text, false);
  if (!from) return Error(400, "from: " + from.error().message());
  auto to = ParseTimeBound(to_text, true);
  if (!to) return Error(400, "to: " + to.error().message());
  if (*to <= *from) return Error(400, "to: " + to_text + " is before from " + from_text);
  if (request.body.empty()) return Error(400, "empty body: POST the candidate rule's EPL text");
  std::vector<cep::CompiledRule> rules;
  auto candidate = cep::Compile(request.body);
  if (!candidate) return CompileFailure(candidate.error());
  rules.push_back(std::move(*candidate));
  auto deployed = DeployedRule(Param(request, "against"));
  if (!deployed) return StoreError(deployed.error(), "");
  if (!deployed->text.empty()) {
    auto rule = cep::Compile(deployed->text);
    if (!rule) return Error(503, deployed->what + ": " + rule.error().message());
    rules.push_back(std::move(*rule));
  }
  // One at a time, on one thread: the live pipeline keeps the machine's other cores.
  std::unique_lock<std::mutex> lock(backtest_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return Error(429, "a backtest is running; try again when it is done");
  BacktestOptions options;
  options.topic = kDriverTopic;
  options.from_ms = *from;
  options.to_ms = *to;
  options.hold_ms = kDefaultCepHoldMs;
  options.threads = 1;
  auto result = RunBacktest(stores_->log.get(), rules, options);
  if (!result) return StoreError(result.error(), "backtest: ");
  BacktestReport report;
  report.candidate = "the request's rule";
  report.against = deployed->what;
  report.from = from_text;
  report.to = to_text;
  report.result = &*result;
  if (Status s = CompareBacktestDays(&report, from_text + " .. " + to_text); !s.ok()) {
    return Error(400, "from/to: " + s.message());
  }
  return {200, BacktestReportJson(report)};
}

server::ApiResponse ConsoleApi::PutCell(const std::string& name, const std::string& row,
                                        const server::ApiRequest& request) {
  const std::string column = Param(request, "column");
  const table::ColumnRef ref = table::ColumnRef::Parse(column);
  if (ref.family.empty() || ref.qualifier.empty() || column.find(':') == std::string::npos) {
    return Error(400, "column: '" + column + "' is not FAMILY:QUALIFIER (e.g. cf1:speed)");
  }
  if (row.empty()) return Error(400, "row: empty");
  auto ts = IntParam(request, "timestamp", table::kLatestTimestamp, INT64_MAX);
  if (!ts) return Error(400, ts.error().message());
  auto table = stores_->tables->OpenTable(name);
  if (!table) return StoreError(table.error(), "");
  table::Put p(row);
  p.Add(ref.family, ref.qualifier, request.body, *ts);
  if (Status s = (*table)->Apply({}, p); !s.ok()) return StoreError(s, "put: ");
  // The row as it is now (the cell as stored, with its timestamp): what `get` shows.
  table::GetSpec spec;
  spec.row = row;
  spec.columns = {ref};
  auto got = (*table)->Get(spec);
  if (!got) return StoreError(got.error(), "get: ");
  return Ok(RowJson(*got));
}

server::ApiResponse ConsoleApi::Sql(const server::ApiRequest& request) {
  if (request.body.empty()) return Error(400, "empty body: POST the SQL to run");
  std::unique_lock<std::mutex> lock(sql_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return Error(429, "a statement is running; try again when it is done");
  if (warehouse_ == nullptr) {
    static std::once_flag registered;
    std::call_once(registered, [] { RegisterDriveInfoView(); });
    warehouse::WarehouseOptions o;
    o.data_dir = options_.data_dir;
    o.threads = 1;  // beside the live pipeline
    o.memory_limit = "1GB";
    auto w = warehouse::Warehouse::Open(o);
    if (!w) return StoreError(w.error(), "warehouse: ");
    warehouse_ = std::move(*w);
  }
  auto r = warehouse_->Query(request.body);
  if (!r)
    return Error(r.error().IsInvalidArgument() || r.error().IsNotFound() ? 400 : 503,
                 r.error().message());
  json rows = json::array();
  for (size_t i = 0; i < r->rows.size() && i < kMaxSqlRows; ++i) {
    json row = json::array();
    for (size_t c = 0; c < r->rows[i].size(); ++c) {
      const auto& v = r->rows[i][c];
      if (!v.has_value()) {
        row.push_back(nullptr);
      } else if (r->kinds[c] == warehouse::QueryResult::Kind::kNumber) {
        json n = json::parse(*v, nullptr, false);  // numbers as numbers, for charts
        row.push_back(n.is_number() ? n : json(*v));
      } else if (r->kinds[c] == warehouse::QueryResult::Kind::kBool) {
        row.push_back(*v == "true");
      } else {
        row.push_back(*v);
      }
    }
    rows.push_back(std::move(row));
  }
  return Ok(json{{"columns", r->columns},
                 {"types", r->types},
                 {"rows", std::move(rows)},
                 {"row_count", r->rows.size()},
                 {"truncated", r->rows.size() > kMaxSqlRows}});
}

server::ApiResponse ConsoleApi::RuleDiff(const std::string& name,
                                         const server::ApiRequest& request) {
  auto a = IntParam(request, "a", 0, INT64_MAX);  // 0: the latest version
  if (!a) return Error(400, a.error().message());
  auto b = IntParam(request, "b", 0, INT64_MAX);
  if (!b) return Error(400, b.error().message());
  coord::RuleStore store(stores_->coordinator.get());
  auto from = store.Get(name, *a);
  if (!from) return StoreError(from.error(), "rule store: ");
  json out{{"name", name}, {"a", from->version}};
  std::string to_text;
  if (request.method == "POST") {  // the body: a text not deployed yet (the editor's)
    to_text = request.body;
    out["b"] = "body";
  } else {
    auto to = store.Get(name, *b);
    if (!to) return StoreError(to.error(), "rule store: ");
    to_text = to->text;
    out["b"] = to->version;
  }
  out["diff"] = coord::RuleDiff(from->text, to_text);
  return Ok(out);
}

server::ApiResponse ConsoleApi::Cluster() {
  coord::Coordinator* c = stores_->coordinator.get();
  auto members = coord::ListMembers(c);
  if (!members) return StoreError(members.error(), "coordination: ");
  auto leader = coord::CurrentLeader(c);
  if (!leader) return StoreError(leader.error(), "coordination: ");
  json list = json::array();
  for (const coord::MemberInfo& m : *members) {
    list.push_back(json::parse(coord::MemberToJson(m), nullptr, false));
  }
  return Ok(
      json{{"coordinator", c->Describe()}, {"leader", *leader}, {"members", std::move(list)}});
}

Result<uint64_t> ConsoleApi::DeadLetterLines(const std::string& path, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(dead_mu_);
  LineCount& known = dead_lines_[path];
  if (bytes < known.bytes) known = LineCount{};  // truncated or replaced: count again
  if (bytes > known.bytes) {
    auto more = CountNewlines(path, known.bytes);
    if (!more) return Err(more.error());
    known.lines += *more;
    known.bytes = bytes;  // bytes written meanwhile are counted next time
  }
  return known.lines;
}

server::ApiResponse ConsoleApi::DeadLetters() {
  namespace fs = std::filesystem;
  const std::string dir = DataFolder(options_.data_dir).DeadLetters();
  json files = json::array();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    const uint64_t bytes = e.file_size(ec);
    if (ec) continue;  // gone meanwhile
    auto lines = DeadLetterLines(e.path().string(), bytes);
    files.push_back(
        {{"name", e.path().filename().string()}, {"bytes", bytes}, {"lines", lines ? *lines : 0}});
  }
  std::sort(files.begin(), files.end(),
            [](const json& a, const json& b) { return a["name"] < b["name"]; });
  return Ok(json{{"dir", dir}, {"files", std::move(files)}});
}

server::ApiResponse ConsoleApi::DeadLetter(const std::string& name,
                                           const server::ApiRequest& request) {
  // A file directly in the folder: no path, no "..", nothing hidden.
  if (name.empty() || name[0] == '.' || name.find_first_of("/\\") != std::string::npos) {
    return Error(404, "no dead-letter file '" + name + "'");
  }
  auto tail = IntParam(request, "tail", 100, 10000);
  if (!tail) return Error(400, tail.error().message());
  const std::string path = DataFolder(options_.data_dir).DeadLetters() + "/" + name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error(404, "no dead-letter file '" + name + "'");
  }
  const uint64_t bytes = std::filesystem::file_size(path, ec);
  auto lines = LastLines(path, static_cast<size_t>(*tail));
  if (!lines) return StoreError(lines.error(), "dead letters: ");
  auto total = DeadLetterLines(path, ec ? 0 : bytes);
  if (!total) return StoreError(total.error(), "dead letters: ");
  // A last line without its '\n' (being written) is shown but not in the count of lines.
  return Ok(json{{"name", name},
                 {"total_lines", std::max<uint64_t>(*total, lines->size())},
                 {"lines", std::move(*lines)}});
}

}  // namespace smartcar::pipeline

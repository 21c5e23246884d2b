// ConsoleApi: the JSON API under /api/v1/ of a process that holds a data folder's stores
// (`smartcar run`, `smartcar worker`), for the operator's console and for scripts. Every answer
// comes from the same code as the CLI command it mirrors (the HBase shell's scan and filter
// language, `smartcar overspeed`, the rule compiler), never a second implementation. The paths,
// parameters and answers are in docs/API.md.
//
//   GET  tables                         the tables (HBase `list`)
//   GET  tables/NAME/scan?...           rows of a scan (HBase `scan`)
//   GET  tables/NAME/rows/ROW?...       one row (HBase `get`)
//   GET  cluster                        members, leader, partitions (`smartcar cluster status`)
//   GET  deadletters[/FILE?tail=N]      DATA/dead-letter/'s files; a file's last N lines
//   GET  history                        the counters each second, the last 15 minutes
//   GET  detections?date=yyyyMMdd       the day's overspeeding cars (`smartcar overspeed`)
//   GET  rules                          the rules folder's files and the rule store's versions
//   POST rules/check                    compiles the request body as EPL (`smartcar rules check`)
//   POST rules/deploy?name=NAME         stores the body as NAME's next version (`rules deploy`) *
//   GET  rules/NAME/history             every version of NAME (`smartcar rules history`)
//   GET  rules/NAME/diff?a=N[&b=M]      line diff of two versions (`smartcar rules diff`);
//   POST rules/NAME/diff?a=N            ... of version N (default latest) and the body
//   POST rules/NAME/rollback?to=N       version N's text again as the next version (`rollback`) *
//   POST rules/backtest?from=D[&to=D][&against=NAME]   the body's rule over the stored events
//                                       beside the deployed rule (`smartcar rules backtest`)
//   POST tables/NAME/rows/ROW?column=CF:Q[&timestamp=T]   puts the body as the cell (`put`) *
//   POST sql                            runs the body as DuckDB SQL on the warehouse (`sql -e`) *
//   GET|POST replay                     ReplayService (when given); POST needs the token *
//
// * Paths that change something need the API token in an X-Smartcar-Token header (401 without,
// 403 for another): a header, not a cookie, so a page of another site cannot send it.
//
// Errors are JSON too: {"error": "..."} with 400 (bad input: says which parameter and why),
// 404 (no such path, table or row), 405 (wrong method), 503 (a store did not answer).
// Thread-safe: the stores are, and the API keeps no state of its own (a second backtest while
// one runs is answered 429).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/replay.h"
#include "pipeline/stores.h"
#include "server/metrics_server.h"

namespace smartcar::warehouse {
class Warehouse;
}  // namespace smartcar::warehouse

namespace smartcar::pipeline {

class ConsoleApi {
 public:
  struct Options {
    std::string data_dir;             // The data folder (its warehouse answers `sql`).
    std::string rules_dir;            // The rules folder.
    ReplayService* replay = nullptr;  // Not owned; null: no replay path.
    std::string token;                // What mutating paths require (empty: they are refused).
    bool console = true;              // false (`--ui off`): only replay is served.
    // The body of GET history (RunMetrics::HistoryJson); empty: that path is 404.
    std::function<std::string()> history;
  };
  // `stores` must outlive the API.
  ConsoleApi(const Stores* stores, Options options);
  ~ConsoleApi();

  // 32 hex digits from the system's random source, for `token`.
  static std::string NewToken();

  server::ApiResponse Handle(const server::ApiRequest& request);

  // Rows a `sql` answer holds at most (`truncated` says when there were more).
  static constexpr size_t kMaxSqlRows = 10000;
  // Rows a scan returns when no `limit` is given, and the most it may ask for.
  static constexpr int64_t kDefaultScanLimit = 100;
  static constexpr int64_t kMaxScanLimit = 10000;

 private:
  server::ApiResponse Tables(const server::ApiRequest& request);
  server::ApiResponse Scan(const std::string& table, const server::ApiRequest& request);
  server::ApiResponse GetRow(const std::string& table, const std::string& row,
                             const server::ApiRequest& request);
  server::ApiResponse Detections(const server::ApiRequest& request);
  server::ApiResponse Rules();
  server::ApiResponse CheckRule(const server::ApiRequest& request);
  server::ApiResponse DeployRule(const server::ApiRequest& request);
  server::ApiResponse RuleHistory(const std::string& name);
  server::ApiResponse Cluster();
  server::ApiResponse DeadLetters();
  server::ApiResponse DeadLetter(const std::string& name, const server::ApiRequest& request);
  server::ApiResponse RuleDiff(const std::string& name, const server::ApiRequest& request);
  server::ApiResponse Rollback(const std::string& name, const server::ApiRequest& request);
  server::ApiResponse Backtest(const server::ApiRequest& request);
  server::ApiResponse PutCell(const std::string& table, const std::string& row,
                              const server::ApiRequest& request);
  server::ApiResponse Sql(const server::ApiRequest& request);
  // The rule a backtest compares with: NAME's latest version in the rule store, else the rules
  // folder's NAME.epl; without NAME the store's first rule, else the folder's first file; empty
  // `text` when there is none.
  struct Deployed {
    std::string what;  // "overspeed version 2 of the rule store", or the file's path
    std::string text;
  };
  Result<Deployed> DeployedRule(const std::string& against) const;
  struct RuleFile {
    std::string path, text;
  };
  // The rules folder's files and their text; ListRuleFiles' error when it has none.
  Result<std::vector<RuleFile>> FolderRules() const;
  // Empty when `request` carries the token, else the 401/403 answer's reason.
  std::string Unauthorized(const server::ApiRequest& request, int* status) const;

  const Stores* stores_;
  Options options_;
  std::mutex backtest_mu_;  // One backtest at a time.
  std::mutex sql_mu_;       // One statement at a time, on warehouse_.
  // Each dead-letter file's line count at a size, so a page refreshing the list every few
  // seconds reads only what was appended since (the files only grow; a smaller one is recounted).
  struct LineCount {
    uint64_t bytes = 0;
    uint64_t lines = 0;
  };
  Result<uint64_t> DeadLetterLines(const std::string& path, uint64_t bytes);
  std::mutex dead_mu_;
  std::map<std::string, LineCount> dead_lines_;      // GUARDED_BY(dead_mu_)
  std::unique_ptr<warehouse::Warehouse> warehouse_;  // GUARDED_BY(sql_mu_); opened on first use
};

}  // namespace smartcar::pipeline

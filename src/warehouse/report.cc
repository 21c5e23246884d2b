// WarehouseImpl::StatusReport: runs sql/status_report.sql, stores the rows back as
// SmartCar_Status_Report_<period>, and writes the optional copy (.csv, .parquet, .html).
#include <fstream>
#include <string>

#include "warehouse/embedded_sql.h"
#include "warehouse/html_report.h"
#include "warehouse/partition_store.h"
#include "warehouse/warehouse_impl.h"

namespace smartcar::warehouse {
namespace {

constexpr const char* kReportTemp = "__smartcar_report";

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (size_t pos = s->find(from); pos != std::string::npos; pos = s->find(from, pos + to.size())) {
    s->replace(pos, from.size(), to);
  }
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view ReportPeriodName(ReportPeriod p) {
  switch (p) {
    case ReportPeriod::kDay:
      return "day";
    case ReportPeriod::kWeek:
      return "week";
    case ReportPeriod::kMonth:
      return "month";
    case ReportPeriod::kYear:
      return "year";
  }
  return "day";
}

Result<ReportPeriod> ParseReportPeriod(std::string_view name) {
  for (ReportPeriod p :
       {ReportPeriod::kDay, ReportPeriod::kWeek, ReportPeriod::kMonth, ReportPeriod::kYear}) {
    if (name == ReportPeriodName(p)) return p;
  }
  return Err(Status::InvalidArgument("period '" + std::string(name) +
                                     "' is not one of day, week, month, year"));
}

std::string ReportTableName(ReportPeriod p) {
  return "SmartCar_Status_Report_" + std::string(ReportPeriodName(p));
}

Result<QueryResult> WarehouseImpl::StatusReport(const ReportOptions& options) {
  if (Status s = ValidateDate(options.from).WithPrefix("--from: "); !s.ok()) return Err(s);
  if (Status s = ValidateDate(options.to).WithPrefix("--to: "); !s.ok()) return Err(s);
  if (options.from > options.to) {
    return Err(Status::InvalidArgument("--from " + options.from + " is after --to " + options.to));
  }
  if (options.top_cars < 1 || options.top_cars > 1000) {
    return Err(Status::InvalidArgument("top cars must be 1-1000"));
  }
  const bool csv = EndsWith(options.out, ".csv");
  const bool parquet = EndsWith(options.out, ".parquet");
  const bool html = EndsWith(options.out, ".html");
  if (!options.out.empty() && !csv && !parquet && !html) {
    return Err(Status::InvalidArgument("--out " + options.out +
                                       ": the name must end in .csv, .parquet or .html"));
  }

  std::string sql(sql::kStatusReportSql);
  ReplaceAll(&sql, "${BY}", ReportPeriodName(options.by));
  ReplaceAll(&sql, "${FROM}", options.from);
  ReplaceAll(&sql, "${TO}", options.to);
  ReplaceAll(&sql, "${TOP_CARS}", std::to_string(options.top_cars));

  if (Status s = RefreshViews(); !s.ok()) return Err(s);
  const std::string temp(kReportTemp);
  if (Status s = session_->Exec("CREATE OR REPLACE TEMP TABLE " + temp + " AS " + sql); !s.ok()) {
    return Err(s);
  }
  const std::string table = ReportTableName(options.by);
  if (Status s = StorePartitioned(table, "SELECT * FROM " + temp); !s.ok()) return Err(s);

  auto rows =
      session_->Query("SELECT * EXCLUDE (wrk_date) FROM " + temp + " ORDER BY period_start");
  if (!rows) return rows;
  if (csv || parquet) {
    const std::string format = csv ? "csv, HEADER" : "parquet";
    if (Status s = session_->Exec("COPY (SELECT * EXCLUDE (wrk_date) FROM " + temp +
                                  " ORDER BY period_start) TO " + duck::Quote(options.out) +
                                  " (FORMAT " + format + ")");
        !s.ok()) {
      return Err(s);
    }
  } else if (html) {
    std::ofstream out(options.out, std::ios::binary | std::ios::trunc);
    out << RenderStatusReportHtml(*rows, options);
    out.close();
    if (!out) return Err(Status::IOError("cannot write " + options.out));
  }
  (void)session_->Exec("DROP TABLE IF EXISTS " + temp);
  return rows;
}

}  // namespace smartcar::warehouse

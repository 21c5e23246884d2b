// `smartcar report status`: the pilot's day/week/month/year time series over the status log.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "warehouse/result_format.h"
#include "warehouse/warehouse.h"

namespace smartcar::cli {
namespace {

struct ReportFlags {
  std::string by = "day";
  std::string from = "00000101";
  std::string to = "99991231";
  std::string out;
  std::string format = "table";
  std::string data = "smartcar-data";
  int top = 3;
};

int RunReportStatus(const ReportFlags& f) {
  auto by = warehouse::ParseReportPeriod(f.by);
  auto format = warehouse::ParseOutputFormat(f.format);
  if (!by || !format) {
    std::fprintf(stderr, "smartcar report status: %s\n",
                 (!by ? by.error() : format.error()).message().c_str());
    return kExitUsage;
  }
  warehouse::WarehouseOptions options;
  options.data_dir = f.data;
  auto w = warehouse::Warehouse::Open(options);
  if (!w) {
    std::fprintf(stderr, "smartcar report status: %s\n", w.error().message().c_str());
    return kExitFailure;
  }
  warehouse::ReportOptions ro;
  ro.by = *by;
  ro.from = f.from;
  ro.to = f.to;
  ro.out = f.out;
  ro.top_cars = f.top;
  auto rows = (*w)->StatusReport(ro);
  if (!rows) {
    std::fprintf(stderr, "smartcar report status: %s\n", rows.error().message().c_str());
    return rows.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  if (f.out.empty()) {
    std::fputs(warehouse::FormatResult(*rows, *format).c_str(), stdout);
  }
  std::fprintf(stderr, "report by %s: %zu periods, stored as table %s%s%s\n", f.by.c_str(),
               rows->rows.size(), warehouse::ReportTableName(*by).c_str(),
               f.out.empty() ? "" : "; written to ", f.out.c_str());
  return kExitOk;
}

}  // namespace

void RegisterReport(CLI::App* app, int* exit_code) {
  CLI::App* report = app->add_subcommand("report", "Time-series reports over the warehouse");
  report->require_subcommand(1);
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* st = report->add_subcommand(
      "status",
      "Per day, ISO week, month or year: readings, cars, share of abnormal readings per sensor\n"
      "and the cars with most faults. Stored back as table SmartCar_Status_Report_<period>.");
  st->add_option("--by", flags->by, "day, week, month or year")->capture_default_str();
  st->add_option("--from", flags->from, "First partition day yyyyMMdd (inclusive)");
  st->add_option("--to", flags->to, "Last partition day yyyyMMdd (inclusive)");
  st->add_option("--out", flags->out, "Also write FILE.csv, FILE.parquet or FILE.html (charts)");
  st->add_option("--format", flags->format, "Output on stdout: table, csv or json")
      ->capture_default_str();
  st->add_option("--top", flags->top, "Cars listed per period")->capture_default_str();
  st->add_option("--data", flags->data, "Data folder")->capture_default_str();
  st->callback([flags, exit_code] { *exit_code = RunReportStatus(*flags); });
}

}  // namespace smartcar::cli

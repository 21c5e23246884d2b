// RenderStatusReportHtml: the status report page with an inline SVG bar chart of readings per
// period, a line chart of each sensor's abnormal share, and the table; plus HtmlEscape.
#include "warehouse/html_report.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace smartcar::warehouse {
namespace {

constexpr double kWidth = 900, kHeight = 280, kLeft = 60, kRight = 20, kTop = 20, kBottom = 50;

int ColumnIndex(const QueryResult& r, std::string_view name) {
  for (size_t i = 0; i < r.columns.size(); ++i) {
    if (r.columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

double Number(const QueryResult& r, size_t row, int col) {
  if (col < 0 || !r.rows[row][static_cast<size_t>(col)]) return 0;
  return std::strtod(r.rows[row][static_cast<size_t>(col)]->c_str(), nullptr);
}

std::string Text(const QueryResult& r, size_t row, int col) {
  if (col < 0 || !r.rows[row][static_cast<size_t>(col)]) return "";
  return *r.rows[row][static_cast<size_t>(col)];
}

std::string Fmt(double v, const char* f = "%.1f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// X position of period i's centre.
double X(size_t i, size_t n) {
  const double w = (kWidth - kLeft - kRight) / static_cast<double>(std::max<size_t>(n, 1));
  return kLeft + w * (static_cast<double>(i) + 0.5);
}

double Y(double v, double max) {
  return kTop + (kHeight - kTop - kBottom) * (1.0 - (max > 0 ? v / max : 0));
}

std::string Axes(const QueryResult& r, int label_col, double max, const char* tick_format,
                 double tick_scale) {
  std::string s;
  const size_t n = r.rows.size();
  s += "<line x1='" + Fmt(kLeft) + "' y1='" + Fmt(kHeight - kBottom) + "' x2='" +
       Fmt(kWidth - kRight) + "' y2='" + Fmt(kHeight - kBottom) + "' stroke='#444'/>\n";
  for (int t = 0; t <= 4; ++t) {
    const double v = max * t / 4.0;
    const double y = Y(v, max);
    s += "<line x1='" + Fmt(kLeft) + "' y1='" + Fmt(y) + "' x2='" + Fmt(kWidth - kRight) +
         "' y2='" + Fmt(y) + "' stroke='#ddd'/>";
    s += "<text x='" + Fmt(kLeft - 6) + "' y='" + Fmt(y + 4) + "' text-anchor='end'>" +
         Fmt(v * tick_scale, tick_format) + "</text>\n";
  }
  const size_t step = std::max<size_t>(1, n / 12);  // At most ~12 labels.
  for (size_t i = 0; i < n; i += step) {
    s += "<text x='" + Fmt(X(i, n)) + "' y='" + Fmt(kHeight - kBottom + 16) +
         "' text-anchor='middle'>" + HtmlEscape(Text(r, i, label_col)) + "</text>\n";
  }
  return s;
}

std::string ReadingsChart(const QueryResult& r) {
  const int label = ColumnIndex(r, "period"), readings = ColumnIndex(r, "readings");
  const size_t n = r.rows.size();
  double max = 0;
  for (size_t i = 0; i < n; ++i) max = std::max(max, Number(r, i, readings));
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 " + Fmt(kWidth, "%.0f") +
                  " " + Fmt(kHeight, "%.0f") + "' role='img' aria-label='Readings per period'>\n";
  s += Axes(r, label, max, "%.0f", 1);
  const double w = (kWidth - kLeft - kRight) / static_cast<double>(std::max<size_t>(n, 1)) * 0.7;
  for (size_t i = 0; i < n; ++i) {
    const double v = Number(r, i, readings), y = Y(v, max);
    s += "<rect x='" + Fmt(X(i, n) - w / 2) + "' y='" + Fmt(y) + "' width='" + Fmt(w) +
         "' height='" + Fmt(kHeight - kBottom - y) + "' fill='#4e79a7'><title>" +
         HtmlEscape(Text(r, i, label)) + ": " + Fmt(v, "%.0f") + " readings</title></rect>\n";
  }
  return s + "</svg>\n";
}

std::string SharesChart(const QueryResult& r) {
  struct Series {
    const char* column;
    const char* label;
    const char* color;
  };
  static const Series kSeries[] = {
      {"tire_low_share", "tyre pressure < 60", "#e15759"},
      {"lamp_fault_share", "lamp fault", "#f28e2b"},
      {"engine_fault_share", "engine not A", "#4e79a7"},
      {"brake_fault_share", "brake not A", "#76b7b2"},
      {"battery_low_share", "battery < 30", "#59a14f"},
  };
  const int label = ColumnIndex(r, "period");
  const size_t n = r.rows.size();
  double max = 0;
  for (const Series& se : kSeries) {
    for (size_t i = 0; i < n; ++i) max = std::max(max, Number(r, i, ColumnIndex(r, se.column)));
  }
  max = max > 0 ? max * 1.1 : 1;
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 " + Fmt(kWidth, "%.0f") +
                  " " + Fmt(kHeight + 30, "%.0f") +
                  "' role='img' aria-label='Share of abnormal readings per sensor'>\n";
  s += Axes(r, label, max, "%.1f%%", 100);
  double legend_x = kLeft;
  for (const Series& se : kSeries) {
    const int col = ColumnIndex(r, se.column);
    std::string points;
    for (size_t i = 0; i < n; ++i) {
      const double v = Number(r, i, col);
      points += Fmt(X(i, n)) + "," + Fmt(Y(v, max)) + " ";
      s += "<circle cx='" + Fmt(X(i, n)) + "' cy='" + Fmt(Y(v, max)) + "' r='3' fill='" + se.color +
           "'><title>" + HtmlEscape(Text(r, i, label)) + " " + se.label + ": " +
           Fmt(v * 100, "%.2f") + "%</title></circle>\n";
    }
    s += "<polyline fill='none' stroke='" + std::string(se.color) + "' stroke-width='2' points='" +
         points + "'/>\n";
    s += "<rect x='" + Fmt(legend_x) + "' y='" + Fmt(kHeight + 8) +
         "' width='12' height='12' fill='" + se.color + "'/><text x='" + Fmt(legend_x + 16) +
         "' y='" + Fmt(kHeight + 18) + "'>" + se.label + "</text>\n";
    legend_x += 160;
  }
  return s + "</svg>\n";
}

std::string Table(const QueryResult& r) {
  std::string s = "<table>\n<tr>";
  for (const std::string& c : r.columns) s += "<th>" + HtmlEscape(c) + "</th>";
  s += "</tr>\n";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    s += "<tr>";
    for (size_t c = 0; c < r.columns.size(); ++c) {
      std::string v = r.rows[i][c].value_or("NULL");
      if (r.columns[c].size() > 6 && r.columns[c].ends_with("_share") && r.rows[i][c]) {
        v = Fmt(std::strtod(v.c_str(), nullptr) * 100, "%.2f") + " %";
      }
      const bool num = r.kinds[c] == QueryResult::Kind::kNumber;
      s += std::string(num ? "<td class='n'>" : "<td>") + HtmlEscape(v) + "</td>";
    }
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderStatusReportHtml(const QueryResult& rows, const ReportOptions& options) {
  const std::string title =
      "SmartCar status report by " + std::string(ReportPeriodName(options.by));
  std::string s =
      "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n<title>" +
      HtmlEscape(title) +
      "</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#222}\n"
      "svg{width:100%;max-width:900px;font-size:11px;display:block;margin-bottom:2em}\n"
      "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}\n"
      "td.n{text-align:right}th{background:#f3f3f3}\n</style>\n</head>\n<body>\n<h1>" +
      HtmlEscape(title) + "</h1>\n<p>Partitions " + HtmlEscape(options.from) + " to " +
      HtmlEscape(options.to) + " of SmartCar_Status_Info; " + std::to_string(rows.rows.size()) +
      " periods. Abnormal: tyre pressure &lt; 60, lamp = 2, engine &ne; A, brake &ne; A, "
      "battery &lt; 30.</p>\n";
  if (rows.rows.empty()) return s + "<p>No readings in this range.</p>\n</body>\n</html>\n";
  s += "<h2>Readings per period</h2>\n" + ReadingsChart(rows);
  s += "<h2>Share of abnormal readings per sensor</h2>\n" + SharesChart(rows);
  s += "<h2>Table</h2>\n" + Table(rows);
  return s + "</body>\n</html>\n";
}

}  // namespace smartcar::warehouse

// A self-contained HTML page for a status report: a table and inline SVG charts, no scripts and
// no external resources, so the file can be mailed or opened offline.
#pragma once

#include <string>

#include "warehouse/warehouse.h"

namespace smartcar::warehouse {

// `rows` are StatusReport()'s rows (columns as in sql/status_report.sql, without wrk_date).
std::string RenderStatusReportHtml(const QueryResult& rows, const ReportOptions& options);

// `text` with &, <, >, ", ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace smartcar::warehouse

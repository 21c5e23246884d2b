// Renders a QueryResult as an aligned text table, CSV (RFC 4180) or JSON (an array of objects;
// numbers and booleans unquoted, NULL as null). Used by `smartcar sql` and `smartcar report`.
#pragma once

#include <string>

#include "core/status.h"
#include "warehouse/warehouse.h"

namespace smartcar::warehouse {

enum class OutputFormat { kTable, kCsv, kJson };
Result<OutputFormat> ParseOutputFormat(std::string_view name);  // "table", "csv", "json"

std::string FormatResult(const QueryResult& r, OutputFormat format);

}  // namespace smartcar::warehouse

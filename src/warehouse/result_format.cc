// FormatResult: the aligned text table (names and types as headers, numbers right-aligned, width
// in code points), RFC 4180 CSV, and a JSON array of objects.
#include "warehouse/result_format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace smartcar::warehouse {
namespace {

// Display width in code points (UTF-8 continuation bytes do not count).
size_t Width(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  const std::string fill(width - std::min(width, Width(s)), ' ');
  return right ? fill + s : s + fill;
}

std::string TableText(const QueryResult& r) {
  const size_t cols = r.columns.size();
  std::vector<size_t> w(cols);
  for (size_t c = 0; c < cols; ++c) w[c] = std::max(Width(r.columns[c]), Width(r.types[c]));
  for (const auto& row : r.rows) {
    for (size_t c = 0; c < cols; ++c) w[c] = std::max(w[c], Width(row[c].value_or("NULL")));
  }
  auto rule = [&] {
    std::string s = "+";
    for (size_t c = 0; c < cols; ++c) s += std::string(w[c] + 2, '-') + "+";
    return s + "\n";
  };
  std::string out = rule() + "|";
  for (size_t c = 0; c < cols; ++c) out += " " + Pad(r.columns[c], w[c], false) + " |";
  out += "\n|";
  for (size_t c = 0; c < cols; ++c) out += " " + Pad(r.types[c], w[c], false) + " |";
  out += "\n" + rule();
  for (const auto& row : r.rows) {
    out += "|";
    for (size_t c = 0; c < cols; ++c) {
      out +=
          " " + Pad(row[c].value_or("NULL"), w[c], r.kinds[c] == QueryResult::Kind::kNumber) + " |";
    }
    out += "\n";
  }
  out += rule();
  out += std::to_string(r.rows.size()) + (r.rows.size() == 1 ? " row\n" : " rows\n");
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvText(const QueryResult& r) {
  std::string out;
  for (size_t c = 0; c < r.columns.size(); ++c) out += (c ? "," : "") + CsvField(r.columns[c]);
  out += "\n";
  for (const auto& row : r.rows) {
    for (size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + CsvField(row[c].value_or(""));
    out += "\n";
  }
  return out;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A JSON number must be finite: DuckDB prints nan/inf, which become strings.
bool IsJsonNumber(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '+' && c != '.' &&
        c != 'e' && c != 'E') {
      return false;
    }
  }
  return true;
}

std::string JsonText(const QueryResult& r) {
  std::string out = "[";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    out += i ? ",\n{" : "\n{";
    for (size_t c = 0; c < r.columns.size(); ++c) {
      if (c) out += ",";
      out += JsonString(r.columns[c]) + ":";
      const auto& v = r.rows[i][c];
      if (!v) {
        out += "null";
      } else if (r.kinds[c] == QueryResult::Kind::kNumber && IsJsonNumber(*v)) {
        out += *v;
      } else if (r.kinds[c] == QueryResult::Kind::kBool && (*v == "true" || *v == "false")) {
        out += *v;
      } else {
        out += JsonString(*v);
      }
    }
    out += "}";
  }
  return out + (r.rows.empty() ? "]\n" : "\n]\n");
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return Err(
      Status::InvalidArgument("format '" + std::string(name) + "' is not one of table, csv, json"));
}

std::string FormatResult(const QueryResult& r, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return TableText(r);
    case OutputFormat::kCsv:
      return CsvText(r);
    case OutputFormat::kJson:
      return JsonText(r);
  }
  return "";
}

}  // namespace smartcar::warehouse

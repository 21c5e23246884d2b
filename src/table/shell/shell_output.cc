// The shell's output in the HBase shell's layout: ToStringBinary, column family descriptions and
// the two-column ROW / COLUMN+CELL listing with its "N row(s)" footer.
#include <cctype>
#include <cstdio>
#include <string>

#include "table/shell/shell.h"
#include "table/shell/shell_session.h"

namespace smartcar::table::shell {
namespace {

// Width of the left column (ROW / COLUMN) in result listings, as the HBase shell on a
// 100-column terminal.
constexpr int kLeftWidth = 39;

}  // namespace

std::string ToStringBinary(std::string_view bytes) {
  static constexpr std::string_view kKeep = " `~!@#$%^&*()-_=+[]{}|;:'\",.<>/?";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || kKeep.find(ch) != std::string_view::npos) {
      out.push_back(ch);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string FormatFamily(const FamilyOptions& f) {
  std::string ttl = f.ttl_seconds == 0 ? "FOREVER" : std::to_string(f.ttl_seconds) + " SECONDS";
  return "{NAME => '" + f.name + "', BLOOMFILTER => 'ROW', VERSIONS => '" +
         std::to_string(f.max_versions) + "', TTL => '" + ttl + "', MIN_VERSIONS => '0'}";
}

void Session::Line(std::string_view left, std::string_view right, bool inset) {
  std::string l = inset ? " " : "";
  l += left;
  const size_t width = kLeftWidth + 1;
  if (l.size() < width) l.append(width - l.size(), ' ');
  out_ << l << ' ' << right << '\n';
}

std::string Session::CellText(const Cell& c, bool with_column) {
  std::string s;
  if (with_column)
    s = "column=" + ToStringBinary(c.family) + ":" + ToStringBinary(c.qualifier) + ", ";
  return s + "timestamp=" + std::to_string(c.timestamp) + ", value=" + ToStringBinary(c.value);
}

void Session::Rows(uint64_t n) { out_ << n << " row(s)\n"; }

}  // namespace smartcar::table::shell

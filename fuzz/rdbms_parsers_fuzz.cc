// Fuzzes the rdbms stage's parsers: a --connect JDBC URL, a delimited record (Sqoop's input
// format flags), a delimiter flag, and the COPY text encoding. None may crash; plain fields
// joined back give the record; COPY text never holds a raw tab, newline or carriage return.
// The first byte picks the parser and the format.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "rdbms/delimited.h"
#include "rdbms/sqoop.h"

using namespace smartcar::rdbms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const uint8_t pick = data[0];
  switch (pick % 4) {
    case 0: {
      auto p = ParseJdbcUrl(in);
      if (p.has_value()) {
        for (const auto& [k, v] : *p) {
          if (k.empty()) std::abort();
        }
      }
      break;
    }
    case 1: {
      TextFormat f;
      f.fields_terminated_by = ",\t|\001"[(pick >> 2) % 4];
      if (pick & 0x10) f.enclosed_by = '"';
      if (pick & 0x20) f.escaped_by = (pick & 0x40) ? '"' : '\\';
      std::vector<std::string_view> fields;
      std::vector<bool> enclosed;
      std::string scratch;
      const bool complete = SplitFields(in, f, &fields, &enclosed, &scratch);
      if (complete && fields.size() != enclosed.size()) std::abort();
      if (complete && f.enclosed_by == '\0' && f.escaped_by == '\0') {
        std::string joined;
        for (size_t i = 0; i < fields.size(); ++i) {
          if (i > 0) joined.push_back(f.fields_terminated_by);
          joined.append(fields[i]);
        }
        if (joined != in) std::abort();
      }
      if (!complete && f.enclosed_by == '\0') std::abort();  // Only an enclosure stays open.
      break;
    }
    case 2: {
      auto c = ParseDelimiterFlag(in, "--fields-terminated-by");
      if (c.has_value() && in.size() == 1 && *c != in[0]) std::abort();
      break;
    }
    case 3: {
      std::string out;
      AppendCopyText(in, &out);
      for (char ch : out) {
        if (ch == '\t' || ch == '\n' || ch == '\r') std::abort();
      }
      if (out.size() < in.size()) std::abort();
      break;
    }
  }
  return 0;
}

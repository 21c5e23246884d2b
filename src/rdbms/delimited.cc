#include "rdbms/delimited.h"

#include <charconv>

namespace smartcar::rdbms {

bool SplitFields(std::string_view record, const TextFormat& format,
                 std::vector<std::string_view>* fields, std::vector<bool>* enclosed,
                 std::string* scratch) {
  fields->clear();
  enclosed->clear();
  const char sep = format.fields_terminated_by;
  const char quote = format.enclosed_by;
  const char esc = format.escaped_by;
  if (quote == '\0' && esc == '\0') {  // The common case: views into the record.
    size_t start = 0;
    for (;;) {
      const size_t at = record.find(sep, start);
      fields->push_back(record.substr(start, at == std::string_view::npos ? at : at - start));
      enclosed->push_back(false);
      if (at == std::string_view::npos) return true;
      start = at + 1;
    }
  }
  // Unescaped text goes to *scratch, reserved so that it never moves while views are taken.
  scratch->clear();
  scratch->reserve(record.size());
  std::vector<std::pair<size_t, size_t>> spans;  // (offset in scratch, length)
  size_t field_start = 0;
  bool in_quotes = false;
  bool was_enclosed = false;
  for (size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    if (in_quotes) {
      if (esc != '\0' && c == esc && esc != quote && i + 1 < record.size()) {
        scratch->push_back(record[++i]);
      } else if (c == quote) {
        if (esc == quote && i + 1 < record.size() && record[i + 1] == quote) {
          scratch->push_back(quote);  // A doubled quote inside an enclosed field.
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        scratch->push_back(c);
      }
      continue;
    }
    if (c == sep) {
      spans.emplace_back(field_start, scratch->size() - field_start);
      enclosed->push_back(was_enclosed);
      field_start = scratch->size();
      was_enclosed = false;
    } else if (quote != '\0' && c == quote && scratch->size() == field_start && !was_enclosed) {
      in_quotes = true;
      was_enclosed = true;
    } else if (esc != '\0' && c == esc && esc != quote && i + 1 < record.size()) {
      scratch->push_back(record[++i]);
    } else {
      scratch->push_back(c);
    }
  }
  if (in_quotes) return false;
  spans.emplace_back(field_start, scratch->size() - field_start);
  enclosed->push_back(was_enclosed);
  const std::string_view text(*scratch);
  for (const auto& [offset, length] : spans) fields->push_back(text.substr(offset, length));
  return true;
}

void AppendCopyText(std::string_view value, std::string* out) {
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char* rep = nullptr;
    switch (c) {
      case '\\':
        rep = "\\\\";
        break;
      case '\t':
        rep = "\\t";
        break;
      case '\n':
        rep = "\\n";
        break;
      case '\r':
        rep = "\\r";
        break;
      default:
        continue;
    }
    out->append(value.data() + start, i - start);
    out->append(rep);
    start = i + 1;
  }
  out->append(value.data() + start, value.size() - start);
}

Result<char> ParseDelimiterFlag(std::string_view text, std::string_view flag) {
  auto bad = [&] {
    return Err(Status::InvalidArgument(
        std::string(flag) + " '" + std::string(text) +
        "' is not one character (or an escape: \\t, \\n, \\0, \\001, \\x01)"));
  };
  if (text.size() == 1) return text[0];
  if (text.size() < 2 || text[0] != '\\') return bad();
  const std::string_view body = text.substr(1);
  if (body == "t") return '\t';
  if (body == "n") return '\n';
  if (body == "r") return '\r';
  if (body == "b") return '\b';
  if (body == "\\") return '\\';
  if (body == "0") return '\0';
  if (body == "'" || body == "\"") return body[0];
  unsigned value = 0;
  const char* first = body.data();
  const char* last = body.data() + body.size();
  std::from_chars_result r{};
  if (body[0] == 'x' || body[0] == 'u') {
    if (body.size() < 2) return bad();
    r = std::from_chars(first + 1, last, value, 16);
  } else {
    r = std::from_chars(first, last, value, 8);
  }
  if (r.ec != std::errc() || r.ptr != last || value > 0x7f) return bad();
  return static_cast<char>(value);
}

}  // namespace smartcar::rdbms

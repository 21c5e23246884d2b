// ParseProperties / LoadProperties: Java .properties parsing (`\` continuations, key split at the
// first unescaped '=', ':' or blank, \uXXXX as UTF-8); unlike Java, values lose trailing blanks.
#include "collect/properties.h"


#include "core/file.h"

namespace smartcar::collect {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Appends `cp` as UTF-8.
void AppendUtf8(unsigned cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Unescapes a logical line's key or value part.
Status Unescape(std::string_view in, int line, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i == in.size()) break;
    c = in[i];
    switch (c) {
      case 't':
        out->push_back('\t');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'u': {
        if (in.size() - i - 1 < 4) {
          return Status::InvalidArgument("line " + std::to_string(line) +
                                         ": malformed \\uXXXX escape");
        }
        unsigned cp = 0;
        for (int k = 1; k <= 4; ++k) {
          const char h = in[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= static_cast<unsigned>(h - '0');
          else if (h >= 'a' && h <= 'f')
            cp |= static_cast<unsigned>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F')
            cp |= static_cast<unsigned>(h - 'A' + 10);
          else
            return Status::InvalidArgument("line " + std::to_string(line) +
                                           ": malformed \\uXXXX escape");
        }
        AppendUtf8(cp, out);
        i += 4;
        break;
      }
      default:
        out->push_back(c);
        break;  // `\\`, `\=`, `\:`, `\#`, `\ ` and unknown escapes.
    }
  }
  return Status::OK();
}

}  // namespace

Result<Properties> ParseProperties(std::string_view text) {
  Properties props;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    // Gather one logical line (physical lines joined by an odd number of trailing backslashes).
    std::string logical;
    const int start_line = line_no + 1;
    bool first = true;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view phys = text.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_no;
      if (!phys.empty() && phys.back() == '\r') phys.remove_suffix(1);
      size_t lead = 0;
      while (lead < phys.size() && IsSpace(phys[lead])) ++lead;
      phys.remove_prefix(lead);
      if (first && (phys.empty() || phys[0] == '#' || phys[0] == '!')) break;
      first = false;
      size_t slashes = 0;
      while (slashes < phys.size() && phys[phys.size() - 1 - slashes] == '\\') ++slashes;
      if (slashes % 2 == 1 && pos <= text.size()) {
        phys.remove_suffix(1);
        logical.append(phys);
        continue;
      }
      logical.append(phys);
      break;
    }
    if (logical.empty()) continue;
    // Split key and value at the first unescaped '=', ':' or whitespace.
    size_t k = 0;
    while (k < logical.size()) {
      const char c = logical[k];
      if (c == '\\') {
        k += 2;
        continue;
      }
      if (c == '=' || c == ':' || IsSpace(c)) break;
      ++k;
    }
    const std::string_view raw_key =
        std::string_view(logical).substr(0, std::min(k, logical.size()));
    size_t v = std::min(k, logical.size());
    while (v < logical.size() && IsSpace(logical[v])) ++v;
    if (v < logical.size() && (logical[v] == '=' || logical[v] == ':')) ++v;
    while (v < logical.size() && IsSpace(logical[v])) ++v;
    PropertyValue value;
    value.line = start_line;
    std::string key;
    if (Status s = Unescape(raw_key, start_line, &key); !s.ok()) return Err(s);
    if (Status s = Unescape(std::string_view(logical).substr(v), start_line, &value.value); !s.ok())
      return Err(s);
    // Trailing whitespace in values is kept by Java; Flume users never mean it.
    while (!value.value.empty() && IsSpace(value.value.back())) value.value.pop_back();
    props[key] = std::move(value);
  }
  return props;
}

Result<Properties> LoadProperties(const std::string& path) {
  auto text = ReadFileToString(path, "configuration");
  if (!text) return Err(text.error());
  auto props = ParseProperties(*text);
  if (!props) return Err(props.error().WithPrefix(path + ": "));
  return props;
}

}  // namespace smartcar::collect

// SplitStatements and Substitute.
#include "hive/script.h"

#include <cstdlib>

namespace smartcar::hive {
namespace {

bool Blank(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<std::vector<ScriptStatement>> SplitStatements(std::string_view script) {
  std::vector<ScriptStatement> out;
  std::string current;
  int line = 1;
  int text_line = 1;  // The line where `current` begins.
  char quote = 0;
  int quote_line = 0;
  auto flush = [&] {
    if (!Blank(current)) out.push_back({current, text_line});
    current.clear();
    text_line = line;
  };
  for (size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (quote != 0) {
      current += c;
      if (c == '\\' && quote != '`' && i + 1 < script.size()) {
        current += script[++i];
        if (script[i] == '\n') ++line;
      } else if (c == quote) {
        quote = 0;
      }
      if (c == '\n') ++line;
      continue;
    }
    if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      while (i < script.size() && script[i] != '\n') current += script[i++];
      if (i < script.size()) {
        current += '\n';
        ++line;
      }
      continue;
    }
    if (c == ';') {
      flush();
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      quote_line = line;
    }
    current += c;
    if (c == '\n') ++line;
  }
  if (quote != 0) {
    return Err(Status::InvalidArgument("line " + std::to_string(quote_line) + ": " +
                                       std::string(1, quote) + " opened here is never closed"));
  }
  flush();
  return out;
}

std::string Substitute(std::string_view text, const Variables& vars) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      const size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        const std::string name(text.substr(i + 2, close - i - 2));
        const std::string* value = nullptr;
        std::string env_value;
        auto find = [&](const std::map<std::string, std::string>& m, const std::string& key) {
          auto it = m.find(key);
          if (it != m.end()) value = &it->second;
        };
        if (name.rfind("hivevar:", 0) == 0) {
          find(vars.hivevar, name.substr(8));
        } else if (name.rfind("hiveconf:", 0) == 0) {
          find(vars.hiveconf, name.substr(9));
        } else if (name.rfind("system:", 0) == 0) {
          find(vars.system, name.substr(7));
        } else if (name.rfind("env:", 0) == 0) {
          if (const char* e = std::getenv(name.substr(4).c_str()); e != nullptr) {
            env_value = e;
            value = &env_value;
          }
        } else {
          find(vars.hivevar, name);
          if (value == nullptr) find(vars.hiveconf, name);
        }
        if (value != nullptr) {
          out += *value;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace smartcar::hive

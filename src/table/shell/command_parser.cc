// The HBase shell statement parser: recursive descent over Ruby-style values (quoted strings with
// Ruby's escapes, integers, words, hashes, arrays), and the splitter behind SplitStatements and
// IsStatementComplete.
#include "table/shell/command_parser.h"

#include <cctype>
#include <charconv>

namespace smartcar::table::shell {
namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
         c == '?' || c == '!';
}

// Scanner state shared by SplitStatements and IsStatementComplete.
struct Splitter {
  std::vector<std::string> statements;
  std::string current;
  int depth = 0;
  char quote = 0;
  bool escape = false;
  bool comment = false;

  bool Continues() const {
    if (depth > 0 || quote != 0) return true;
    size_t end = current.find_last_not_of(" \t\r");
    if (end == std::string::npos) return false;
    const char last = current[end];
    if (last == ',' || last == '\\') return true;
    return end >= 1 && current[end - 1] == '=' && last == '>';
  }

  void Flush() {
    const size_t b = current.find_first_not_of(" \t\r\n");
    if (b != std::string::npos) {
      const size_t e = current.find_last_not_of(" \t\r\n");
      statements.push_back(current.substr(b, e - b + 1));
    }
    current.clear();
  }

  void Feed(std::string_view text) {
    for (char c : text) {
      if (comment) {
        if (c != '\n') continue;
        comment = false;
      }
      if (quote != 0) {
        current.push_back(c);
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '#') {
        comment = true;
        continue;
      }
      if (c == '\'' || c == '"') quote = c;
      if (c == '{' || c == '[' || c == '(') ++depth;
      if ((c == '}' || c == ']' || c == ')') && depth > 0) --depth;
      if ((c == '\n' || c == ';') && !Continues()) {
        Flush();
        continue;
      }
      current.push_back(c);
    }
  }
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Command> Parse() {
    SkipSpace();
    Command cmd;
    const size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Fail(pos_, "expected a command name");
    cmd.name = std::string(text_.substr(start, pos_ - start));
    SkipSpace();
    if (AtEnd()) return cmd;
    Value trailing;  // KEY => value pairs given as plain arguments.
    trailing.kind = Value::Kind::kHash;
    while (true) {
      SkipSpace();
      auto v = ParseValue();
      if (!v) return Err(v.error());
      SkipSpace();
      if (Peek("=>")) {
        if (!v->IsText()) return Fail(v->offset, "a hash key must be a string or a word");
        trailing.offset = trailing.hash.empty() ? v->offset : trailing.offset;
        pos_ += 2;
        SkipSpace();
        auto val = ParseValue();
        if (!val) return Err(val.error());
        trailing.hash.push_back(HashEntry{v->text, std::move(*val)});
      } else {
        if (!trailing.hash.empty()) {
          return Fail(v->offset, "a positional argument cannot follow KEY => value arguments");
        }
        cmd.args.push_back(std::move(*v));
      }
      SkipSpace();
      if (AtEnd()) break;
      if (text_[pos_] != ',') return Fail(pos_, "expected ',' between arguments");
      ++pos_;
      SkipSpace();
      if (AtEnd()) return Fail(pos_, "expected an argument after ','");
    }
    if (!trailing.hash.empty()) cmd.args.push_back(std::move(trailing));
    return cmd;
  }

 private:
  Result<Value> ParseValue() {
    if (++depth_ > kMaxDepth) return Fail(pos_, "value nested too deeply");
    auto v = ParseValueInner();
    --depth_;
    return v;
  }

  Result<Value> ParseValueInner() {
    SkipSpace();
    Value v;
    v.offset = pos_;
    if (AtEnd()) return Fail(pos_, "expected a value");
    const char c = text_[pos_];
    if (c == '\'' || c == '"') return ParseString(c);
    if (c == '{') {
      v.kind = Value::Kind::kHash;
      ++pos_;
      SkipSpace();
      if (!AtEnd() && text_[pos_] == '}') {
        ++pos_;
        return v;
      }
      while (true) {
        auto key = ParseValue();
        if (!key) return key;
        if (!key->IsText()) return Fail(key->offset, "a hash key must be a string or a word");
        SkipSpace();
        if (!Peek("=>")) return Fail(pos_, "expected '=>' after hash key '" + key->text + "'");
        pos_ += 2;
        auto val = ParseValue();
        if (!val) return val;
        v.hash.push_back(HashEntry{key->text, std::move(*val)});
        SkipSpace();
        if (!AtEnd() && text_[pos_] == ',') {
          ++pos_;
          SkipSpace();
          if (!AtEnd() && text_[pos_] == '}') {
            ++pos_;
            return v;
          }
          continue;
        }
        if (!AtEnd() && text_[pos_] == '}') {
          ++pos_;
          return v;
        }
        return Fail(pos_, "expected ',' or '}' in hash");
      }
    }
    if (c == '[') {
      v.kind = Value::Kind::kArray;
      ++pos_;
      SkipSpace();
      if (!AtEnd() && text_[pos_] == ']') {
        ++pos_;
        return v;
      }
      while (true) {
        auto item = ParseValue();
        if (!item) return item;
        v.array.push_back(std::move(*item));
        SkipSpace();
        if (!AtEnd() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (!AtEnd() && text_[pos_] == ']') {
          ++pos_;
          return v;
        }
        return Fail(pos_, "expected ',' or ']' in array");
      }
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      size_t j = pos_ + 1;
      while (j < text_.size() &&
             (std::isdigit(static_cast<unsigned char>(text_[j])) || text_[j] == '_')) {
        ++j;
      }
      std::string digits;
      for (char d : text_.substr(pos_, j - pos_)) {
        if (d != '_') digits.push_back(d);
      }
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v.integer);
      if (ec != std::errc() || p != digits.data() + digits.size()) {
        return Fail(
            pos_, "'" + std::string(text_.substr(pos_, j - pos_)) + "' is not an integer in range");
      }
      v.kind = Value::Kind::kInteger;
      v.text = std::string(text_.substr(pos_, j - pos_));
      pos_ = j;
      return v;
    }
    if (IsWordChar(c)) {
      size_t j = pos_;
      while (j < text_.size() && IsWordChar(text_[j])) ++j;
      v.kind = Value::Kind::kWord;
      v.text = std::string(text_.substr(pos_, j - pos_));
      pos_ = j;
      return v;
    }
    return Fail(pos_, std::string("unexpected '") + c + "'");
  }

  Result<Value> ParseString(char quote) {
    Value v;
    v.offset = pos_;
    v.kind = Value::Kind::kString;
    ++pos_;
    while (true) {
      if (AtEnd()) return Fail(v.offset, "unterminated string");
      const char c = text_[pos_++];
      if (c == quote) return v;
      if (c != '\\' || AtEnd()) {
        v.text.push_back(c);
        continue;
      }
      const char e = text_[pos_++];
      if (quote == '\'') {  // Ruby single quotes: only \' and \\ are escapes.
        if (e != '\'' && e != '\\') v.text.push_back('\\');
        v.text.push_back(e);
        continue;
      }
      switch (e) {
        case 'n':
          v.text.push_back('\n');
          break;
        case 't':
          v.text.push_back('\t');
          break;
        case 'r':
          v.text.push_back('\r');
          break;
        case '0':
          v.text.push_back('\0');
          break;
        case 'x': {
          int n = 0, digits = 0;
          while (digits < 2 && !AtEnd() && std::isxdigit(static_cast<unsigned char>(text_[pos_]))) {
            const char h = static_cast<char>(std::tolower(static_cast<unsigned char>(text_[pos_])));
            n = n * 16 + (h <= '9' ? h - '0' : h - 'a' + 10);
            ++pos_;
            ++digits;
          }
          if (digits == 0) return Fail(pos_ - 2, "\\x needs hex digits");
          v.text.push_back(static_cast<char>(n));
          break;
        }
        default:
          v.text.push_back(e);
      }
    }
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  bool Peek(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  void SkipSpace() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  tl::unexpected<Status> Fail(size_t pos, const std::string& message) const {
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < pos && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    size_t line_end = text_.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text_.size();
    const size_t col = pos - line_start;
    std::string where = line > 1 ? "line " + std::to_string(line) + ", " : "";
    return Err(Status::InvalidArgument(
        where + "column " + std::to_string(col + 1) + ": " + message + "\n" +
        std::string(text_.substr(line_start, line_end - line_start)) + "\n" +
        std::string(col, ' ') + "^"));
  }

  static constexpr int kMaxDepth = 100;
  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

const Value* Value::Find(std::string_view key) const {
  for (const auto& [k, v] : hash) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<Command> ParseCommand(std::string_view statement) { return Parser(statement).Parse(); }

std::vector<std::string> SplitStatements(std::string_view script) {
  Splitter s;
  s.Feed(script);
  s.Feed("\n");
  if (!s.current.empty()) s.Flush();  // An unterminated statement: let the parser report it.
  return s.statements;
}

bool IsStatementComplete(std::string_view text) {
  Splitter s;
  s.Feed(text);
  return !s.Continues();
}

}  // namespace smartcar::table::shell

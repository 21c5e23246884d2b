// Tokenize: one pass over the statement, tracking line and column.
#include "hive/lexer.h"

#include <cctype>

#include "core/ascii.h"

namespace smartcar::hive {
namespace {

bool IsWordStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         (static_cast<unsigned char>(c) >= 0x80);
}
bool IsWordChar(char c) {
  return IsWordStart(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '$';
}

class Scanner {
 public:
  Scanner(std::string_view text, int first_line) : text_(text), line_(first_line) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  char Next() {
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }
  size_t pos() const { return pos_; }
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_;
  int column_ = 1;
};

// Decodes the escape after a backslash inside a string literal.
void DecodeEscape(Scanner* s, std::string* out) {
  const char c = s->Next();
  switch (c) {
    case 'n':
      *out += '\n';
      return;
    case 't':
      *out += '\t';
      return;
    case 'r':
      *out += '\r';
      return;
    case 'b':
      *out += '\b';
      return;
    case 'Z':
      *out += '\x1a';
      return;
    default:
      break;
  }
  if (c >= '0' && c <= '7') {
    // Octal: up to three digits (Hive's '\001' is the byte 1); a lone \0 is the byte 0.
    int value = c - '0';
    for (int i = 0; i < 2 && s->Peek() >= '0' && s->Peek() <= '7'; ++i) {
      value = value * 8 + (s->Next() - '0');
    }
    *out += static_cast<char>(value & 0xff);
    return;
  }
  *out += c;  // \' \" \\ and any other character stand for themselves.
}

}  // namespace

bool Token::IsWord(std::string_view word) const {
  return kind == TokenKind::kWord && EqualsIgnoreAsciiCase(text, word);
}

std::string Where(const Token& token) {
  return "line " + std::to_string(token.line) + ":" + std::to_string(token.column);
}

Result<std::vector<Token>> Tokenize(std::string_view text, int first_line) {
  std::vector<Token> tokens;
  Scanner s(text, first_line);
  while (true) {
    // White space and -- comments.
    while (!s.AtEnd()) {
      const char c = s.Peek();
      if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        s.Next();
      } else if (c == '-' && s.Peek(1) == '-') {
        while (!s.AtEnd() && s.Peek() != '\n') s.Next();
      } else {
        break;
      }
    }
    Token t;
    t.offset = s.pos();
    t.line = s.line();
    t.column = s.column();
    if (s.AtEnd()) {
      t.kind = TokenKind::kEnd;
      tokens.push_back(std::move(t));
      return tokens;
    }
    const char c = s.Peek();
    if (c == '\'' || c == '"') {
      // Hive's lexer joins adjacent literals: 'it''s' is "its", 'a'"b" is "ab".
      t.kind = TokenKind::kString;
      t.quote = c;
      while (s.Peek() == '\'' || s.Peek() == '"') {
        const char q = s.Next();
        bool closed = false;
        while (!s.AtEnd()) {
          const char d = s.Next();
          if (d == '\\' && !s.AtEnd()) {
            DecodeEscape(&s, &t.text);
          } else if (d == q) {
            closed = true;
            break;
          } else {
            t.text += d;
          }
        }
        if (!closed) {
          return Err(Status::InvalidArgument(Where(t) + " unterminated string (opened with " +
                                             std::string(1, q) + ")"));
        }
      }
    } else if (c == '`') {
      t.kind = TokenKind::kQuotedIdent;
      s.Next();
      bool closed = false;
      while (!s.AtEnd()) {
        const char d = s.Next();
        if (d == '`') {
          if (s.Peek() == '`') {  // `` inside back quotes is one back quote.
            s.Next();
            t.text += '`';
            continue;
          }
          closed = true;
          break;
        }
        t.text += d;
      }
      if (!closed) return Err(Status::InvalidArgument(Where(t) + " unterminated `name`"));
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
               (c == '.' && std::isdigit(static_cast<unsigned char>(s.Peek(1))) != 0)) {
      t.kind = TokenKind::kNumber;
      while (!s.AtEnd()) {
        const char d = s.Peek();
        if (std::isalnum(static_cast<unsigned char>(d)) != 0 || d == '.') {
          t.text += s.Next();
        } else if ((d == '+' || d == '-') && !t.text.empty() &&
                   (t.text.back() == 'e' || t.text.back() == 'E')) {
          t.text += s.Next();
        } else {
          break;
        }
      }
    } else if (IsWordStart(c)) {
      t.kind = TokenKind::kWord;
      while (!s.AtEnd() && IsWordChar(s.Peek())) t.text += s.Next();
    } else {
      t.kind = TokenKind::kSymbol;
      static constexpr std::string_view kLong[] = {"<=>", "<=", ">=", "<>", "!=", "==", "||", "&&"};
      bool matched = false;
      for (std::string_view op : kLong) {
        if (text.substr(s.pos(), op.size()) == op) {
          for (size_t i = 0; i < op.size(); ++i) t.text += s.Next();
          matched = true;
          break;
        }
      }
      if (!matched) t.text += s.Next();
    }
    t.length = s.pos() - t.offset;
    tokens.push_back(std::move(t));
  }
}

}  // namespace smartcar::hive

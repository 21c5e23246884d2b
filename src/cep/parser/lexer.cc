// The EPL lexer: identifiers (also `back-ticked`), numbers with Esper's L/d/f suffixes, quoted
// strings (backslash escapes, doubled quotes) and symbols; skips --, // and /* */ comments.
#include "cep/parser/lexer.h"

#include <cctype>

namespace smartcar::cep::parser {

std::string Where(int line, int column) {
  return "line " + std::to_string(line) + " column " + std::to_string(column);
}

namespace {

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpaceAndComments();
      if (!error_.ok()) return Err(error_);
      Token t;
      t.line = line_;
      t.column = column_;
      if (pos_ >= text_.size()) {
        out.push_back(std::move(t));
        return out;
      }
      const char c = text_[pos_];
      if (IsIdentStart(c)) {
        t.kind = TokenKind::kIdent;
        const size_t start = pos_;
        while (pos_ < text_.size() && IsIdentChar(text_[pos_])) Advance();
        t.text = std::string(text_.substr(start, pos_ - start));
      } else if (c == '`') {
        Advance();
        const size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != '`' && text_[pos_] != '\n') Advance();
        if (pos_ >= text_.size() || text_[pos_] != '`') {
          return Err(Status::InvalidArgument("unterminated quoted identifier at " +
                                             Where(t.line, t.column)));
        }
        t.kind = TokenKind::kIdent;
        t.quoted = true;
        t.text = std::string(text_.substr(start, pos_ - start));
        Advance();
      } else if (IsDigit(c) || (c == '.' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
        const size_t start = pos_;
        bool is_float = false;
        while (pos_ < text_.size() && IsDigit(text_[pos_])) Advance();
        if (pos_ < text_.size() && text_[pos_] == '.' && pos_ + 1 < text_.size() &&
            IsDigit(text_[pos_ + 1])) {
          is_float = true;
          Advance();
          while (pos_ < text_.size() && IsDigit(text_[pos_])) Advance();
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
          size_t p = pos_ + 1;
          if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
          if (p < text_.size() && IsDigit(text_[p])) {
            is_float = true;
            while (pos_ < p) Advance();
            while (pos_ < text_.size() && IsDigit(text_[pos_])) Advance();
          }
        }
        // Esper's type suffixes: 10L, 1.5d, 1.5f.
        if (pos_ < text_.size() && (text_[pos_] == 'L' || text_[pos_] == 'l')) {
          t.text = std::string(text_.substr(start, pos_ - start));
          Advance();
        } else if (pos_ < text_.size() &&
                   (text_[pos_] == 'd' || text_[pos_] == 'D' || text_[pos_] == 'f' ||
                    text_[pos_] == 'F') &&
                   !(pos_ + 1 < text_.size() && IsIdentChar(text_[pos_ + 1]))) {
          t.text = std::string(text_.substr(start, pos_ - start));
          is_float = true;
          Advance();
        } else {
          t.text = std::string(text_.substr(start, pos_ - start));
        }
        t.kind = is_float ? TokenKind::kFloat : TokenKind::kInt;
      } else if (c == '\'' || c == '"') {
        const char quote = c;
        Advance();
        std::string value;
        bool closed = false;
        while (pos_ < text_.size()) {
          const char d = text_[pos_];
          if (d == '\\' && pos_ + 1 < text_.size()) {
            const char e = text_[pos_ + 1];
            Advance();
            Advance();
            switch (e) {
              case 'n':
                value.push_back('\n');
                break;
              case 't':
                value.push_back('\t');
                break;
              case 'r':
                value.push_back('\r');
                break;
              default:
                value.push_back(e);
            }
            continue;
          }
          if (d == quote) {
            // A doubled quote stands for itself (SQL style).
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == quote) {
              value.push_back(quote);
              Advance();
              Advance();
              continue;
            }
            Advance();
            closed = true;
            break;
          }
          value.push_back(d);
          Advance();
        }
        if (!closed) {
          return Err(Status::InvalidArgument("unterminated string literal starting at " +
                                             Where(t.line, t.column)));
        }
        t.kind = TokenKind::kString;
        t.text = std::move(value);
      } else {
        static constexpr std::string_view kTwo[] = {"<=", ">=", "!=", "<>", "||"};
        t.kind = TokenKind::kSymbol;
        bool matched = false;
        for (std::string_view two : kTwo) {
          if (text_.substr(pos_, 2) == two) {
            t.text = std::string(two);
            Advance();
            Advance();
            matched = true;
            break;
          }
        }
        if (!matched) {
          static constexpr std::string_view kOne = "+-*/%=<>(),.;@#:[]?";
          if (kOne.find(c) == std::string_view::npos) {
            std::string shown = std::isprint(static_cast<unsigned char>(c))
                                    ? std::string(1, c)
                                    : "\\x" + std::to_string(static_cast<unsigned char>(c));
            return Err(Status::InvalidArgument("unexpected character '" + shown + "' at " +
                                               Where(t.line, t.column)));
          }
          t.text = std::string(1, c);
          Advance();
        }
      }
      out.push_back(std::move(t));
    }
  }

 private:
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }

  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if (text_.substr(pos_, 2) == "--" || text_.substr(pos_, 2) == "//") {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance();
      } else if (text_.substr(pos_, 2) == "/*") {
        const int line = line_, column = column_;
        Advance();
        Advance();
        while (pos_ < text_.size() && text_.substr(pos_, 2) != "*/") Advance();
        if (pos_ >= text_.size()) {
          error_ =
              Status::InvalidArgument("unterminated comment starting at " + Where(line, column));
          return;
        }
        Advance();
        Advance();
      } else {
        return;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  Status error_;
};

}  // namespace

Result<std::vector<Token>> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace smartcar::cep::parser

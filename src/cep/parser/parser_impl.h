// Internal to cep/parser/: the recursive-descent Parser over the lexer's tokens. Statements are
// parsed in parser.cc, expressions (precedence climbing) in parser_expr.cc; both share the token
// cursor and error reporting defined here.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "cep/parser/ast.h"
#include "cep/parser/lexer.h"
#include "cep/parser/parser.h"
#include "core/ascii.h"
#include "core/coding.h"
#include "core/status.h"

namespace smartcar::cep::parser {

struct TimeUnit {
  std::string_view name;
  double ms;
};
// The time unit named `word` (msec … days, case-insensitive), or nullptr.
const TimeUnit* FindUnit(std::string_view word);
// Words with a meaning in one place only (OUTPUT ALL|FIRST|LAST|SNAPSHOT EVERY n EVENTS): not
// reserved, but lower-cased in a statement's canonical text.
bool IsContextKeyword(std::string_view word);

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<std::vector<ast::Statement>> Run();

 private:
  const Token& Peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  bool IsSymbol(std::string_view s, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kSymbol && t.text == s;
  }
  bool IsKeyword(std::string_view k, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kIdent && !t.quoted && EqualsIgnoreCase(t.text, k);
  }
  bool AcceptKeyword(std::string_view k) {
    if (!IsKeyword(k)) return false;
    ++i_;
    return true;
  }
  bool AcceptSymbol(std::string_view s) {
    if (!IsSymbol(s)) return false;
    ++i_;
    return true;
  }
  bool IsReserved(const Token& t) const {
    return t.kind == TokenKind::kIdent && !t.quoted && IsReservedKeyword(t.text);
  }
  ast::Pos PosOf(const Token& t) const { return {t.line, t.column}; }

  // Records "Incorrect syntax near ..." for the current token and returns false.
  bool Fail(std::string_view expected) {
    if (!error_.ok()) return false;
    const Token& t = Peek();
    std::string msg;
    if (t.kind == TokenKind::kEnd) {
      msg = "Unexpected end of input at " + Where(t.line, t.column);
    } else {
      std::string shown = t.kind == TokenKind::kString ? "'" + t.text + "'" : t.text;
      msg = "Incorrect syntax near '" + shown + "'";
      if (IsReserved(t)) msg += " (a reserved keyword)";
      msg += " at " + Where(t.line, t.column);
    }
    msg += ": expected ";
    msg += expected;
    error_ = Status::InvalidArgument(msg);
    return false;
  }
  // Records "line L column C: <what> is not supported<why>" at token `t` and returns false.
  bool Unsupported(const Token& t, std::string_view what, std::string_view why = "") {
    if (!error_.ok()) return false;
    error_ = Status::InvalidArgument(Where(t.line, t.column) + ": " + std::string(what) +
                                     " is not supported" + std::string(why));
    return false;
  }
  bool ExpectKeyword(std::string_view k) {
    if (AcceptKeyword(k)) return true;
    return Fail(AsciiUpper(k));
  }
  bool ExpectSymbol(std::string_view s) {
    if (AcceptSymbol(s)) return true;
    return Fail("'" + std::string(s) + "'");
  }
  bool ExpectIdent(std::string* out, std::string_view what) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdent || IsReserved(t)) return Fail(what);
    *out = t.text;
    ++i_;
    return true;
  }

  // The tokens in [begin, end) as text. `canonical` also lower-cases keywords and time units so
  // that two spellings of one statement compare equal.
  std::string TextOf(size_t begin, size_t end, bool canonical = false) const;

  bool ParseStatement(ast::Statement* s);

  bool ParseCount(int64_t* out);

  bool ParseFrom(ast::FromClause* f);

  // number unit [number unit]...
  bool ParsePeriod(double* ms);

  ast::ExprPtr Make(ast::ExprKind kind, const Token& at) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    e->pos = PosOf(at);
    return e;
  }
  ast::ExprPtr Finish(ast::ExprPtr e, size_t start) {
    if (e) e->text = TextOf(start, i_);
    return e;
  }

  // Expressions (parser_expr.cc): precedence climbing from OR down to primaries.
  ast::ExprPtr ParseExpr();
  ast::ExprPtr Binary(ast::ExprPtr lhs, ast::ExprPtr rhs, const Token& op, std::string name,
                      size_t start);
  ast::ExprPtr ParseOr();
  ast::ExprPtr ParseAnd();
  ast::ExprPtr ParseNot();
  ast::ExprPtr ParseComparison();
  ast::ExprPtr ParseConcat();
  ast::ExprPtr ParseAdditive();
  ast::ExprPtr ParseMultiplicative();
  ast::ExprPtr ParseUnary();
  ast::ExprPtr ParsePrimary();
  ast::ExprPtr ParseCall();
  ast::ExprPtr ParseCase();

  static constexpr int kMaxDepth = 200;
  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;
  Status error_;
};

}  // namespace smartcar::cep::parser

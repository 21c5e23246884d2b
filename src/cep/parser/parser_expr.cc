// The EPL parser's expressions, by precedence climbing: OR, AND, NOT, comparisons (with BETWEEN,
// IN, LIKE, REGEXP, IS NULL), ||, + -, * / %, unary minus, primaries (literals, fields, calls,
// CASE, parentheses), with a depth limit so hostile input cannot exhaust the stack.
#include <charconv>
#include <cstdlib>

#include "cep/parser/parser_impl.h"

namespace smartcar::cep::parser {

ast::ExprPtr Parser::ParseExpr() {
  if (++depth_ > kMaxDepth) {
    Fail("a shallower expression (nesting too deep)");
    --depth_;
    return nullptr;
  }
  ast::ExprPtr e = ParseOr();
  --depth_;
  return e;
}

ast::ExprPtr Parser::Binary(ast::ExprPtr lhs, ast::ExprPtr rhs, const Token& op,
                            std::string name, size_t start) {
  auto e = Make(ast::ExprKind::kBinary, op);
  e->pos = lhs->pos;
  e->op = std::move(name);
  e->args.push_back(std::move(lhs));
  e->args.push_back(std::move(rhs));
  return Finish(std::move(e), start);
}

ast::ExprPtr Parser::ParseOr() {
  const size_t start = i_;
  ast::ExprPtr lhs = ParseAnd();
  while (lhs && IsKeyword("or")) {
    const Token& op = Peek();
    ++i_;
    ast::ExprPtr rhs = ParseAnd();
    if (!rhs) return nullptr;
    lhs = Binary(std::move(lhs), std::move(rhs), op, "OR", start);
  }
  return lhs;
}

ast::ExprPtr Parser::ParseAnd() {
  const size_t start = i_;
  ast::ExprPtr lhs = ParseNot();
  while (lhs && IsKeyword("and")) {
    const Token& op = Peek();
    ++i_;
    ast::ExprPtr rhs = ParseNot();
    if (!rhs) return nullptr;
    lhs = Binary(std::move(lhs), std::move(rhs), op, "AND", start);
  }
  return lhs;
}

ast::ExprPtr Parser::ParseNot() {
  const size_t start = i_;
  if (IsKeyword("not")) {
    auto e = Make(ast::ExprKind::kUnary, Peek());
    ++i_;
    if (++depth_ > kMaxDepth) {
      Fail("a shallower expression (nesting too deep)");
      return nullptr;
    }
    ast::ExprPtr arg = ParseNot();
    --depth_;
    if (!arg) return nullptr;
    e->op = "NOT";
    e->args.push_back(std::move(arg));
    return Finish(std::move(e), start);
  }
  return ParseComparison();
}

ast::ExprPtr Parser::ParseComparison() {
  const size_t start = i_;
  ast::ExprPtr lhs = ParseConcat();
  if (!lhs) return nullptr;
  const Token& op = Peek();
  bool negated = false;
  if (IsKeyword("not") && (IsKeyword("between", 1) || IsKeyword("in", 1) ||
                           IsKeyword("like", 1) || IsKeyword("regexp", 1))) {
    negated = true;
    ++i_;
  }
  if (AcceptKeyword("between")) {
    auto e = Make(ast::ExprKind::kBetween, op);
    e->pos = lhs->pos;
    e->negated = negated;
    e->args.push_back(std::move(lhs));
    ast::ExprPtr lo = ParseConcat();
    if (!lo) return nullptr;
    if (!ExpectKeyword("and")) return nullptr;
    ast::ExprPtr hi = ParseConcat();
    if (!hi) return nullptr;
    e->args.push_back(std::move(lo));
    e->args.push_back(std::move(hi));
    return Finish(std::move(e), start);
  }
  if (AcceptKeyword("in")) {
    auto e = Make(ast::ExprKind::kIn, op);
    e->pos = lhs->pos;
    e->negated = negated;
    e->args.push_back(std::move(lhs));
    if (!ExpectSymbol("(")) return nullptr;
    do {
      ast::ExprPtr item = ParseExpr();
      if (!item) return nullptr;
      e->args.push_back(std::move(item));
    } while (AcceptSymbol(","));
    if (!ExpectSymbol(")")) return nullptr;
    return Finish(std::move(e), start);
  }
  const bool like = IsKeyword("like");
  if (like || IsKeyword("regexp")) {
    ++i_;
    auto e = Make(like ? ast::ExprKind::kLike : ast::ExprKind::kRegexp, op);
    e->pos = lhs->pos;
    e->negated = negated;
    e->args.push_back(std::move(lhs));
    ast::ExprPtr pattern = ParseConcat();
    if (!pattern) return nullptr;
    e->args.push_back(std::move(pattern));
    return Finish(std::move(e), start);
  }
  if (negated) return Fail("BETWEEN, IN, LIKE or REGEXP after NOT") ? nullptr : nullptr;
  if (AcceptKeyword("is")) {
    auto e = Make(ast::ExprKind::kIsNull, op);
    e->pos = lhs->pos;
    e->negated = AcceptKeyword("not");
    if (!ExpectKeyword("null")) return nullptr;
    e->args.push_back(std::move(lhs));
    return Finish(std::move(e), start);
  }
  static constexpr std::string_view kCmp[] = {"=", "!=", "<>", "<", "<=", ">", ">="};
  for (std::string_view c : kCmp) {
    if (IsSymbol(c)) {
      ++i_;
      ast::ExprPtr rhs = ParseConcat();
      if (!rhs) return nullptr;
      return Binary(std::move(lhs), std::move(rhs), op, c == "<>" ? "!=" : std::string(c), start);
    }
  }
  return lhs;
}

ast::ExprPtr Parser::ParseConcat() {
  const size_t start = i_;
  ast::ExprPtr lhs = ParseAdditive();
  while (lhs && IsSymbol("||")) {
    const Token& op = Peek();
    ++i_;
    ast::ExprPtr rhs = ParseAdditive();
    if (!rhs) return nullptr;
    lhs = Binary(std::move(lhs), std::move(rhs), op, "||", start);
  }
  return lhs;
}

ast::ExprPtr Parser::ParseAdditive() {
  const size_t start = i_;
  ast::ExprPtr lhs = ParseMultiplicative();
  while (lhs && (IsSymbol("+") || IsSymbol("-"))) {
    const Token& op = Peek();
    ++i_;
    ast::ExprPtr rhs = ParseMultiplicative();
    if (!rhs) return nullptr;
    lhs = Binary(std::move(lhs), std::move(rhs), op, op.text, start);
  }
  return lhs;
}

ast::ExprPtr Parser::ParseMultiplicative() {
  const size_t start = i_;
  ast::ExprPtr lhs = ParseUnary();
  while (lhs && (IsSymbol("*") || IsSymbol("/") || IsSymbol("%"))) {
    const Token& op = Peek();
    ++i_;
    ast::ExprPtr rhs = ParseUnary();
    if (!rhs) return nullptr;
    lhs = Binary(std::move(lhs), std::move(rhs), op, op.text, start);
  }
  return lhs;
}

ast::ExprPtr Parser::ParseUnary() {
  const size_t start = i_;
  if (IsSymbol("-") || IsSymbol("+")) {
    const Token& op = Peek();
    ++i_;
    if (++depth_ > kMaxDepth) {
      Fail("a shallower expression (nesting too deep)");
      return nullptr;
    }
    ast::ExprPtr arg = ParseUnary();
    --depth_;
    if (!arg) return nullptr;
    if (op.text == "+") return arg;
    auto e = Make(ast::ExprKind::kUnary, op);
    e->op = "-";
    e->args.push_back(std::move(arg));
    return Finish(std::move(e), start);
  }
  return ParsePrimary();
}

ast::ExprPtr Parser::ParsePrimary() {
  const size_t start = i_;
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kInt:
    case TokenKind::kFloat: {
      if (Peek(1).kind == TokenKind::kIdent && FindUnit(Peek(1).text) != nullptr &&
          !IsSymbol("(", 2)) {
        auto e = Make(ast::ExprKind::kTimePeriod, t);
        double ms = 0;
        ParsePeriod(&ms);
        e->value = Value::Double(ms);
        return Finish(std::move(e), start);
      }
      auto e = Make(ast::ExprKind::kLiteral, t);
      if (t.kind == TokenKind::kInt) {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        (void)p;
        if (ec != std::errc()) {
          Fail("an integer that fits in 64 bits");
          return nullptr;
        }
        e->value = Value::Int(v);
      } else {
        e->value = Value::Double(std::strtod(t.text.c_str(), nullptr));
      }
      ++i_;
      return Finish(std::move(e), start);
    }
    case TokenKind::kString: {
      auto e = Make(ast::ExprKind::kLiteral, t);
      e->value = Value::String(t.text);
      ++i_;
      return Finish(std::move(e), start);
    }
    case TokenKind::kSymbol:
      if (t.text == "(") {
        ++i_;
        ast::ExprPtr e = ParseExpr();
        if (!e) return nullptr;
        if (!ExpectSymbol(")")) return nullptr;
        return e;
      }
      break;
    case TokenKind::kIdent: {
      if (!t.quoted && (EqualsIgnoreCase(t.text, "true") || EqualsIgnoreCase(t.text, "false"))) {
        auto e = Make(ast::ExprKind::kLiteral, t);
        e->value = Value::Bool(EqualsIgnoreCase(t.text, "true"));
        ++i_;
        return Finish(std::move(e), start);
      }
      if (!t.quoted && EqualsIgnoreCase(t.text, "null")) {
        auto e = Make(ast::ExprKind::kLiteral, t);
        ++i_;
        return Finish(std::move(e), start);
      }
      if (!t.quoted && EqualsIgnoreCase(t.text, "case")) return ParseCase();
      if (IsReserved(t)) break;
      if (IsSymbol("(", 1)) return ParseCall();
      auto e = Make(ast::ExprKind::kIdent, t);
      e->path.push_back(t.text);
      ++i_;
      while (IsSymbol(".") && Peek(1).kind == TokenKind::kIdent) {
        e->path.push_back(Peek(1).text);
        i_ += 2;
      }
      return Finish(std::move(e), start);
    }
    case TokenKind::kEnd:
      break;
  }
  Fail("an expression");
  return nullptr;
}

ast::ExprPtr Parser::ParseCall() {
  const size_t start = i_;
  const Token& name = Peek();
  auto e = Make(ast::ExprKind::kCall, name);
  e->op = name.text;
  i_ += 2;  // name (
  if (IsSymbol("*") && IsSymbol(")", 1)) {
    e->args.push_back(Make(ast::ExprKind::kStar, Peek()));
    e->args.back()->text = "*";
    ++i_;
  } else if (!IsSymbol(")")) {
    if (AcceptKeyword("distinct")) e->distinct = true;
    do {
      ast::ExprPtr a = ParseExpr();
      if (!a) return nullptr;
      e->args.push_back(std::move(a));
      // cast(x as type)
      if (EqualsIgnoreCase(e->op, "cast") && e->args.size() == 1 && AcceptKeyword("as")) {
        if (Peek().kind != TokenKind::kIdent) {
          Fail("a type name");
          return nullptr;
        }
        auto type = Make(ast::ExprKind::kIdent, Peek());
        type->path.push_back(Peek().text);
        type->text = Peek().text;
        ++i_;
        e->args.push_back(std::move(type));
        break;
      }
    } while (AcceptSymbol(","));
  }
  if (!ExpectSymbol(")")) return nullptr;
  return Finish(std::move(e), start);
}

ast::ExprPtr Parser::ParseCase() {
  const size_t start = i_;
  auto e = Make(ast::ExprKind::kCase, Peek());
  ++i_;
  if (!IsKeyword("when")) {
    ast::ExprPtr operand = ParseExpr();
    if (!operand) return nullptr;
    e->has_operand = true;
    e->args.push_back(std::move(operand));
  }
  if (!IsKeyword("when")) {
    Fail("WHEN");
    return nullptr;
  }
  while (AcceptKeyword("when")) {
    ast::ExprPtr cond = ParseExpr();
    if (!cond) return nullptr;
    if (!ExpectKeyword("then")) return nullptr;
    ast::ExprPtr val = ParseExpr();
    if (!val) return nullptr;
    e->args.push_back(std::move(cond));
    e->args.push_back(std::move(val));
  }
  if (AcceptKeyword("else")) {
    ast::ExprPtr val = ParseExpr();
    if (!val) return nullptr;
    e->has_else = true;
    e->args.push_back(std::move(val));
  }
  if (!ExpectKeyword("end")) return nullptr;
  return Finish(std::move(e), start);
}

}  // namespace smartcar::cep::parser

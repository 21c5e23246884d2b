#include "cep/parser/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "cep/parser/lexer.h"
#include "core/coding.h"

namespace smartcar::cep::parser {

namespace {

constexpr std::string_view kReserved[] = {
    "select",  "from",   "where",  "group",    "by",  "having", "output", "order",
    "limit",   "offset", "insert", "into",     "as",  "and",    "or",     "not",
    "between", "in",     "like",   "regexp",   "is",  "null",   "case",   "when",
    "then",    "else",   "end",    "distinct", "asc", "desc",   "true",   "false"};

struct TimeUnit {
  std::string_view name;
  double ms;
};
constexpr TimeUnit kUnits[] = {{"msec", 1},       {"millisecond", 1}, {"milliseconds", 1},
                               {"sec", 1000},     {"second", 1000},   {"seconds", 1000},
                               {"min", 60000},    {"minute", 60000},  {"minutes", 60000},
                               {"hour", 3600000}, {"hours", 3600000}, {"day", 86400000},
                               {"days", 86400000}};

bool IsContextKeyword(std::string_view word) {
  for (std::string_view k : {"all", "first", "last", "snapshot", "every", "events", "event"}) {
    if (EqualsIgnoreCase(k, word)) return true;
  }
  return false;
}

const TimeUnit* FindUnit(std::string_view word) {
  for (const TimeUnit& u : kUnits) {
    if (EqualsIgnoreCase(u.name, word)) return &u;
  }
  return nullptr;
}

}  // namespace

bool IsReservedKeyword(std::string_view word);

namespace {

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<std::vector<ast::Statement>> Run() {
    std::vector<ast::Statement> out;
    while (true) {
      while (IsSymbol(";")) ++i_;
      if (Peek().kind == TokenKind::kEnd) break;
      const size_t start = i_;
      ast::Statement s;
      if (!ParseStatement(&s)) return Err(error_);
      s.canonical = TextOf(start, i_, /*canonical=*/true);
      out.push_back(std::move(s));
      if (Peek().kind != TokenKind::kEnd && !IsSymbol(";")) {
        Fail("';' or end of input");
        return Err(error_);
      }
    }
    return out;
  }

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
  bool ExpectKeyword(std::string_view k) {
    if (AcceptKeyword(k)) return true;
    std::string up(k);
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return Fail(up);
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
  std::string TextOf(size_t begin, size_t end, bool canonical = false) const {
    std::string out;
    for (size_t k = begin; k < end && k < t_.size(); ++k) {
      const Token& t = t_[k];
      if (t.kind == TokenKind::kEnd) break;
      if (k > begin) {
        const Token& p = t_[k - 1];
        const bool tight_before = t.kind == TokenKind::kSymbol &&
                                  (t.text == ")" || t.text == "," || t.text == "." ||
                                   t.text == ":" || (t.text == "(" && p.kind == TokenKind::kIdent));
        const bool tight_after =
            p.kind == TokenKind::kSymbol &&
            (p.text == "(" || p.text == "." || p.text == ":" || p.text == "#" || p.text == "@");
        if (!tight_before && !tight_after) out.push_back(' ');
      }
      if (t.kind == TokenKind::kString) {
        out.push_back('\'');
        for (char c : t.text) {
          if (c == '\'') out.push_back('\'');
          out.push_back(c);
        }
        out.push_back('\'');
      } else if (t.quoted) {
        out += "`" + t.text + "`";
      } else if (canonical && t.kind == TokenKind::kIdent &&
                 (IsReservedKeyword(t.text) || IsContextKeyword(t.text) ||
                  FindUnit(t.text) != nullptr)) {
        for (char c : t.text) {
          out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
      } else {
        out += t.text;
      }
    }
    return out;
  }

  bool ParseStatement(ast::Statement* s) {
    s->pos = PosOf(Peek());
    while (IsSymbol("@")) {
      ast::Annotation a;
      a.pos = PosOf(Peek());
      ++i_;
      if (!ExpectIdent(&a.name, "an annotation name")) return false;
      if (AcceptSymbol("(")) {
        // @Name('x') or @Name(value='x').
        if (Peek().kind == TokenKind::kIdent && IsSymbol("=", 1)) i_ += 2;
        const Token& v = Peek();
        if (v.kind != TokenKind::kString && v.kind != TokenKind::kInt &&
            v.kind != TokenKind::kFloat && !IsKeyword("true") && !IsKeyword("false")) {
          return Fail("an annotation value");
        }
        a.value = v.text;
        ++i_;
        if (!ExpectSymbol(")")) return false;
      }
      s->annotations.push_back(std::move(a));
    }
    if (AcceptKeyword("insert")) {
      if (!ExpectKeyword("into")) return false;
      s->insert_pos = PosOf(Peek());
      if (!ExpectIdent(&s->insert_into, "a stream name")) return false;
    }
    if (!ExpectKeyword("select")) return false;
    if (AcceptKeyword("distinct")) s->distinct = true;
    do {
      ast::SelectItem item;
      item.pos = PosOf(Peek());
      if (AcceptSymbol("*")) {
        item.star = true;
      } else {
        item.expr = ParseExpr();
        if (!item.expr) return false;
        if (AcceptKeyword("as")) {
          if (!ExpectIdent(&item.alias, "an alias")) return false;
        } else if (Peek().kind == TokenKind::kIdent && !IsReserved(Peek())) {
          item.alias = Peek().text;
          ++i_;
        }
      }
      s->select.push_back(std::move(item));
    } while (AcceptSymbol(","));
    if (!ExpectKeyword("from")) return false;
    if (!ParseFrom(&s->from)) return false;
    if (AcceptKeyword("where")) {
      s->where = ParseExpr();
      if (!s->where) return false;
    }
    if (AcceptKeyword("group")) {
      if (!ExpectKeyword("by")) return false;
      do {
        ast::ExprPtr e = ParseExpr();
        if (!e) return false;
        s->group_by.push_back(std::move(e));
      } while (AcceptSymbol(","));
    }
    if (AcceptKeyword("having")) {
      s->having = ParseExpr();
      if (!s->having) return false;
    }
    if (IsKeyword("output")) {
      ast::OutputClause out;
      out.pos = PosOf(Peek());
      ++i_;
      if (AcceptKeyword("all")) {
        out.mode = ast::OutputClause::Mode::kAll;
      } else if (AcceptKeyword("first")) {
        out.mode = ast::OutputClause::Mode::kFirst;
      } else if (AcceptKeyword("last")) {
        out.mode = ast::OutputClause::Mode::kLast;
      } else if (AcceptKeyword("snapshot")) {
        out.mode = ast::OutputClause::Mode::kSnapshot;
      }
      if (!ExpectKeyword("every")) return false;
      const Token& n = Peek();
      if (n.kind != TokenKind::kInt && n.kind != TokenKind::kFloat) return Fail("a number");
      if (Peek(1).kind == TokenKind::kIdent && FindUnit(Peek(1).text) != nullptr) {
        double ms = 0;
        if (!ParsePeriod(&ms)) return false;
        out.every = ms;
      } else {
        out.every = std::strtod(n.text.c_str(), nullptr);
        ++i_;
        if (!AcceptKeyword("events")) {
          if (!AcceptKeyword("event")) return Fail("EVENTS or a time unit (sec, min, ...)");
        }
        out.events = true;
      }
      s->output = out;
    }
    if (AcceptKeyword("order")) {
      if (!ExpectKeyword("by")) return false;
      do {
        ast::OrderItem item;
        item.expr = ParseExpr();
        if (!item.expr) return false;
        if (AcceptKeyword("desc")) {
          item.descending = true;
        } else {
          (void)AcceptKeyword("asc");
        }
        s->order_by.push_back(std::move(item));
      } while (AcceptSymbol(","));
    }
    if (AcceptKeyword("limit")) {
      int64_t a = 0;
      if (!ParseCount(&a)) return false;
      if (AcceptSymbol(",")) {
        int64_t b = 0;
        if (!ParseCount(&b)) return false;
        s->offset = a;
        s->limit = b;
      } else {
        s->limit = a;
        if (AcceptKeyword("offset")) {
          if (!ParseCount(&s->offset)) return false;
        }
      }
    }
    return true;
  }

  bool ParseCount(int64_t* out) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kInt) return Fail("a non-negative integer");
    auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), *out);
    (void)p;
    if (ec != std::errc()) return Fail("an integer that fits in 64 bits");
    ++i_;
    return true;
  }

  bool ParseFrom(ast::FromClause* f) {
    f->pos = PosOf(Peek());
    if (!ExpectIdent(&f->type, "an event type name")) return false;
    if (AcceptSymbol("(")) {
      if (!IsSymbol(")")) {
        f->filter = ParseExpr();
        if (!f->filter) return false;
      }
      if (!ExpectSymbol(")")) return false;
    }
    while (IsSymbol(".") || IsSymbol("#")) {
      ast::View v;
      v.pos = PosOf(Peek(1));
      const bool hash = IsSymbol("#");
      ++i_;
      if (hash) {
        if (!ExpectIdent(&v.name, "a view name")) return false;
      } else {
        if (!ExpectIdent(&v.ns, "a view namespace (win or std)")) return false;
        if (!ExpectSymbol(":")) return false;
        if (!ExpectIdent(&v.name, "a view name")) return false;
      }
      if (AcceptSymbol("(")) {
        if (!IsSymbol(")")) {
          do {
            ast::ExprPtr e = ParseExpr();
            if (!e) return false;
            v.params.push_back(std::move(e));
          } while (AcceptSymbol(","));
        }
        if (!ExpectSymbol(")")) return false;
      } else if (!hash) {
        return Fail("'(' after the view name");
      }
      f->views.push_back(std::move(v));
    }
    if (AcceptKeyword("as")) {
      if (!ExpectIdent(&f->alias, "a stream alias")) return false;
    } else if (Peek().kind == TokenKind::kIdent && !IsReserved(Peek()) && !IsKeyword("output")) {
      f->alias = Peek().text;
      ++i_;
    }
    return true;
  }

  // number unit [number unit]...
  bool ParsePeriod(double* ms) {
    *ms = 0;
    while ((Peek().kind == TokenKind::kInt || Peek().kind == TokenKind::kFloat) &&
           Peek(1).kind == TokenKind::kIdent && FindUnit(Peek(1).text) != nullptr &&
           !IsSymbol("(", 2)) {
      const double n = std::strtod(Peek().text.c_str(), nullptr);
      *ms += n * FindUnit(Peek(1).text)->ms;
      i_ += 2;
    }
    return true;
  }

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

  ast::ExprPtr ParseExpr() {
    if (++depth_ > kMaxDepth) {
      Fail("a shallower expression (nesting too deep)");
      --depth_;
      return nullptr;
    }
    ast::ExprPtr e = ParseOr();
    --depth_;
    return e;
  }

  ast::ExprPtr Binary(ast::ExprPtr lhs, ast::ExprPtr rhs, const Token& op, std::string name,
                      size_t start) {
    auto e = Make(ast::ExprKind::kBinary, op);
    e->pos = lhs->pos;
    e->op = std::move(name);
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
    return Finish(std::move(e), start);
  }

  ast::ExprPtr ParseOr() {
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

  ast::ExprPtr ParseAnd() {
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

  ast::ExprPtr ParseNot() {
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

  ast::ExprPtr ParseComparison() {
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

  ast::ExprPtr ParseConcat() {
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

  ast::ExprPtr ParseAdditive() {
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

  ast::ExprPtr ParseMultiplicative() {
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

  ast::ExprPtr ParseUnary() {
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

  ast::ExprPtr ParsePrimary() {
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

  ast::ExprPtr ParseCall() {
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

  ast::ExprPtr ParseCase() {
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

  static constexpr int kMaxDepth = 200;
  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;
  Status error_;
};

}  // namespace

bool IsReservedKeyword(std::string_view word) {
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](std::string_view k) { return EqualsIgnoreCase(k, word); });
}

Result<int64_t> ParseTimePeriodText(std::string_view text) {
  Result<std::vector<Token>> tokens = Lex(text);
  const Status bad = Status::InvalidArgument("'" + std::string(text) +
                                             "' is not a time period such as 10 sec or 1 min");
  if (!tokens) return Err(bad);
  double ms = 0;
  size_t i = 0;
  const std::vector<Token>& t = *tokens;
  while (i + 1 < t.size() && (t[i].kind == TokenKind::kInt || t[i].kind == TokenKind::kFloat) &&
         t[i + 1].kind == TokenKind::kIdent && FindUnit(t[i + 1].text) != nullptr) {
    ms += std::strtod(t[i].text.c_str(), nullptr) * FindUnit(t[i + 1].text)->ms;
    i += 2;
  }
  if (i == 0 || t[i].kind != TokenKind::kEnd || !(ms >= 0) || ms > 1e15) return Err(bad);
  return static_cast<int64_t>(ms);
}

Result<std::vector<ast::Statement>> ParseRules(std::string_view text) {
  Result<std::vector<Token>> tokens = Lex(text);
  if (!tokens) return Err(tokens.error());
  return Parser(std::move(*tokens)).Run();
}

}  // namespace smartcar::cep::parser

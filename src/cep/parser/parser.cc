// The EPL parser's statements (parser_expr.cc has the expressions): annotations, INSERT INTO,
// the SELECT list, FROM with stream filter and views, WHERE, GROUP BY, HAVING, OUTPUT, ORDER BY,
// LIMIT/OFFSET, the canonical text of each statement, and time periods.
#include "cep/parser/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "cep/parser/lexer.h"
#include "cep/parser/parser_impl.h"
#include "core/coding.h"

namespace smartcar::cep::parser {

namespace {

constexpr std::string_view kReserved[] = {
    "select",  "from",   "where",  "group",    "by",  "having", "output", "order",
    "limit",   "offset", "insert", "into",     "as",  "and",    "or",     "not",
    "between", "in",     "like",   "regexp",   "is",  "null",   "case",   "when",
    "then",    "else",   "end",    "distinct", "asc", "desc",   "true",   "false"};

constexpr TimeUnit kUnits[] = {{"msec", 1},       {"millisecond", 1}, {"milliseconds", 1},
                               {"sec", 1000},     {"second", 1000},   {"seconds", 1000},
                               {"min", 60000},    {"minute", 60000},  {"minutes", 60000},
                               {"hour", 3600000}, {"hours", 3600000}, {"day", 86400000},
                               {"days", 86400000}};

}  // namespace

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


Result<std::vector<ast::Statement>> Parser::Run() {
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

std::string Parser::TextOf(size_t begin, size_t end, bool canonical) const {
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

bool Parser::ParseStatement(ast::Statement* s) {
  s->pos = PosOf(Peek());
  while (IsSymbol("@")) {
    ast::Annotation a;
    a.pos = PosOf(Peek());
    ++i_;
    if (!ExpectIdent(&a.name, "an annotation name")) return false;
    if (AcceptSymbol("(")) {
      // @Name('x'), @Name(value='x') or @Tag(name='x', value='y').
      do {
        std::string attribute = "value";
        if (Peek().kind == TokenKind::kIdent && IsSymbol("=", 1)) {
          attribute = Peek().text;
          i_ += 2;
        }
        const Token& v = Peek();
        if (v.kind != TokenKind::kString && v.kind != TokenKind::kInt &&
            v.kind != TokenKind::kFloat && !IsKeyword("true") && !IsKeyword("false")) {
          return Fail("an annotation value");
        }
        if (attribute == "value") a.value = v.text;
        a.attributes.emplace_back(std::move(attribute), v.text);
        ++i_;
      } while (AcceptSymbol(","));
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
  // Esper's stream selector: ISTREAM (the default) is accepted; IRSTREAM and RSTREAM would
  // deliver the remove stream, which this engine does not produce.
  if (!IsSymbol(",", 1) && !IsKeyword("from", 1) && !IsKeyword("as", 1)) {
    if (IsKeyword("istream")) {
      ++i_;
    } else if (IsKeyword("irstream") || IsKeyword("rstream")) {
      return Unsupported(Peek(), "SELECT " + Peek().text,
                         ": only the insert stream (new rows) is delivered");
    }
  }
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
  if (IsSymbol(",") || IsKeyword("join") || IsKeyword("inner") || IsKeyword("left") ||
      IsKeyword("right") || IsKeyword("full")) {
    return Unsupported(Peek(), "a join", ": one event stream per statement");
  }
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

bool Parser::ParseCount(int64_t* out) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kInt) return Fail("a non-negative integer");
  auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), *out);
  (void)p;
  if (ec != std::errc()) return Fail("an integer that fits in 64 bits");
  ++i_;
  return true;
}

bool Parser::ParseFrom(ast::FromClause* f) {
  f->pos = PosOf(Peek());
  if (Peek().kind == TokenKind::kIdent && !Peek().quoted && IsSymbol("[", 1)) {
    return Unsupported(Peek(), "a pattern (FROM " + Peek().text + " [...])",
                       ": select from one event stream");
  }
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

bool Parser::ParsePeriod(double* ms) {
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

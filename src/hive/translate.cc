// TranslateQuery: lex → DuckDB's JSON syntax tree → Hive rewrites → SQL.
#include "hive/translate.h"

#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ascii.h"
#include "hive/lexer.h"
#include "warehouse/duck.h"

using nlohmann::json;

namespace smartcar::hive {

using warehouse::duck::Quote;
using warehouse::duck::QuoteIdent;

namespace {

// Hive text → DuckDB text, token by token. `map` records (output offset, token) for errors.
struct Lexed {
  std::string sql;
  std::vector<std::pair<size_t, Token>> map;
};

Result<Lexed> Relex(std::string_view text, int first_line) {
  auto tokens = Tokenize(text, first_line);
  if (!tokens) return Err(tokens.error());
  Lexed out;
  size_t prev_end = 0;
  for (size_t k = 0; k < tokens->size(); ++k) {
    const Token& t = (*tokens)[k];
    if (t.kind == TokenKind::kEnd) break;
    // HiveQL query clauses with no DuckDB meaning: named, with their place, rather than left to
    // DuckDB's parser ("syntax error at or near ...").
    const Token* next = k + 1 < tokens->size() ? &(*tokens)[k + 1] : nullptr;
    const auto is_symbol = [](const Token& u, const char* s) {
      return u.kind == TokenKind::kSymbol && u.text == s;
    };
    if (t.IsWord("lateral") && next != nullptr && next->IsWord("view")) {
      return Err(Status::NotSupported(Where(t) + " not supported: LATERAL VIEW"));
    }
    if (t.IsWord("transform") && next != nullptr && is_symbol(*next, "(")) {
      return Err(Status::NotSupported(Where(t) + " not supported: TRANSFORM (a script)"));
    }
    // DISTRIBUTE BY only says which reducer gets which rows: one process has one, so the clause
    // and its expressions are dropped (up to the next clause or the end of the query).
    if (t.IsWord("distribute") && next != nullptr && next->IsWord("by")) {
      size_t j = k + 2;
      int depth = 0;
      for (; j < tokens->size() && (*tokens)[j].kind != TokenKind::kEnd; ++j) {
        const Token& u = (*tokens)[j];
        if (depth == 0 &&
            (u.IsWord("sort") || u.IsWord("limit") || u.IsWord("union") || u.IsWord("order") ||
             u.IsWord("cluster") || is_symbol(u, ")") || is_symbol(u, ";"))) {
          break;
        }
        if (is_symbol(u, "(")) ++depth;
        if (is_symbol(u, ")")) --depth;
      }
      prev_end = (*tokens)[j - 1].offset + (*tokens)[j - 1].length;
      k = j - 1;
      continue;
    }
    // The white space before the token, comments dropped (a `--` comment would swallow the rest
    // of the line once joined).
    for (size_t i = prev_end; i < t.offset; ++i) {
      if (text[i] == '-' && i + 1 < t.offset && text[i + 1] == '-') {
        while (i < t.offset && text[i] != '\n') ++i;
        if (i < t.offset) out.sql += '\n';
        continue;
      }
      out.sql += text[i];
    }
    prev_end = t.offset + t.length;
    out.map.emplace_back(out.sql.size(), t);
    switch (t.kind) {
      case TokenKind::kString:
        out.sql += Quote(t.text);
        break;
      case TokenKind::kQuotedIdent:
        out.sql += QuoteIdent(t.text);
        break;
      case TokenKind::kNumber: {
        // Hive's typed literals: 10Y, 10S, 10L, 1.5BD, 1.5D. A literal with a point or an
        // exponent is a DOUBLE in Hive (DECIMAL only with BD); DuckDB would make it an exact
        // DECIMAL, and the pilot's scores (0.5 + 0.4 + … < 6 in 7.60) would come out otherwise.
        std::string n = t.text;
        const std::string lower = AsciiLower(n);
        bool decimal = false;
        if (lower.size() > 2 && lower.compare(lower.size() - 2, 2, "bd") == 0) {
          n.resize(n.size() - 2);
          decimal = true;
        } else if (lower.size() > 1 && lower.find('e') == std::string::npos &&
                   (lower.back() == 'y' || lower.back() == 's' || lower.back() == 'l' ||
                    lower.back() == 'd')) {
          n.resize(n.size() - 1);
        }
        if (!decimal && n.find_first_of(".eE") != std::string::npos) {
          out.sql += "CAST(" + n + " AS DOUBLE)";
        } else {
          out.sql += n;
        }
        break;
      }
      case TokenKind::kSymbol:
        if (t.text == "==") {
          out.sql += "=";
        } else if (t.text == "&&") {
          out.sql += " AND ";
        } else if (t.text == "<=>") {
          out.sql += " IS NOT DISTINCT FROM ";
        } else {
          out.sql += t.text;
        }
        break;
      case TokenKind::kWord:
        if (t.IsWord("div")) {
          out.sql += "//";
        } else if ((t.IsWord("sort") || t.IsWord("cluster")) && next != nullptr &&
                   next->IsWord("by")) {
          // SORT BY orders each reducer's rows, CLUSTER BY x is DISTRIBUTE BY x SORT BY x: with
          // one reducer both are ORDER BY (a total order is one of the orders Hive may give).
          out.sql += "ORDER";
        } else {
          out.sql += t.text;
        }
        break;
      case TokenKind::kEnd:
        break;
    }
  }
  return out;
}

// "line L:C" of the token at output offset `pos` of a relexed text.
std::string WhereAt(const Lexed& lexed, size_t pos) {
  const Token* best = nullptr;
  for (const auto& [offset, token] : lexed.map) {
    if (offset <= pos) best = &token;
  }
  if (best == nullptr) return lexed.map.empty() ? "line 1:1" : Where(lexed.map.front().second);
  return Where(*best);
}

// A string member, "" when absent or not a string (DuckDB's tree also has objects named "type").
std::string Str(const json& n, const char* key) {
  if (!n.is_object()) return "";
  auto it = n.find(key);
  return it != n.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json Func(const std::string& name, std::vector<json> children, const json& location) {
  return {{"class", "FUNCTION"},
          {"type", "FUNCTION"},
          {"alias", ""},
          {"query_location", location},
          {"function_name", name},
          {"schema", ""},
          {"children", std::move(children)},
          {"filter", nullptr},
          {"order_bys", {{"type", "ORDER_MODIFIER"}, {"orders", json::array()}}},
          {"distinct", false},
          {"is_operator", false},
          {"export_state", false},
          {"catalog", ""}};
}

json Cast(json child, const std::string& type_id, bool try_cast) {
  json location = child.value("query_location", json(0));
  return {{"class", "CAST"},
          {"type", "OPERATOR_CAST"},
          {"alias", ""},
          {"query_location", location},
          {"child", std::move(child)},
          {"cast_type", {{"id", type_id}, {"type_info", nullptr}}},
          {"try_cast", try_cast}};
}

// Replaces *node with wrap(*node), keeping the alias on the outside.
template <typename F>
void Wrap(json* node, F wrap) {
  std::string alias = Str(*node, "alias");
  (*node)["alias"] = "";
  json outer = wrap(std::move(*node));
  outer["alias"] = alias;
  *node = std::move(outer);
}

// coalesce(children…): an operator in DuckDB's tree, not a function.
json Coalesce(std::vector<json> children, const json& location) {
  return {{"class", "OPERATOR"},
          {"type", "OPERATOR_COALESCE"},
          {"alias", ""},
          {"query_location", location},
          {"children", std::move(children)}};
}

// The integer constant 0.
json Zero(const json& location) {
  return {
      {"class", "CONSTANT"},
      {"type", "VALUE_CONSTANT"},
      {"alias", ""},
      {"query_location", location},
      {"value",
       {{"type", {{"id", "INTEGER"}, {"type_info", nullptr}}}, {"is_null", false}, {"value", 0}}}};
}

bool IsConstant(const json& n) { return n.is_object() && Str(n, "class") == "CONSTANT"; }

bool IsNumericConstant(const json& n) {
  if (!IsConstant(n)) return false;
  const json& v = n.at("value");
  if (v.value("is_null", false)) return false;
  const std::string id = Str(v.at("type"), "id");
  return id == "INTEGER" || id == "BIGINT" || id == "HUGEINT" || id == "DOUBLE" ||
         id == "DECIMAL" || id == "FLOAT" || id == "SMALLINT" || id == "TINYINT" ||
         id == "UBIGINT" || id == "UINTEGER";
}

class Rewriter {
 public:
  explicit Rewriter(const std::map<std::string, TableDef>& tables) : tables_(tables) {}

  // First pass: the columns of every Hive table the query names.
  void CollectTables(const json& n) {
    if (n.is_object()) {
      if (Str(n, "type") == "BASE_TABLE" && n.contains("table_name")) {
        auto it = tables_.find(AsciiLower(n.at("table_name").get<std::string>()));
        if (it != tables_.end()) {
          auto add = [&](const std::vector<Column>& cols) {
            for (const Column& c : cols) {
              auto duck = DuckType(c.type);
              (duck && *duck == "VARCHAR" ? string_cols_ : numeric_cols_)
                  .insert(AsciiLower(c.name));
            }
          };
          add(it->second.columns);
          add(it->second.partition_columns);
        }
      }
      for (const auto& [k, v] : n.items()) CollectTables(v);
    } else if (n.is_array()) {
      for (const json& v : n) CollectTables(v);
    }
  }

  void Rewrite(json* n) {
    if (n->is_array()) {
      for (json& v : *n) Rewrite(&v);
      return;
    }
    if (!n->is_object()) return;
    for (auto& [k, v] : n->items()) Rewrite(&v);
    const std::string cls = Str(*n, "class");
    if (cls == "FUNCTION") {
      RewriteFunction(n);
    } else if (cls == "COMPARISON") {
      RewriteComparison(n);
    } else if (cls == "CAST") {
      RewriteCast(n);
    }
  }

 private:
  bool KnownNumeric(const json& n) const {
    if (IsNumericConstant(n)) return true;
    if (Str(n, "class") != "COLUMN_REF") return false;
    const std::string name = AsciiLower(n.at("column_names").back().get<std::string>());
    return numeric_cols_.count(name) != 0 && string_cols_.count(name) == 0;
  }
  bool KnownString(const json& n) const {
    if (Str(n, "class") != "COLUMN_REF") return false;
    return string_cols_.count(AsciiLower(n.at("column_names").back().get<std::string>())) != 0;
  }
  // A string read as a number, as Hive does (a value that is not a number becomes NULL).
  void AsDouble(json* n) const {
    if (KnownNumeric(*n) || IsConstant(*n)) return;
    Wrap(n, [](json inner) { return Cast(std::move(inner), "DOUBLE", true); });
  }

  void RewriteFunction(json* n) {
    const std::string name = AsciiLower(Str(*n, "function_name"));
    json& children = (*n)["children"];
    static const std::set<std::string> kNumericAggregates = {
        "avg",      "sum",     "stddev",   "stddev_pop", "stddev_samp", "std",
        "variance", "var_pop", "var_samp", "corr",       "covar_pop",   "covar_samp"};
    if (kNumericAggregates.count(name) != 0) {
      for (json& c : children) AsDouble(&c);
    } else if (name == "substr" || name == "substring") {
      (*n)["function_name"] = "hive_substr";
    } else if (name == "/") {
      (*n)["function_name"] = "hive_div";
      (*n)["is_operator"] = false;
    } else if (name == "+" || name == "-" || name == "*" || name == "%") {
      for (json& c : children) {
        if (KnownString(c)) AsDouble(&c);
      }
    } else if (name == "floor" || name == "ceil" || name == "ceiling") {
      for (json& c : children) AsDouble(&c);
      Wrap(n, [](json inner) { return Cast(std::move(inner), "BIGINT", true); });
    } else if (name == "concat" && !children.empty()) {
      // Hive's concat is NULL when any argument is NULL (DuckDB's skips NULLs); `||` is.
      const std::string alias = Str(*n, "alias");
      json acc = children[0];
      for (size_t i = 1; i < children.size(); ++i) {
        json op = Func("||", {std::move(acc), children[i]}, n->at("query_location"));
        op["is_operator"] = true;
        acc = std::move(op);
      }
      if (children.size() == 1) acc = Cast(std::move(acc), "VARCHAR", true);
      acc["alias"] = alias;
      *n = std::move(acc);
    } else if (name == "hash" && !children.empty()) {
      // Hive's hash: a string's Java hash (java_string_hash, in every warehouse session), an
      // integer its value, NULL 0; several arguments r = r * 31 + h, in 32 bits.
      const std::string alias = Str(*n, "alias");
      json acc;
      for (size_t i = 0; i < children.size(); ++i) {
        json& c = children[i];
        const json location = c.value("query_location", json(0));
        json h = KnownNumeric(c) || IsNumericConstant(c)
                     ? Cast(c, "INTEGER", true)
                     : Func("java_string_hash", {Cast(c, "VARCHAR", true)}, location);
        h = Coalesce({std::move(h), Zero(location)}, location);
        if (i == 0) {
          acc = std::move(h);
        } else {
          acc = Func("hive_hash_combine", {std::move(acc), std::move(h)}, location);
        }
      }
      acc["alias"] = alias;
      *n = std::move(acc);
    } else if (name == "nvl" && children.size() == 2) {
      const std::string alias = Str(*n, "alias");
      json op = Coalesce({children[0], children[1]}, n->at("query_location"));
      op["alias"] = alias;
      *n = std::move(op);
    } else if (name == "collect_set") {
      json inner = Func("list", children, n->at("query_location"));
      (*n)["function_name"] = "list_distinct";
      (*n)["children"] = json::array({std::move(inner)});
      (*n)["distinct"] = false;
    } else if (name == "collect_list") {
      (*n)["function_name"] = "list";
      if (!children.empty()) {
        (*n)["filter"] = {{"class", "OPERATOR"},
                          {"type", "OPERATOR_IS_NOT_NULL"},
                          {"alias", ""},
                          {"query_location", n->at("query_location")},
                          {"children", json::array({children[0]})}};
      }
    } else if (name == "concat_ws" && children.size() >= 2) {
      // concat_ws(sep, array): Hive joins the array's elements.
      for (size_t i = 1; i < children.size(); ++i) {
        const std::string inner = AsciiLower(Str(children[i], "function_name"));
        if (inner == "list_distinct" || inner == "list" || inner == "split" ||
            inner == "string_split" || inner == "str_split") {
          json sep = children[0];
          Wrap(&children[i], [&](json arg) {
            return Func("array_to_string", {std::move(arg), sep},
                        sep.value("query_location", json(0)));
          });
        }
      }
    }
  }

  void RewriteComparison(json* n) {
    static const std::set<std::string> kOrdering = {
        "COMPARE_EQUAL",       "COMPARE_NOTEQUAL",          "COMPARE_LESSTHAN",
        "COMPARE_GREATERTHAN", "COMPARE_LESSTHANOREQUALTO", "COMPARE_GREATERTHANOREQUALTO"};
    if (kOrdering.count(Str(*n, "type")) == 0) return;
    json& left = (*n)["left"];
    json& right = (*n)["right"];
    // Hive compares a string with a number as two doubles.
    if (IsNumericConstant(right) && !IsConstant(left)) AsDouble(&left);
    if (IsNumericConstant(left) && !IsConstant(right)) AsDouble(&right);
  }

  void RewriteCast(json* n) {
    // Hive: a value that does not convert is NULL; a string or a double becomes an integer by
    // dropping the fraction ('12.7' → 12), where DuckDB rounds.
    (*n)["try_cast"] = true;
    const std::string id = Str(n->at("cast_type"), "id");
    if (id == "TINYINT" || id == "SMALLINT" || id == "INTEGER" || id == "BIGINT") {
      json& child = (*n)["child"];
      if (!IsConstant(child)) {
        Wrap(&child, [](json inner) {
          json location = inner.value("query_location", json(0));
          return Func("trunc", {Cast(std::move(inner), "DOUBLE", true)}, location);
        });
      }
    }
  }

  const std::map<std::string, TableDef>& tables_;
  std::set<std::string> string_cols_;
  std::set<std::string> numeric_cols_;
};

}  // namespace

std::string_view MacroSql() {
  return "CREATE OR REPLACE TEMP MACRO hive_substr(s, p) AS "
         "substring(CAST(s AS VARCHAR), CASE WHEN p = 0 THEN 1 ELSE p END), "
         "(s, p, l) AS substring(CAST(s AS VARCHAR), CASE WHEN p = 0 THEN 1 ELSE p END, l);\n"
         "CREATE OR REPLACE TEMP MACRO hive_div(a, b) AS "
         "CASE WHEN TRY_CAST(b AS DOUBLE) = 0 THEN NULL "
         "ELSE TRY_CAST(a AS DOUBLE) / TRY_CAST(b AS DOUBLE) END;\n"
         "CREATE OR REPLACE TEMP MACRO hive_hash_combine(r, h) AS "
         "CAST(((CAST(r AS BIGINT) * 31 + h) % 4294967296 + 6442450944) % 4294967296 "
         "- 2147483648 AS INTEGER);\n";
}

Result<std::string> TranslateQuery(std::string_view text, int first_line,
                                   const std::map<std::string, TableDef>& tables,
                                   const EvalFn& eval) {
  auto lexed = Relex(text, first_line);
  if (!lexed) return Err(lexed.error());
  auto serialized = eval("SELECT json_serialize_sql(" + Quote(lexed->sql) + ")");
  if (!serialized) return Err(serialized.error());
  json tree;
  try {
    tree = json::parse(*serialized);
  } catch (const json::exception& e) {
    return Err(Status::Corruption(std::string("DuckDB's syntax tree is not JSON: ") + e.what()));
  }
  if (tree.value("error", false)) {
    size_t pos = 0;
    if (tree.contains("position")) {
      const json& p = tree["position"];
      pos = p.is_string() ? std::stoull(p.get<std::string>()) : p.get<size_t>();
    }
    std::string message = tree.value("error_message", "cannot parse the query");
    return Err(Status::InvalidArgument(WhereAt(*lexed, pos) + " " + message));
  }
  json& statements = tree["statements"];
  if (!statements.is_array() || statements.size() != 1) {
    return Err(
        Status::InvalidArgument("line " + std::to_string(first_line) + ":1 expected one query"));
  }
  std::string rewritten;
  try {
    Rewriter rewriter(tables);
    rewriter.CollectTables(statements);
    rewriter.Rewrite(&statements);
    rewritten = tree.dump();
  } catch (const json::exception& e) {
    return Err(
        Status::Corruption(std::string("unexpected shape of DuckDB's syntax tree: ") + e.what()));
  }
  auto sql = eval("SELECT json_deserialize_sql(" + Quote(rewritten) + ")");
  if (!sql) return Err(sql.error().WithPrefix("rewriting the query: "));
  return sql;
}

}  // namespace smartcar::hive

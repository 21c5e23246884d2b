// ParseFilter: a tokenizer and recursive-descent parser for HBase's filter language (OR over AND
// over SKIP / WHILE, parentheses, filter calls), the filters it knows, and caret error messages.
#include "table/filter/parse_filter.h"

#include <cctype>
#include <charconv>

#include "core/ascii.h"
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

using Factory = FilterResult (*)(const FilterCall&);
struct Registered {
  std::string_view name;
  Factory make;
};
// Every filter of the language, as HBase's ParseFilter registers them.
constexpr Registered kFilters[] = {
    {"RowFilter", MakeRowFilter},
    {"FamilyFilter", MakeFamilyFilter},
    {"QualifierFilter", MakeQualifierFilter},
    {"ValueFilter", MakeValueFilter},
    {"SingleColumnValueFilter", MakeSingleColumnValueFilter},
    {"SingleColumnValueExcludeFilter", MakeSingleColumnValueExcludeFilter},
    {"PrefixFilter", MakePrefixFilter},
    {"ColumnPrefixFilter", MakeColumnPrefixFilter},
    {"MultipleColumnPrefixFilter", MakeMultipleColumnPrefixFilter},
    {"ColumnRangeFilter", MakeColumnRangeFilter},
    {"PageFilter", MakePageFilter},
    {"KeyOnlyFilter", MakeKeyOnlyFilter},
    {"FirstKeyOnlyFilter", MakeFirstKeyOnlyFilter},
    {"InclusiveStopFilter", MakeInclusiveStopFilter},
    {"TimestampsFilter", MakeTimestampsFilter},
    {"ColumnCountGetFilter", MakeColumnCountGetFilter},
};

enum class Tok { kEnd, kLParen, kRParen, kComma, kString, kNumber, kWord, kOperator, kBad };

struct Token {
  Tok kind = Tok::kEnd;
  size_t pos = 0;     // 0-based offset.
  std::string text;   // As written (kString: unquoted value).
  std::string error;  // kBad: why.
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { Advance(); }

  Result<std::unique_ptr<Filter>> Parse() {
    if (tok_.kind == Tok::kEnd) return Fail(tok_.pos, "empty filter");
    auto f = ParseOr();
    if (!f) return f;
    if (tok_.kind != Tok::kEnd) {
      return Fail(tok_.pos, "unexpected " + Describe(tok_) + " after the end of the filter");
    }
    return f;
  }

 private:
  Result<std::unique_ptr<Filter>> ParseOr() {
    auto first = ParseAnd();
    if (!first) return first;
    std::vector<std::unique_ptr<Filter>> list;
    list.push_back(std::move(*first));
    while (IsWord("OR")) {
      Advance();
      auto next = ParseAnd();
      if (!next) return next;
      list.push_back(std::move(*next));
    }
    if (list.size() == 1) return std::move(list[0]);
    return MakeFilterList(ListOperator::kMustPassOne, std::move(list));
  }

  Result<std::unique_ptr<Filter>> ParseAnd() {
    auto first = ParseUnary();
    if (!first) return first;
    std::vector<std::unique_ptr<Filter>> list;
    list.push_back(std::move(*first));
    while (IsWord("AND")) {
      Advance();
      auto next = ParseUnary();
      if (!next) return next;
      list.push_back(std::move(*next));
    }
    if (list.size() == 1) return std::move(list[0]);
    return MakeFilterList(ListOperator::kMustPassAll, std::move(list));
  }

  Result<std::unique_ptr<Filter>> ParseUnary() {
    if (++depth_ > kMaxDepth) return Fail(tok_.pos, "filter nested too deeply");
    auto f = ParseUnaryInner();
    --depth_;
    return f;
  }

  Result<std::unique_ptr<Filter>> ParseUnaryInner() {
    if (IsWord("SKIP") || IsWord("WHILE")) {
      const bool skip = tok_.text == "SKIP";
      Advance();
      auto inner = ParseUnary();
      if (!inner) return inner;
      return skip ? MakeSkipFilter(std::move(*inner)) : MakeWhileMatchFilter(std::move(*inner));
    }
    if (tok_.kind == Tok::kLParen) {
      Advance();
      auto inner = ParseOr();
      if (!inner) return inner;
      if (tok_.kind != Tok::kRParen) return Fail(tok_.pos, "expected ')', found " + Describe(tok_));
      Advance();
      return inner;
    }
    if (tok_.kind == Tok::kBad) return Fail(tok_.pos, tok_.error);
    if (tok_.kind != Tok::kWord)
      return Fail(tok_.pos, "expected a filter, found " + Describe(tok_));
    return ParseCall();
  }

  Result<std::unique_ptr<Filter>> ParseCall() {
    FilterCall call;
    call.name = tok_.text;
    call.column = tok_.pos + 1;
    const size_t name_pos = tok_.pos;
    Factory make = nullptr;
    for (const auto& r : kFilters) {
      if (r.name == call.name) make = r.make;
    }
    if (make == nullptr) return Fail(name_pos, "unknown filter '" + call.name + "'");
    Advance();
    if (tok_.kind != Tok::kLParen) {
      return Fail(tok_.pos, "expected '(' after " + call.name + ", found " + Describe(tok_));
    }
    Advance();
    if (tok_.kind != Tok::kRParen) {
      while (true) {
        FilterArg arg;
        arg.column = tok_.pos + 1;
        arg.text = tok_.text;
        switch (tok_.kind) {
          case Tok::kString:
            arg.kind = FilterArg::Kind::kString;
            arg.text = tok_.text;
            break;
          case Tok::kNumber: {
            arg.kind = FilterArg::Kind::kInteger;
            auto [p, ec] =
                std::from_chars(tok_.text.data(), tok_.text.data() + tok_.text.size(), arg.integer);
            if (ec != std::errc() || p != tok_.text.data() + tok_.text.size()) {
              return Fail(tok_.pos, "integer '" + tok_.text + "' is out of range");
            }
            break;
          }
          case Tok::kOperator:
            arg.kind = FilterArg::Kind::kOperator;
            arg.op = ToOp(tok_.text);
            break;
          case Tok::kWord: {
            const std::string lower = AsciiLower(tok_.text);
            if (lower != "true" && lower != "false") {
              return Fail(tok_.pos, "unexpected word '" + tok_.text +
                                        "': arguments are quoted strings, integers, true/false "
                                        "or comparison operators");
            }
            arg.kind = FilterArg::Kind::kBoolean;
            arg.boolean = lower == "true";
            break;
          }
          case Tok::kBad:
            return Fail(tok_.pos, tok_.error);
          default:
            return Fail(tok_.pos,
                        "expected an argument of " + call.name + ", found " + Describe(tok_));
        }
        call.args.push_back(std::move(arg));
        Advance();
        if (tok_.kind == Tok::kRParen) break;
        if (tok_.kind != Tok::kComma) {
          if (tok_.kind == Tok::kBad) return Fail(tok_.pos, tok_.error);
          return Fail(tok_.pos,
                      "expected ',' or ')' in " + call.name + ", found " + Describe(tok_));
        }
        Advance();
      }
    }
    Advance();  // ')'
    auto f = make(call);
    if (!f) return Fail(f.error().column - 1, f.error().message);
    return std::move(*f);
  }

  static CompareOp ToOp(std::string_view t) {
    if (t == "<") return CompareOp::kLess;
    if (t == "<=") return CompareOp::kLessOrEqual;
    if (t == "=") return CompareOp::kEqual;
    if (t == "!=") return CompareOp::kNotEqual;
    if (t == ">=") return CompareOp::kGreaterOrEqual;
    return CompareOp::kGreater;
  }

  bool IsWord(std::string_view w) const { return tok_.kind == Tok::kWord && tok_.text == w; }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd:
        return "the end of the filter";
      case Tok::kString:
        return "'" + t.text + "'";
      default:
        return "'" + t.text + "'";
    }
  }

  tl::unexpected<Status> Fail(size_t pos, const std::string& message) const {
    std::string caret(pos, ' ');
    // Keep tabs so the caret lines up under the offending character.
    for (size_t i = 0; i < pos && i < text_.size(); ++i) {
      if (text_[i] == '\t') caret[i] = '\t';
    }
    return Err(Status::InvalidArgument("column " + std::to_string(pos + 1) + ": " + message + "\n" +
                                       std::string(text_) + "\n" + caret + "^"));
  }

  void Advance() {
    size_t i = pos_;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
    tok_ = Token{};
    tok_.pos = i;
    if (i >= text_.size()) {
      tok_.kind = Tok::kEnd;
      pos_ = i;
      return;
    }
    const char c = text_[i];
    if (c == '(' || c == ')' || c == ',') {
      tok_.kind = c == '(' ? Tok::kLParen : (c == ')' ? Tok::kRParen : Tok::kComma);
      tok_.text = std::string(1, c);
      pos_ = i + 1;
      return;
    }
    if (c == '\'') {
      std::string value;
      size_t j = i + 1;
      while (true) {
        if (j >= text_.size()) {
          tok_.kind = Tok::kBad;
          tok_.text = "'";
          tok_.error = "unterminated quoted string";
          pos_ = text_.size();
          return;
        }
        if (text_[j] == '\'') {
          if (j + 1 < text_.size() && text_[j + 1] == '\'') {
            value.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        value.push_back(text_[j++]);
      }
      tok_.kind = Tok::kString;
      tok_.text = std::move(value);
      pos_ = j + 1;
      return;
    }
    if (c == '<' || c == '>' || c == '=' || c == '!') {
      size_t j = i + 1;
      if (j < text_.size() && text_[j] == '=' && c != '=') ++j;
      tok_.text = std::string(text_.substr(i, j - i));
      pos_ = j;
      if (tok_.text == "!") {
        tok_.kind = Tok::kBad;
        tok_.error = "'!' must be followed by '=' (the operator is !=)";
        return;
      }
      tok_.kind = Tok::kOperator;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '-' && i + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
      size_t j = i + 1;
      while (j < text_.size() && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
      tok_.kind = Tok::kNumber;
      tok_.text = std::string(text_.substr(i, j - i));
      pos_ = j;
      return;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i + 1;
      while (j < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_')) {
        ++j;
      }
      tok_.kind = Tok::kWord;
      tok_.text = std::string(text_.substr(i, j - i));
      pos_ = j;
      return;
    }
    tok_.kind = Tok::kBad;
    tok_.text = std::string(1, c);
    tok_.error = "unexpected character '" + tok_.text + "'";
    pos_ = i + 1;
  }

  static constexpr int kMaxDepth = 100;
  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  Token tok_;
};

}  // namespace

Result<std::unique_ptr<Filter>> ParseFilter(std::string_view text) { return Parser(text).Parse(); }

}  // namespace smartcar::table::filter

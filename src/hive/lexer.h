// HiveQL tokens with their position, for the statement parser (statement.h) and for the rewrite
// of queries into DuckDB's dialect (translate.h). Internal to src/hive/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace smartcar::hive {

enum class TokenKind {
  kWord,         // An identifier or keyword: letters, digits, '_' (and '$'), not starting a number.
  kQuotedIdent,  // `name` (Hive's back quotes); text is the name.
  kString,       // 'text' or "text" (Hive takes both as strings); text is the decoded value.
  kNumber,       // 12, 1.5, 1e3, 10L, 2BD...: text as written.
  kSymbol,       // Operators and punctuation: ( ) , ; . = < > <= >= <> != == <=> + - * / % || ...
  kEnd,          // After the last token.
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t offset = 0;  // Byte offset of the token in the statement.
  size_t length = 0;  // Bytes the token spans in the statement (quotes included).
  int line = 1;       // 1-based.
  int column = 1;     // 1-based, in bytes.
  char quote = 0;     // For kString: the quote character used.

  // True for a kWord equal to `word`, ignoring ASCII case.
  bool IsWord(std::string_view word) const;
  bool IsSymbol(std::string_view symbol) const {
    return kind == TokenKind::kSymbol && text == symbol;
  }
};

// Splits `text` into tokens; the last one is kEnd. `--` comments and white space separate tokens.
// String escapes follow Hive: \' \" \\ \n \t \r \0 and octal \ooo (e.g. '\001'); any other
// escaped character stands for itself. InvalidArgument "line L:C unterminated string" etc.
// `first_line` is the line number of the text's first line (a statement's place in its script).
Result<std::vector<Token>> Tokenize(std::string_view text, int first_line = 1);

// Lower-case ASCII.

// "line L:C" of a token, for messages.
std::string Where(const Token& token);

}  // namespace smartcar::hive

// Lexer for EPL: turns rule text into tokens with 1-based line and column.
//
// Keywords are not special here (identifiers compared case-insensitively by the parser, as
// Esper's keywords are case-insensitive). `--`, `//` and `/* */` comments are skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace smartcar::cep::parser {

enum class TokenKind { kIdent, kInt, kFloat, kString, kSymbol, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;     // Identifier, symbol, number digits, or the string's unescaped value.
  int line = 1;         // 1-based.
  int column = 1;       // 1-based, in bytes.
  bool quoted = false;  // A `back-ticked` identifier (never a keyword).
};

// The tokens of `text`, ending with one kEnd token. InvalidArgument with line and column for
// an unterminated string or comment or a character that starts no token.
Result<std::vector<Token>> Lex(std::string_view text);

// "line L column C".
std::string Where(int line, int column);

}  // namespace smartcar::cep::parser

// Parser for EPL rule files: tokens → ast::Statement, no meaning checks.
//
// Grammar (keywords case-insensitive; statements separated by ';'; `--` comments):
//   [@Name('x')]... [INSERT INTO Stream] SELECT [DISTINCT] (* | expr [AS alias], ...)
//   FROM Type[(filter)][.ns:view(params) | #view(params)]... [[AS] alias]
//   [WHERE expr] [GROUP BY expr, ...] [HAVING expr]
//   [OUTPUT [ALL|FIRST|LAST|SNAPSHOT] EVERY n [EVENTS|time unit]]
//   [ORDER BY expr [ASC|DESC], ...] [LIMIT n [OFFSET m] | LIMIT m, n]
// Errors read like Esper's: "Incorrect syntax near 'frm' at line 1 column 10: expected FROM".
#pragma once

#include <string_view>
#include <vector>

#include "cep/parser/ast.h"
#include "core/status.h"

namespace smartcar::cep::parser {

// Every statement of `text`, in order. An empty file (only comments) yields no statements.
Result<std::vector<ast::Statement>> ParseRules(std::string_view text);

// Parses a time period written as text, e.g. "10 sec" or "1 min 30 sec", into milliseconds.
Result<int64_t> ParseTimePeriodText(std::string_view text);

// True if `word` (any case) is a reserved EPL keyword.
bool IsReservedKeyword(std::string_view word);

}  // namespace smartcar::cep::parser

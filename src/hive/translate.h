// A Hive query in DuckDB's dialect with Hive's meaning: the text is lexed (Hive's "strings" and
// `names`), parsed by DuckDB's own parser into its JSON syntax tree (json_serialize_sql), the tree
// rewritten where Hive's semantics differ (docs/HIVE.md lists each rule), and turned back into SQL
// (json_deserialize_sql). Internal to src/hive/.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "hive/statement.h"

namespace smartcar::hive {

// Runs a SELECT that returns one text value (no table is read) and returns that value.
using EvalFn = std::function<Result<std::string>(const std::string& sql)>;

// The SQL that defines the macros translated queries call (hive_substr, hive_div...). Run once
// per DuckDB session before them.
std::string_view MacroSql();

// Translates one query (SELECT or WITH). `tables`: the Hive tables by lower-case name, for the
// column types that decide where strings are read as numbers. `first_line`: the script line where
// `text` begins, for messages ("line 3:14 …").
Result<std::string> TranslateQuery(std::string_view text, int first_line,
                                   const std::map<std::string, TableDef>& tables,
                                   const EvalFn& eval);

}  // namespace smartcar::hive

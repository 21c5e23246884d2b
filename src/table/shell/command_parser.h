// Parses HBase shell statements (the Ruby subset the HBase shell's commands use):
//   scan 'DriverCarInfo', {STARTROW => '00016062402202-O0010', LIMIT => 2}
//   create 't1', {NAME => 'f1', VERSIONS => 3}, SPLITS => ['10', '20']
// Values are 'single' or "double" quoted strings (Ruby escapes), integers, bare words
// (true, false, nil, constants), {key => value, ...} hashes and [a, b] arrays. `KEY => value`
// pairs given directly as arguments are collected into one trailing hash, as Ruby does.
// Errors carry the line and column and a caret line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace smartcar::table::shell {

struct HashEntry;

struct Value {
  enum class Kind { kString, kInteger, kWord, kHash, kArray };
  Kind kind = Kind::kString;
  std::string text;  // kString: unquoted; kWord: the word; kInteger: as written.
  int64_t integer = 0;
  std::vector<HashEntry> hash;  // kHash: keys as written (unquoted), in order.
  std::vector<Value> array;
  size_t offset = 0;  // 0-based offset in the statement.
  bool IsText() const { return kind == Kind::kString || kind == Kind::kWord; }
  // The value for a hash key, or nullptr.
  const Value* Find(std::string_view key) const;
};

struct HashEntry {
  std::string key;
  Value value;
};

struct Command {
  std::string name;
  std::vector<Value> args;
};

// Parses one statement (which may span lines). InvalidArgument with position and caret.
Result<Command> ParseCommand(std::string_view statement);

// Splits a script into statements at newlines and ';' outside quotes and brackets; a line
// ending inside brackets or quotes, or with ',' or '=>', continues on the next line. '#'
// starts a comment. Blank statements are dropped.
std::vector<std::string> SplitStatements(std::string_view script);

// True when `text` holds at least one complete statement (interactive line continuation).
bool IsStatementComplete(std::string_view text);

}  // namespace smartcar::table::shell

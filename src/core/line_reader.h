// LineReader: reads a text file line by line, transparently gunzipping `.gz` files, and counts
// lines so errors can say where. Lines are returned without their '\n'. A final line without a
// newline is returned too. Not thread-safe; one reader per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar {

class LineReader {
 public:
  // Opens `path` (plain or gzip). IOError naming the path if it cannot be opened.
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path);
  virtual ~LineReader() = default;

  // Sets *line to the next line (valid until the next call) and returns true, or returns false
  // at end of file. After false, status() tells whether the end was clean.
  virtual bool Next(std::string_view* line) = 0;
  // 1-based number of the line last returned by Next().
  virtual uint64_t line_number() const = 0;
  // OK, or the read error that ended the file early.
  virtual const Status& status() const = 0;
};

}  // namespace smartcar

// The input side of an export (rdbms/export.cc): finding the files to read, and encoding their
// records as COPY text with the rejected ones sent to a dead-letter file (internal to rdbms/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/line_reader.h"
#include "core/status.h"
#include "rdbms/pg.h"
#include "rdbms/sqoop.h"

namespace smartcar::rdbms::export_internal {

// Where the rows come from: files and the format to read them with.
struct Inputs {
  std::vector<std::string> files;
  TextFormat format;
  std::string temp_file;  // A conversion of a warehouse table, removed afterwards.
  ~Inputs();
};

// Fills *in from o.export_dir: one file, the files below a folder (hidden ones skipped), or a
// warehouse table named by a path under /user/hive/warehouse/ (with_date: the target has a
// wrk_date column).
Status ResolveInputs(const ExportOptions& o, bool with_date, Inputs* in);

// The rows to send: COPY text of each accepted record, and where each came from.
struct Encoded {
  std::string text;
  std::vector<uint64_t> end;  // end[i]: offset just past record i's '\n'.
  std::vector<uint32_t> file;
  std::vector<uint64_t> line;
  std::string raw;                // The records as read, for dead letters.
  std::vector<uint64_t> raw_end;  // raw_end[i]: offset just past record i in `raw`.
};

// The dead-letter file: one line per rejected record (file, line, reason, the record), after a
// `header` line; created when the first record is added.
class DeadLetters {
 public:
  DeadLetters(std::string path, std::string header)
      : path_(std::move(path)), header_(std::move(header)) {}
  Status Add(const std::string& file, uint64_t line, const std::string& reason,
             std::string_view raw);
  uint64_t count() const { return count_; }
  const std::string& first() const { return first_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string header_;
  std::ofstream out_;
  uint64_t count_ = 0;
  std::string first_;
};

// FNV-1a, 64 bits: a digest that is the same on every machine and run.
struct Fnv64 {
  uint64_t h = 1469598103934665603ull;
  void Add(std::string_view s);
  std::string Hex() const;
};

// Reads the input files and appends their records to an Encoded, a bit at a time: the first
// COPY sends each batch as soon as it is encoded, so the server parses one batch while the next
// is read (the reading no longer adds to the COPY's time).
class Encoder {
 public:
  Encoder(const Inputs& in, const std::vector<const PgColumn*>& cols, const ExportOptions& o,
          Encoded* enc, DeadLetters* dead, ExportReport* report);

  bool done() const { return done_; }
  const Status& status() const { return status_; }

  // Encodes records until the text grew by `bytes` or the input ended (then done()).
  void EncodeMore(size_t bytes);

 private:
  const std::string& Name() const;
  void Fail(const Status& s);
  void Append();

  const Inputs& in_;
  const std::vector<const PgColumn*>& cols_;
  const ExportOptions& o_;
  Encoded* enc_;
  DeadLetters* dead_;
  ExportReport* report_;
  const std::string null_string_;
  size_t file_ = 0;
  std::unique_ptr<LineReader> reader_;
  bool open_ = false;  // The record continues on the next line (an open enclosure).
  uint64_t first_line_ = 0;
  std::string record_, scratch_;
  std::vector<std::string_view> fields_;
  std::vector<bool> enclosed_;
  bool done_ = false;
  Status status_;
};

}  // namespace smartcar::rdbms::export_internal

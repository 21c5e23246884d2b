// The fast path: core's LineReader + ParseStatusLine feed typed DuckDB data chunks (2048 rows at
// a time, no per-value calls) through an Appender into a temporary table, which one COPY writes
// as Parquet into a staging folder; the folder is then committed as the partition.
#include "warehouse/loader.h"

#include <duckdb.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/escape.h"
#include "core/line_codec.h"
#include "core/line_reader.h"
#include "warehouse/schema.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {
namespace {

constexpr const char* kBufferTable = "__smartcar_load";
constexpr idx_t kColumns = 13;

// Owns the appender, the chunk and its logical types.
class ChunkAppender {
 public:
  ChunkAppender() = default;
  ~ChunkAppender() {
    if (chunk_ != nullptr) duckdb_destroy_data_chunk(&chunk_);
    if (appender_ != nullptr) duckdb_appender_destroy(&appender_);
    for (auto& t : types_) {
      if (t != nullptr) duckdb_destroy_logical_type(&t);
    }
  }
  ChunkAppender(const ChunkAppender&) = delete;
  ChunkAppender& operator=(const ChunkAppender&) = delete;

  Status Open(duckdb_connection con) {
    if (duckdb_appender_create_ext(con, "temp", "main", kBufferTable, &appender_) == DuckDBError) {
      return Status::IOError(std::string("DuckDB appender: ") + duckdb_appender_error(appender_));
    }
    const duckdb_type ids[kColumns] = {
        DUCKDB_TYPE_TIMESTAMP, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_INTEGER, DUCKDB_TYPE_INTEGER,
        DUCKDB_TYPE_INTEGER,   DUCKDB_TYPE_INTEGER, DUCKDB_TYPE_INTEGER, DUCKDB_TYPE_INTEGER,
        DUCKDB_TYPE_INTEGER,   DUCKDB_TYPE_INTEGER, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR,
        DUCKDB_TYPE_INTEGER};
    for (idx_t i = 0; i < kColumns; ++i) types_[i] = duckdb_create_logical_type(ids[i]);
    chunk_ = duckdb_create_data_chunk(types_.data(), kColumns);
    capacity_ = duckdb_vector_size();
    Bind();
    return Status::OK();
  }

  void Add(const StatusEvent& e) {
    ts_[n_] = e.time.value * 1000;  // TIMESTAMP is microseconds since the epoch.
    duckdb_vector_assign_string_element_len(car_, n_, e.car_number.chars.data(),
                                            e.car_number.chars.size());
    for (int i = 0; i < 4; ++i) {
      tire_[i][n_] = e.tire[i];
      light_[i][n_] = static_cast<int32_t>(e.light[i]);
    }
    duckdb_vector_assign_string_element_len(engine_, n_, &e.engine, 1);
    duckdb_vector_assign_string_element_len(brake_, n_, &e.brake, 1);
    battery_[n_] = e.battery;
    ++n_;
  }
  bool full() const { return n_ == capacity_; }

  Status Flush() {
    if (n_ == 0) return Status::OK();
    duckdb_data_chunk_set_size(chunk_, n_);
    if (duckdb_append_data_chunk(appender_, chunk_) == DuckDBError) {
      return Status::IOError(std::string("DuckDB append: ") + duckdb_appender_error(appender_));
    }
    duckdb_data_chunk_reset(chunk_);
    n_ = 0;
    Bind();  // Reset invalidates the data pointers.
    return Status::OK();
  }

  Status Close() {
    SMARTCAR_RETURN_IF_ERROR(Flush());
    if (duckdb_appender_close(appender_) == DuckDBError) {
      return Status::IOError(std::string("DuckDB append: ") + duckdb_appender_error(appender_));
    }
    return Status::OK();
  }

 private:
  template <class T>
  T* Data(idx_t col) {
    return static_cast<T*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk_, col)));
  }
  void Bind() {
    ts_ = Data<int64_t>(0);
    car_ = duckdb_data_chunk_get_vector(chunk_, 1);
    for (int i = 0; i < 4; ++i) {
      tire_[i] = Data<int32_t>(2 + static_cast<idx_t>(i));
      light_[i] = Data<int32_t>(6 + static_cast<idx_t>(i));
    }
    engine_ = duckdb_data_chunk_get_vector(chunk_, 10);
    brake_ = duckdb_data_chunk_get_vector(chunk_, 11);
    battery_ = Data<int32_t>(12);
  }

  duckdb_appender appender_ = nullptr;
  duckdb_data_chunk chunk_ = nullptr;
  std::array<duckdb_logical_type, kColumns> types_{};
  idx_t capacity_ = 0;
  idx_t n_ = 0;
  int64_t* ts_ = nullptr;
  duckdb_vector car_ = nullptr;
  std::array<int32_t*, 4> tire_{};
  std::array<int32_t*, 4> light_{};
  duckdb_vector engine_ = nullptr;
  duckdb_vector brake_ = nullptr;
  int32_t* battery_ = nullptr;
};

// The dead-letter file, opened on the first reject. Lines: "line N: <reason>\t<the line>".
class DeadLetter {
 public:
  explicit DeadLetter(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {}
  ~DeadLetter() {
    if (f_ != nullptr) std::fclose(f_);
  }
  Status Add(uint64_t line_number, const Status& why, std::string_view line) {
    if (f_ == nullptr) {
      std::error_code ec;
      fs::create_directories(fs::path(path_).parent_path(), ec);
      f_ = std::fopen(tmp_.c_str(), "w");
      if (f_ == nullptr) return Status::IOError("cannot write dead-letter file " + tmp_);
    }
    const std::string message = EscapeBytes(why.message()), escaped = EscapeBytes(line);
    std::fprintf(f_, "line %llu: %s\t%s\n", static_cast<unsigned long long>(line_number),
                 message.c_str(), escaped.c_str());
    return Status::OK();
  }
  // Publishes the rejects of this load (or removes an older load's file if there were none).
  Status Publish(std::string* published_path) {
    std::error_code ec;
    if (f_ == nullptr) {
      fs::remove(path_, ec);
      return Status::OK();
    }
    const bool ok = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok) return Status::IOError("cannot write dead-letter file " + tmp_);
    fs::rename(tmp_, path_, ec);
    if (ec) return Status::IOError("rename " + tmp_ + ": " + ec.message());
    *published_path = path_;
    return Status::OK();
  }
  void Discard() {
    if (f_ != nullptr) std::fclose(f_);
    f_ = nullptr;
    std::error_code ec;
    fs::remove(tmp_, ec);
  }

 private:
  std::string path_;
  std::string tmp_;
  std::FILE* f_ = nullptr;
};

uint64_t DirBytes(const std::string& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) bytes += e.file_size(ec);
  }
  return bytes;
}

}  // namespace

Result<LoadReport> LoadStatusLog(duck::Session* session, PartitionStore* store,
                                 const LoadSpec& spec) {
  LoadReport report;
  report.table = spec.table;
  report.date = spec.date;
  std::error_code ec;
  report.input_bytes = fs::file_size(spec.path, ec);
  auto reader = LineReader::Open(spec.path);
  if (!reader) return Err(reader.error());

  const TableSchema& schema = StatusTableSchema();
  SMARTCAR_RETURN_IF_ERROR(session->Exec("CREATE OR REPLACE TEMP TABLE " + std::string(kBufferTable) +
                                    " " + ColumnListSql(schema)));
  DeadLetter dead(store->RejectsPath(spec.table, spec.date));
  {
    ChunkAppender app;
    SMARTCAR_RETURN_IF_ERROR(app.Open(session->connection()));
    std::string_view line;
    StatusEvent e;
    while ((*reader)->Next(&line)) {
      ++report.lines;
      if (line.empty() || line == "\r") {
        ++report.blank;
        continue;
      }
      auto kind = ParseStatusLine(line, &e);
      if (!kind) {
        ++report.rejects;
        const Status where = AtLine(kind.error(), (*reader)->line_number());
        if (report.first_reject.empty()) report.first_reject = where.message();
        if (Status s = dead.Add((*reader)->line_number(), kind.error(), line); !s.ok()) {
          dead.Discard();
          return Err(s);
        }
        continue;
      }
      if (*kind == LineKind::kHeader) {
        ++report.headers;
        continue;
      }
      app.Add(e);
      ++report.rows;
      if (app.full()) SMARTCAR_RETURN_IF_ERROR(app.Flush());
    }
    if (!(*reader)->status().ok()) {
      dead.Discard();
      return Err((*reader)->status());
    }
    SMARTCAR_RETURN_IF_ERROR(app.Close());
  }
  if (report.rows == 0) {
    dead.Discard();
    (void)session->Exec(std::string("DROP TABLE IF EXISTS ") + kBufferTable);
    std::string why = spec.path + ": no valid status lines (" + std::to_string(report.lines) +
                      " lines, " + std::to_string(report.rejects) + " rejected)";
    if (!report.first_reject.empty()) why += "; first reject: " + report.first_reject;
    return Err(Status::InvalidArgument(why + "; partition not replaced"));
  }

  auto staged = store->NewStagingDir(spec.table, spec.date);
  if (!staged) return Err(staged.error());
  Status s = session->Exec(std::string("COPY ") + kBufferTable + " TO " +
                           duck::Quote(*staged + "/part-0.parquet") + " (FORMAT parquet)");
  (void)session->Exec(std::string("DROP TABLE IF EXISTS ") + kBufferTable);
  if (s.ok()) s = store->Commit(spec.table, spec.date, *staged);
  if (!s.ok()) {
    fs::remove_all(*staged, ec);
    dead.Discard();
    return Err(s);
  }
  report.partition_path = store->PartitionDir(spec.table, spec.date);
  report.parquet_bytes = DirBytes(report.partition_path);
  SMARTCAR_RETURN_IF_ERROR(dead.Publish(&report.dead_letter_path));
  return report;
}

}  // namespace smartcar::warehouse

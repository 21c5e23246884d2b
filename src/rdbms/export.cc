// Export: delimited files (or a warehouse table) → one PostgreSQL table, all-or-nothing and
// idempotent (see sqoop.h).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/line_reader.h"
#include "rdbms/delimited.h"
#include "rdbms/pg.h"
#include "rdbms/sqoop.h"
#include "warehouse/warehouse.h"

namespace smartcar::rdbms {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHiveWarehouse = "/user/hive/warehouse/";
constexpr std::string_view kLedgerTable = "smartcar_sqoop_exports";
constexpr size_t kChunkBytes = 1 << 20;

// Where the rows come from: files and the format to read them with.
struct Inputs {
  std::vector<std::string> files;
  TextFormat format;
  std::string temp_file;  // A conversion of a warehouse table, removed afterwards.
  ~Inputs() {
    if (!temp_file.empty()) ::unlink(temp_file.c_str());
  }
};

bool Hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.empty() || name[0] == '_' || name[0] == '.' ||
         (name.size() > 4 && name.compare(name.size() - 4, 4, ".crc") == 0);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A warehouse table (or one day of it) named by a Hive path: its rows as one CSV file written by
// DuckDB. wrk_date is the last field only when the target has a column of that name.
Status ConvertWarehouseTable(const ExportOptions& o, std::string_view table_name,
                             const std::string& day, bool with_date, Inputs* in) {
  warehouse::WarehouseOptions wo;
  wo.data_dir = o.data_dir;
  wo.threads = 2;
  auto w = warehouse::Warehouse::Open(wo);
  if (!w) return w.error();
  auto tables = (*w)->Tables();
  if (!tables) return tables.error();
  std::string found;
  for (const std::string& t : *tables) {
    if (Lower(t) == Lower(table_name)) found = t;
  }
  if (found.empty()) {
    return Status::NotFound("--export-dir " + o.export_dir +
                            ": no such folder, and no warehouse table '" + std::string(table_name) +
                            "' in " + o.data_dir);
  }
  char path[] = "/tmp/smartcar-sqoop-export-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return Status::IOError("cannot create a temporary file in /tmp");
  ::close(fd);
  in->temp_file = path;
  std::string quoted_path = "'";
  for (char c : in->temp_file) quoted_path += c == '\'' ? std::string("''") : std::string(1, c);
  quoted_path += "'";
  std::string select = std::string("SELECT *") + (with_date ? "" : " EXCLUDE (wrk_date)") +
                       " FROM \"" + found + "\"";
  if (!day.empty()) select += " WHERE wrk_date = '" + day + "'";
  auto r = (*w)->Query("COPY (" + select + ") TO " + quoted_path +
                       " (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', "
                       "NULL 'null')");
  if (!r) return r.error();
  in->files = {in->temp_file};
  in->format.fields_terminated_by = ',';
  in->format.enclosed_by = '"';
  in->format.escaped_by = '"';
  return Status::OK();
}

Status ResolveInputs(const ExportOptions& o, bool with_date, Inputs* in) {
  in->format = o.input;
  std::error_code ec;
  const fs::path dir(o.export_dir);
  if (fs::is_regular_file(dir, ec)) {
    in->files = {o.export_dir};
    return Status::OK();
  }
  if (fs::is_directory(dir, ec)) {
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (Hidden(it->path())) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) in->files.push_back(it->path().string());
    }
    if (ec) return Status::IOError("--export-dir " + o.export_dir + ": " + ec.message());
    std::sort(in->files.begin(), in->files.end());
    const bool parquet = std::any_of(in->files.begin(), in->files.end(), [](const std::string& f) {
      return fs::path(f).extension() == ".parquet";
    });
    if (parquet) {
      return Status::InvalidArgument(
          "--export-dir " + o.export_dir +
          " holds Parquet files: name a warehouse table as /user/hive/warehouse/<table> instead");
    }
    return Status::OK();
  }
  if (o.export_dir.rfind(kHiveWarehouse, 0) == 0) {
    std::string_view table = std::string_view(o.export_dir).substr(kHiveWarehouse.size());
    while (!table.empty() && table.back() == '/') table.remove_suffix(1);
    std::string day;
    if (const size_t slash = table.find('/'); slash != std::string_view::npos) {
      const std::string_view part = table.substr(slash + 1);
      constexpr std::string_view kKey = "wrk_date=";
      if (part.rfind(kKey, 0) == 0 && part.size() == kKey.size() + 8 &&
          std::all_of(part.begin() + kKey.size(), part.end(),
                      [](char c) { return c >= '0' && c <= '9'; })) {
        day = std::string(part.substr(kKey.size()));
        table = table.substr(0, slash);
      }
    }
    if (!table.empty() && table.find('/') == std::string_view::npos) {
      return ConvertWarehouseTable(o, table, day, with_date, in);
    }
  }
  return Status::NotFound("--export-dir " + o.export_dir + " does not exist");
}

// The rows to send: COPY text of each accepted record, and where each came from.
struct Encoded {
  std::string text;
  std::vector<uint64_t> end;  // end[i]: offset just past record i's '\n'.
  std::vector<uint32_t> file;
  std::vector<uint64_t> line;
  std::string raw;                // The records as read, for dead letters.
  std::vector<uint64_t> raw_end;  // raw_end[i]: offset just past record i in `raw`.
};

class DeadLetters {
 public:
  DeadLetters(std::string path, std::string header)
      : path_(std::move(path)), header_(std::move(header)) {}
  Status Add(const std::string& file, uint64_t line, const std::string& reason,
             std::string_view raw) {
    if (!out_.is_open()) {
      std::error_code ec;
      fs::create_directories(fs::path(path_).parent_path(), ec);
      out_.open(path_, std::ios::app | std::ios::binary);
      if (!out_) return Status::IOError("cannot write the dead-letter file " + path_);
      out_ << "# " << header_ << "\n";
    }
    out_ << file << ":" << line << ": " << reason << "\t" << raw << "\n";
    out_.flush();
    if (!out_) return Status::IOError("cannot write the dead-letter file " + path_);
    ++count_;
    if (first_.empty()) first_ = file + ":" + std::to_string(line) + ": " + reason;
    return Status::OK();
  }
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
  void Add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  }
  std::string Hex() const {
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016" PRIx64, h);
    return buf;
  }
};

// Reads the input files and appends their records to an Encoded, a bit at a time: the first
// COPY sends each batch as soon as it is encoded, so the server parses one batch while the next
// is read (the reading no longer adds to the COPY's time).
class Encoder {
 public:
  Encoder(const Inputs& in, const std::vector<const PgColumn*>& cols, const ExportOptions& o,
          Encoded* enc, DeadLetters* dead, ExportReport* report)
      : in_(in),
        cols_(cols),
        o_(o),
        enc_(enc),
        dead_(dead),
        report_(report),
        null_string_(o.input_null_string.value_or("null")) {
    // Reserve for the whole input: growing a buffer of many megabytes copies it, faulting pages.
    uint64_t input_bytes = 0;
    for (const std::string& f : in.files) {
      std::error_code ec;
      const uint64_t size = fs::file_size(f, ec);
      if (!ec && fs::path(f).extension() != ".gz") input_bytes += size;
    }
    enc->text.reserve(input_bytes + input_bytes / 8);
    enc->raw.reserve(input_bytes);
  }

  bool done() const { return done_; }
  const Status& status() const { return status_; }

  // Encodes records until the text grew by `bytes` or the input ended (then done()).
  void EncodeMore(size_t bytes) {
    const size_t target = enc_->text.size() + bytes;
    while (!done_ && enc_->text.size() < target) {
      if (!reader_) {
        if (file_ == in_.files.size()) {
          done_ = true;
          return;
        }
        auto r = LineReader::Open(in_.files[file_]);
        if (!r) return Fail(r.error());
        reader_ = std::move(*r);
        ++report_->files;
        open_ = false;
      }
      std::string_view line;
      if (!reader_->Next(&line)) {
        if (!reader_->status().ok()) return Fail(reader_->status());
        if (open_) {
          ++report_->lines;
          Status s =
              dead_->Add(Name(), first_line_, "the file ends inside an enclosed field", record_);
          if (!s.ok()) return Fail(s);
        }
        reader_.reset();
        ++file_;
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!open_) {
        record_.assign(line);
        first_line_ = reader_->line_number();
      } else {
        record_.push_back('\n');
        record_.append(line);
      }
      if (!SplitFields(record_, in_.format, &fields_, &enclosed_, &scratch_)) {
        open_ = true;
        continue;
      }
      open_ = false;
      if (record_.empty() && fields_.size() == 1) continue;  // Blank line.
      ++report_->lines;
      if (fields_.size() != cols_.size()) {
        Status s = dead_->Add(
            Name(), first_line_,
            std::to_string(fields_.size()) + " fields, expected " + std::to_string(cols_.size()),
            record_);
        if (!s.ok()) return Fail(s);
        continue;
      }
      Append();
    }
  }

 private:
  const std::string& Name() const {
    return in_.temp_file.empty() ? in_.files[file_] : o_.export_dir;
  }
  void Fail(const Status& s) {
    status_ = s;
    done_ = true;
  }
  void Append() {
    std::string& text = enc_->text;
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (i > 0) text.push_back('\t');
      const std::string_view f = fields_[i];
      bool is_null = false;
      if (!enclosed_[i]) {
        if (cols_[i]->is_string) {
          is_null = f == null_string_;
        } else if (o_.input_null_non_string) {
          is_null = f == *o_.input_null_non_string;
        } else {
          is_null = f == "null" || f.empty();
        }
      }
      if (is_null) {
        text += "\\N";
      } else {
        AppendCopyText(f, &text);
      }
    }
    text.push_back('\n');
    enc_->end.push_back(text.size());
    enc_->file.push_back(static_cast<uint32_t>(file_));
    enc_->line.push_back(first_line_);
    enc_->raw += record_;
    enc_->raw_end.push_back(enc_->raw.size());
  }

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

// "COPY t, line 12, column a: ..." → 12; 0 when absent.
uint64_t CopyLine(const std::string& context) {
  const size_t at = context.find(", line ");
  if (at == std::string::npos) return 0;
  return std::strtoull(context.c_str() + at + 7, nullptr, 10);
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

Status Validate(const ExportOptions& o) {
  if (auto url = ParseJdbcUrl(o.connection.connect); !url) return url.error();
  if (o.table.empty()) return Status::InvalidArgument("--table is required");
  if (o.export_dir.empty()) return Status::InvalidArgument("--export-dir is required");
  if (o.allow_insert && o.update_keys.empty()) {
    return Status::InvalidArgument("--update-mode allowinsert needs --update-key");
  }
  if (!o.staging_table.empty() && !o.update_keys.empty()) {
    return Status::InvalidArgument(
        "--staging-table cannot be used with --update-key (as in Sqoop)");
  }
  if (o.clear_staging_table && o.staging_table.empty()) {
    return Status::InvalidArgument("--clear-staging-table needs --staging-table");
  }
  if (o.input.fields_terminated_by == '\0' || o.input.fields_terminated_by == '\n') {
    return Status::InvalidArgument("--input-fields-terminated-by cannot be NUL or a newline");
  }
  return Status::OK();
}

}  // namespace

Result<ExportReport> Export(const ExportOptions& o) {
  SMARTCAR_RETURN_IF_ERROR(Validate(o));
  ExportReport report;
  auto conn_or = PgConnection::Connect(o.connection);
  if (!conn_or) return Err(conn_or.error());
  PgConnection& conn = **conn_or;
  auto target = conn.QualifiedName(o.table);
  if (!target) {
    if (target.error().IsNotFound()) {
      return Err(Status::InvalidArgument(target.error().message() +
                                         ": create it first (an export never creates tables)"));
    }
    return Err(target.error());
  }
  auto table_cols = conn.TableColumns(*target);
  if (!table_cols) return Err(table_cols.error());

  // The columns the fields fill, in order.
  std::vector<const PgColumn*> cols;
  if (o.columns.empty()) {
    for (const PgColumn& c : *table_cols) cols.push_back(&c);
  } else {
    for (const std::string& want : o.columns) {
      const PgColumn* hit = nullptr;
      for (const PgColumn& c : *table_cols) {
        if (c.name == want) hit = &c;
      }
      for (const PgColumn& c : *table_cols) {
        if (hit == nullptr && Lower(c.name) == Lower(want)) hit = &c;
      }
      if (hit == nullptr) {
        std::vector<std::string> names;
        for (const PgColumn& c : *table_cols) names.push_back(c.name);
        return Err(Status::InvalidArgument("--columns: " + want + " is not a column of " + *target +
                                           " (" + Join(names, ", ") + ")"));
      }
      cols.push_back(hit);
    }
  }
  Inputs in;
  const bool with_date = std::any_of(cols.begin(), cols.end(),
                                     [](const PgColumn* c) { return c->name == "wrk_date"; });
  SMARTCAR_RETURN_IF_ERROR(ResolveInputs(o, with_date, &in));
  std::vector<std::string> col_names;
  for (const PgColumn* c : cols) {
    col_names.push_back(conn.QuoteIdent(c->name));
  }
  std::vector<std::string> keys;
  for (const std::string& k : o.update_keys) {
    std::string name;
    for (const PgColumn* c : cols) {
      if (c->name == k || (name.empty() && Lower(c->name) == Lower(k))) name = c->name;
    }
    if (name.empty()) {
      return Err(
          Status::InvalidArgument("--update-key: " + k + " is not one of the exported columns"));
    }
    keys.push_back(name);
  }
  std::string staging;
  if (!o.staging_table.empty()) {
    auto s = conn.QualifiedName(o.staging_table);
    if (!s) {
      return Err(Status::InvalidArgument("--staging-table: " + s.error().message()));
    }
    staging = *s;
  }

  std::string dead_path = o.dead_letter_path;
  if (dead_path.empty()) {
    std::string safe = o.table;
    for (char& c : safe) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') c = '_';
    }
    dead_path = o.data_dir + "/dead-letter/sqoop-export-" + safe + ".txt";
  }
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  DeadLetters dead(dead_path, std::string("sqoop export --table ") + o.table + " --export-dir " +
                                  o.export_dir + " at " + stamp);

  Encoded enc;
  Encoder encoder(in, cols, o, &enc, &dead, &report);
  auto too_many_rejects = [&] {
    return Status::Aborted(std::to_string(dead.count()) + " lines rejected (more than " +
                           std::to_string(o.max_rejects) + "; first: " + dead.first() +
                           "); nothing exported; see " + dead.path());
  };

  if (o.idempotent) {
    auto created = conn.Exec("CREATE TABLE IF NOT EXISTS " + std::string(kLedgerTable) +
                             " (target_table text NOT NULL, source text NOT NULL, digest text "
                             "NOT NULL, row_count bigint NOT NULL, exported_at timestamptz NOT "
                             "NULL DEFAULT now(), PRIMARY KEY (target_table, source, digest))");
    if (!created) {
      // Two exports creating it at once: one wins; the other sees a duplicate and goes on.
      auto again = conn.Query("SELECT to_regclass($1)", {std::string(kLedgerTable)});
      if (!again || again->empty() || !(*again)[0][0]) return Err(created.error());
    }
  }

  const std::string cols_sql = "(" + Join(col_names, ", ") + ")";
  std::vector<bool> rejected;  // By record: refused by the database, not sent again.
  for (;;) {
    report.inserted = report.updated = 0;
    auto tx = conn.Exec("BEGIN");
    if (!tx) return Err(tx.error());
    auto rollback = [&] { (void)conn.Exec("ROLLBACK"); };
    std::string copy_target;
    if (!keys.empty()) {
      auto temp = conn.Exec("CREATE TEMP TABLE smartcar_sqoop_in ON COMMIT DROP AS SELECT " +
                            Join(col_names, ", ") + " FROM " + *target + " WITH NO DATA");
      if (!temp) {
        rollback();
        return Err(temp.error());
      }
      copy_target = "smartcar_sqoop_in";
    } else if (!staging.empty()) {
      if (o.clear_staging_table) {
        auto cleared = conn.Exec("DELETE FROM " + staging);
        if (!cleared) {
          rollback();
          return Err(cleared.error());
        }
      } else {
        auto any = conn.Query("SELECT 1 FROM " + staging + " LIMIT 1", {});
        if (!any) {
          rollback();
          return Err(any.error());
        }
        if (!any->empty()) {
          rollback();
          return Err(Status::InvalidArgument("--staging-table " + staging +
                                             " is not empty: empty it or add "
                                             "--clear-staging-table"));
        }
      }
      copy_target = staging;
    } else {
      copy_target = *target;
    }

    // Send every record not rejected, in chunks; sent[k] = record index of COPY line k+1. The
    // first attempt encodes each chunk just before sending it.
    std::vector<uint32_t> sent;
    sent.reserve(enc.end.size());
    size_t next = 0;
    uint64_t rows_sent = 0;
    std::string chunk;
    auto producer = [&](std::string_view* out) -> bool {
      while (!encoder.done() && next >= enc.end.size()) encoder.EncodeMore(kChunkBytes);
      if (next >= enc.end.size()) return false;
      if (rows_sent > 0 && o.on_progress) o.on_progress(rows_sent);
      rejected.resize(enc.end.size(), false);
      chunk.clear();
      while (next < enc.end.size() && chunk.size() < kChunkBytes) {
        const uint64_t begin = next == 0 ? 0 : enc.end[next - 1];
        if (!rejected[next]) {
          chunk.append(enc.text, begin, enc.end[next] - begin);
          sent.push_back(static_cast<uint32_t>(next));
          ++rows_sent;
        }
        ++next;
      }
      *out = chunk;
      return true;
    };
    PgError err;
    Status copied =
        conn.CopyIn("COPY " + copy_target + " " + cols_sql + " FROM STDIN", producer, &err);
    if (!encoder.status().ok()) {
      rollback();
      return Err(encoder.status());
    }
    if (dead.count() > o.max_rejects) {
      rollback();
      return Err(too_many_rejects());
    }
    if (!copied.ok()) {
      rollback();
      const uint64_t copy_line = CopyLine(err.context);
      if (copied.IsCorruption() && copy_line >= 1 && copy_line <= sent.size()) {
        const uint32_t rec = sent[copy_line - 1];
        rejected[rec] = true;
        const uint64_t begin = rec == 0 ? 0 : enc.raw_end[rec - 1];
        std::string raw = enc.raw.substr(begin, enc.raw_end[rec] - begin);
        const std::string& file = in.temp_file.empty() ? in.files[enc.file[rec]] : o.export_dir;
        std::string reason = err.message;
        if (const size_t col = err.context.find("column "); col != std::string::npos) {
          reason += " (" + err.context.substr(col) + ")";
        }
        SMARTCAR_RETURN_IF_ERROR(dead.Add(file, enc.line[rec], reason, raw));
        if (dead.count() > o.max_rejects) return Err(too_many_rejects());
        ++report.attempts;
        continue;
      }
      if (copied.IsIOError()) {
        return Err(Status::IOError(copied.message() +
                                   "; nothing was exported (the transaction rolled back)"));
      }
      return Err(copied);
    }
    const uint64_t good = rows_sent;
    // Every record is read now: the digest of the rows, and the ledger row in this transaction.
    if (report.digest.empty()) {
      Fnv64 digest;
      digest.Add(*target);
      digest.Add("\n");
      digest.Add(Join(col_names, ","));
      digest.Add("\n");
      digest.Add(Join(keys, ",") + (o.allow_insert ? "+insert" : ""));
      digest.Add("\n");
      digest.Add(enc.text);
      report.digest = digest.Hex();
    }
    if (o.idempotent) {
      auto added =
          conn.Exec("INSERT INTO " + std::string(kLedgerTable) +
                        " (target_table, source, digest, row_count) VALUES ($1, $2, $3, "
                        "$4) ON CONFLICT DO NOTHING",
                    {*target, o.export_dir, report.digest, std::to_string(enc.end.size())});
      if (!added) {
        rollback();
        return Err(added.error());
      }
      if (*added == 0) {  // An identical export committed before: write nothing.
        rollback();
        report.already_exported = true;
        report.rows = 0;
        break;
      }
    }
    Status finish;
    if (!keys.empty()) {
      std::vector<std::string> set, match;
      for (const PgColumn* c : cols) {
        const std::string q = conn.QuoteIdent(c->name);
        if (std::find(keys.begin(), keys.end(), c->name) == keys.end()) {
          set.push_back(q + " = s." + q);
        }
      }
      for (const std::string& k : keys) {
        match.push_back("t." + conn.QuoteIdent(k) + " = s." + conn.QuoteIdent(k));
      }
      if (!set.empty()) {
        auto updated = conn.Exec("UPDATE " + *target + " AS t SET " + Join(set, ", ") +
                                 " FROM smartcar_sqoop_in AS s WHERE " + Join(match, " AND "));
        if (!updated) finish = updated.error();
        if (updated) report.updated = *updated;
      }
      if (finish.ok() && o.allow_insert) {
        auto inserted = conn.Exec("INSERT INTO " + *target + " " + cols_sql + " SELECT " +
                                  Join(col_names, ", ") +
                                  " FROM smartcar_sqoop_in AS s WHERE NOT EXISTS (SELECT 1 FROM " +
                                  *target + " AS t WHERE " + Join(match, " AND ") + ")");
        if (!inserted) finish = inserted.error();
        if (inserted) report.inserted = *inserted;
      }
    } else if (!staging.empty()) {
      auto moved = conn.Exec("INSERT INTO " + *target + " " + cols_sql + " SELECT " +
                             Join(col_names, ", ") + " FROM " + staging);
      if (!moved) finish = moved.error();
      if (moved) report.inserted = *moved;
      if (finish.ok()) {
        auto emptied = conn.Exec("DELETE FROM " + staging);
        if (!emptied) finish = emptied.error();
      }
    } else {
      report.inserted = good;
    }
    if (finish.ok()) {
      auto committed = conn.Exec("COMMIT");
      if (!committed) finish = committed.error();
    }
    if (!finish.ok()) {
      rollback();
      if (finish.IsIOError()) {
        return Err(Status::IOError(finish.message() +
                                   "; nothing was exported (the transaction rolled back)"));
      }
      return Err(finish);
    }
    report.rows = report.inserted + report.updated;
    break;
  }
  report.rejects = dead.count();
  if (report.rejects > 0) {
    report.dead_letter_path = dead.path();
    report.first_reject = dead.first();
  }
  return report;
}

}  // namespace smartcar::rdbms

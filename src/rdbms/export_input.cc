// The input side of an export (export_input.h): the files to read, found from --export-dir or
// converted from a warehouse table, and the Encoder that turns their records into COPY text.
#include "rdbms/export_input.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/ascii.h"
#include "core/file.h"
#include "rdbms/delimited.h"
#include "warehouse/warehouse.h"

namespace smartcar::rdbms::export_internal {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHiveWarehouse = "/user/hive/warehouse/";

bool Hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.empty() || name[0] == '_' || name[0] == '.' ||
         (name.size() > 4 && name.compare(name.size() - 4, 4, ".crc") == 0);
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
    if (EqualsIgnoreAsciiCase(t, table_name)) found = t;
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

}  // namespace

Inputs::~Inputs() {
  if (!temp_file.empty()) ::unlink(temp_file.c_str());
}

// The files of `path` (one file, or every file below a folder) if it exists; NotFound if not.
static Status FilesOf(const ExportOptions& o, const fs::path& path, Inputs* in) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    in->files = {path.string()};
    return Status::OK();
  }
  if (!fs::is_directory(path, ec)) return Status::NotFound(path.string());
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
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

// An HDFS path as the data folder holds it (`smartcar hive` tables, the hdfs sink's output):
// "/a/b" or "hdfs://host:port/a/b" → <data>/hdfs/a/b. Empty for a relative path.
static std::string InDataHdfs(const ExportOptions& o) {
  const std::string_view path = HdfsPath(o.export_dir);
  if (path.empty() || path.front() != '/') return "";
  return HdfsPathInDataFolder(o.data_dir, path);
}

Status ResolveInputs(const ExportOptions& o, bool with_date, Inputs* in) {
  in->format = o.input;
  if (Status s = FilesOf(o, o.export_dir, in); !s.IsNotFound()) return s;
  // A Hive table's folder (`smartcar hive`), e.g. the pilot's
  // /user/hive/warehouse/managed_smartcar_symptom_info in <data>/hdfs.
  if (const std::string hdfs = InDataHdfs(o); !hdfs.empty()) {
    if (Status s = FilesOf(o, hdfs, in); !s.IsNotFound()) return s;
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

Status DeadLetters::Add(const std::string& file, uint64_t line, const std::string& reason,
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

void Fnv64::Add(std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
}

std::string Fnv64::Hex() const {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, h);
  return buf;
}

Encoder::Encoder(const Inputs& in, const std::vector<const PgColumn*>& cols, const ExportOptions& o,
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

void Encoder::EncodeMore(size_t bytes) {
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

const std::string& Encoder::Name() const {
  return in_.temp_file.empty() ? in_.files[file_] : o_.export_dir;
}

void Encoder::Fail(const Status& s) {
  status_ = s;
  done_ = true;
}

void Encoder::Append() {
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

}  // namespace smartcar::rdbms::export_internal

// PartitionStore: staging folders, commits by renameat2 (RENAME_NOREPLACE for a new partition,
// RENAME_EXCHANGE to swap out an old one) after fsyncing the staged files, drops by renaming the
// partition away first, and the per-table flock (TableLock).
#include "warehouse/partition_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/crash_point.h"
#include "core/event_time.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {
namespace {

constexpr std::string_view kPartitionPrefix = "wrk_date=";

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

Status FsyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open " + path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync " + path);
  return Status::OK();
}

// Fsyncs every file in `dir`, then `dir` itself.
Status FsyncTree(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) SMARTCAR_RETURN_IF_ERROR(FsyncPath(e.path().string(), false));
  }
  if (ec) return Status::IOError("list " + dir + ": " + ec.message());
  return FsyncPath(dir, true);
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir + ": " + ec.message());
  return Status::OK();
}

std::atomic<uint64_t> g_staging_counter{0};

}  // namespace

Status ValidateTableName(std::string_view table) {
  if (table.empty() || table.size() > 128 || !std::isalpha(static_cast<unsigned char>(table[0]))) {
    return Status::InvalidArgument("table name '" + std::string(table) +
                                   "' must start with a letter (then letters, digits, '_')");
  }
  for (char c : table) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return Status::InvalidArgument("table name '" + std::string(table) +
                                     "' may hold only letters, digits and '_'");
    }
  }
  return Status::OK();
}

Status ValidateDate(std::string_view date) {
  auto d = ParseDate8(date);
  if (!d) return Status::InvalidArgument("date: " + d.error().message());
  return Status::OK();
}

std::string PartitionStore::TableDir(std::string_view table) const {
  return root_ + "/" + std::string(table);
}

std::string PartitionStore::PartitionDir(std::string_view table, std::string_view date) const {
  return TableDir(table) + "/" + std::string(kPartitionPrefix) + std::string(date);
}

std::string PartitionStore::Glob(std::string_view table) const {
  return TableDir(table) + "/" + std::string(kPartitionPrefix) + "*/*.parquet";
}

std::string PartitionStore::RejectsPath(std::string_view table, std::string_view date) const {
  return root_ + "/_rejects/" + std::string(table) + "/" + std::string(kPartitionPrefix) +
         std::string(date) + ".txt";
}

Result<std::string> PartitionStore::NewStagingDir(std::string_view table, std::string_view date) {
  const std::string base = root_ + "/_staging";
  if (Status s = MakeDirs(base); !s.ok()) return Err(s);
  const std::string dir = base + "/" + std::string(table) + "." + std::string(date) + "." +
                          std::to_string(::getpid()) + "." +
                          std::to_string(g_staging_counter.fetch_add(1));
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!fs::create_directory(dir, ec) || ec) {
    return Err(Status::IOError("create " + dir + ": " + ec.message()));
  }
  return dir;
}

void PartitionStore::CleanStaging(std::string_view table) {
  const std::string prefix = std::string(table) + ".";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_ + "/_staging", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) fs::remove_all(e.path(), ec);
  }
}

Status PartitionStore::Commit(std::string_view table, std::string_view date,
                              const std::string& staged) {
  SMARTCAR_RETURN_IF_ERROR(FsyncTree(staged));
  const std::string table_dir = TableDir(table);
  SMARTCAR_RETURN_IF_ERROR(MakeDirs(table_dir));
  const std::string target = PartitionDir(table, date);
  TEST_MaybeCrashAt("before-commit");
  if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno != EEXIST) return Errno("rename " + staged + " -> " + target);
    // An old partition exists: swap the two folders in one step, then delete the old one (which
    // now sits at the staging path).
    if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      return Errno("swap " + staged + " <-> " + target);
    }
    TEST_MaybeCrashAt("after-exchange");
    std::error_code ec;
    fs::remove_all(staged, ec);
  }
  return FsyncPath(table_dir, true);
}

Status PartitionStore::Drop(std::string_view table, std::string_view date) {
  const std::string target = PartitionDir(table, date);
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    return Status::NotFound("table " + std::string(table) +
                            " has no partition wrk_date=" + std::string(date));
  }
  auto trash = NewStagingDir(table, date);
  if (!trash) return trash.error();
  fs::remove(*trash, ec);
  if (::rename(target.c_str(), trash->c_str()) != 0) return Errno("rename " + target);
  SMARTCAR_RETURN_IF_ERROR(FsyncPath(TableDir(table), true));
  fs::remove_all(*trash, ec);
  fs::remove(RejectsPath(table, date), ec);
  return Status::OK();
}

Result<std::string> PartitionStore::SetAside(std::string_view table, std::string_view date) {
  const std::string target = PartitionDir(table, date);
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    return Err(Status::NotFound("table " + std::string(table) +
                                " has no partition wrk_date=" + std::string(date)));
  }
  const std::string lost = root_ + "/_lost/" + std::string(table);
  if (Status s = MakeDirs(lost); !s.ok()) return Err(s);
  std::string to = lost + "/" + std::string(kPartitionPrefix) + std::string(date);
  for (int n = 1; fs::exists(to, ec); ++n) {
    to = lost + "/" + std::string(kPartitionPrefix) + std::string(date) + "." + std::to_string(n);
  }
  if (::rename(target.c_str(), to.c_str()) != 0)
    return Err(Errno("rename " + target + " -> " + to));
  if (Status s = FsyncPath(TableDir(table), true); !s.ok()) return Err(s);
  return to;
}

std::vector<std::string> PartitionStore::Files(std::string_view table,
                                               std::string_view date) const {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(PartitionDir(table, date), ec)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> PartitionStore::ListDates(std::string_view table) const {
  std::vector<std::string> dates;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(TableDir(table), ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory() || name.rfind(kPartitionPrefix, 0) != 0) continue;
    std::string date = name.substr(kPartitionPrefix.size());
    if (ValidateDate(date).ok()) dates.push_back(std::move(date));
  }
  std::sort(dates.begin(), dates.end());
  return dates;
}

std::vector<std::string> PartitionStore::ListTables() const {
  std::vector<std::string> tables;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && ValidateTableName(name).ok()) tables.push_back(name);
  }
  std::sort(tables.begin(), tables.end());
  return tables;
}

Result<FileLock> LockTable(const std::string& root, std::string_view table) {
  return FileLock::Acquire(root + "/_locks/" + std::string(table) + ".lock");
}

}  // namespace smartcar::warehouse

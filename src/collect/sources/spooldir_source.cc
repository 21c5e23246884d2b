// The spooldir source (Flume's Spooling Directory Source): one finished file at a time in
// modification-time order; a tracker file keeps the committed offset so a restart resumes
// mid-file, and a fully committed file is renamed (fileSuffix, .COMPLETED) or deleted.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re2/re2.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "collect/sources/line_reader.h"
#include "collect/sources/sources.h"

namespace smartcar::collect {
namespace {

namespace fs = std::filesystem;

// Reads one spool file at a time. The tracker file (`<trackerDir>/.smartcar-spool.pos`) holds
// "<name>\t<committed byte offset>\t<committed line>" of the file in progress, so a restart
// resumes after the last committed batch instead of re-reading the file.
class SpoolDirSource final : public Source {
 public:
  struct Options {
    std::string dir;
    std::string completed_suffix = ".COMPLETED";
    bool delete_immediately = false;
    std::unique_ptr<RE2> include, ignore;
    bool youngest_first = false;
    bool file_header = false;
    std::string file_header_key = "file";
    bool basename_header = false;
    std::string basename_header_key = "basename";
    std::string tracker;
  };

  explicit SpoolDirSource(Options o) : o_(std::move(o)) {}
  ~SpoolDirSource() override { CloseCurrent(); }

  Status Init() {
    std::error_code ec;
    fs::create_directories(fs::path(o_.tracker).parent_path(), ec);
    std::ifstream in(o_.tracker);
    std::string name;
    if (in && std::getline(in, name, '\t') && in >> committed_pos_ >> committed_line_)
      resume_name_ = name;
    return Status::OK();
  }

  Status Next(size_t max, EventBatch* batch) override {
    batch->clear();
    if (fd_ < 0) {
      SMARTCAR_RETURN_IF_ERROR(OpenNext());
      if (fd_ < 0) return Status::OK();  // Nothing to read.
    }
    SMARTCAR_RETURN_IF_ERROR(CheckUnchanged());
    LinesRead read;
    Status s = ReadLinesAt(fd_, path_, read_pos_, size_, max, /*final_line_ok=*/true, read_pos_,
                           read_line_, &buf_, &read, [&](std::string_view body) {
                             Event& e = batch->emplace_back();
                             e.body.assign(body);
                             e.file = &path_;
                             e.line = ++read_line_;
                             if (o_.file_header) e.set_header(o_.file_header_key, path_);
                             if (o_.basename_header) e.set_header(o_.basename_header_key, name_);
                           });
    read_pos_ += read.bytes;
    return s;
  }

  Status Commit() override {
    if (fd_ < 0) return Status::OK();
    committed_pos_ = read_pos_;
    committed_line_ = read_line_;
    if (committed_pos_ >= size_) return FinishCurrent();
    return WriteTracker(name_);
  }

  Status Rollback() override {
    read_pos_ = committed_pos_;
    read_line_ = committed_line_;
    return Status::OK();
  }

  bool Idle() override {
    if (fd_ >= 0) return false;
    return Candidates().empty();
  }

  uint64_t LagBytes() override { return fd_ >= 0 ? size_ - committed_pos_ : 0; }

 private:
  std::vector<fs::directory_entry> Candidates() {
    std::vector<fs::directory_entry> out;
    std::error_code ec;
    for (const auto& ent : fs::directory_iterator(o_.dir, ec)) {
      const std::string name = ent.path().filename().string();
      if (!ent.is_regular_file() || name.empty() || name[0] == '.') continue;
      if (name.size() >= o_.completed_suffix.size() &&
          name.compare(name.size() - o_.completed_suffix.size(), o_.completed_suffix.size(),
                       o_.completed_suffix) == 0) {
        continue;
      }
      if (!RE2::FullMatch(name, *o_.include) || RE2::FullMatch(name, *o_.ignore)) continue;
      out.push_back(ent);
    }
    std::sort(out.begin(), out.end(),
              [this](const fs::directory_entry& a, const fs::directory_entry& b) {
                std::error_code e1, e2;
                const auto ta = a.last_write_time(e1), tb = b.last_write_time(e2);
                if (ta != tb) return o_.youngest_first ? ta > tb : ta < tb;
                return a.path() < b.path();
              });
    return out;
  }

  Status OpenNext() {
    auto files = Candidates();
    if (files.empty()) return Status::OK();
    // A file in progress before a restart goes first.
    fs::directory_entry pick = files.front();
    bool resuming = false;
    for (const auto& f : files) {
      if (!resume_name_.empty() && f.path().filename().string() == resume_name_) {
        pick = f;
        resuming = true;
      }
    }
    path_ = pick.path().string();
    name_ = pick.path().filename().string();
    fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::IOError("cannot open '" + path_ + "': " + std::strerror(errno));
    struct stat st;
    fstat(fd_, &st);
    size_ = static_cast<uint64_t>(st.st_size);
    mtime_ns_ = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    if (!resuming) committed_pos_ = committed_line_ = 0;
    if (committed_pos_ > size_) {
      return Status::Corruption("spool file '" + path_ +
                                "' is shorter than when it was last read; it was changed");
    }
    resume_name_.clear();
    read_pos_ = committed_pos_;
    read_line_ = committed_line_;
    if (size_ == 0) return FinishCurrent();
    return Status::OK();
  }

  Status CheckUnchanged() {
    struct stat st;
    if (fstat(fd_, &st) != 0) return Status::IOError("cannot stat '" + path_ + "'");
    const int64_t mtime =
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    if (static_cast<uint64_t>(st.st_size) != size_ || mtime != mtime_ns_) {
      return Status::Corruption(
          "spool file '" + path_ +
          "' changed while being read; spool folders take finished files only "
          "(write elsewhere, then move the file in)");
    }
    return Status::OK();
  }

  Status FinishCurrent() {
    SMARTCAR_RETURN_IF_ERROR(CheckUnchanged());
    if (o_.delete_immediately) {
      if (unlink(path_.c_str()) != 0)
        return Status::IOError("cannot delete '" + path_ + "': " + std::strerror(errno));
    } else if (std::rename(path_.c_str(), (path_ + o_.completed_suffix).c_str()) != 0) {
      return Status::IOError("cannot rename '" + path_ + "' to '" + path_ + o_.completed_suffix +
                             "': " + std::strerror(errno));
    }
    CloseCurrent();
    committed_pos_ = committed_line_ = 0;
    return WriteTracker("");
  }

  void CloseCurrent() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  Status WriteTracker(const std::string& name) {
    const std::string tmp = o_.tracker + ".tmp";
    const std::string text = name + "\t" + std::to_string(committed_pos_) + "\t" +
                             std::to_string(committed_line_) + "\n";
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IOError("cannot write '" + tmp + "': " + std::strerror(errno));
    const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    fdatasync(fd) == 0;
    close(fd);
    if (!ok || std::rename(tmp.c_str(), o_.tracker.c_str()) != 0) {
      return Status::IOError("cannot write '" + o_.tracker + "': " + std::strerror(errno));
    }
    return Status::OK();
  }

  Options o_;
  int fd_ = -1;
  std::string path_, name_, resume_name_;
  uint64_t size_ = 0;
  int64_t mtime_ns_ = 0;
  uint64_t read_pos_ = 0, read_line_ = 0, committed_pos_ = 0, committed_line_ = 0;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Source>> MakeSpoolDirSource(ComponentParams* p, const SourceEnv& env) {
  SpoolDirSource::Options o;
  auto dir = p->RequiredString("spoolDir");
  if (!dir) return Err(dir.error());
  o.dir = *dir;
  if (!fs::is_directory(o.dir)) return Err(p->Error("spoolDir", "'" + o.dir + "' is not a folder"));
  o.completed_suffix = p->String("fileSuffix", ".COMPLETED");
  auto policy = p->Enum("deletePolicy", "never", {"never", "immediate"});
  if (!policy) return Err(policy.error());
  o.delete_immediately = *policy == "immediate";
  const std::string include = p->String("includePattern", "^.*$");
  const std::string ignore = p->String("ignorePattern", "^$");
  o.include = std::make_unique<RE2>(include, RE2::Quiet);
  o.ignore = std::make_unique<RE2>(ignore, RE2::Quiet);
  if (!o.include->ok())
    return Err(p->Error("includePattern", "not a valid regular expression: " + o.include->error()));
  if (!o.ignore->ok())
    return Err(p->Error("ignorePattern", "not a valid regular expression: " + o.ignore->error()));
  auto order = p->Enum("consumeOrder", "oldest", {"oldest", "youngest", "random"});
  if (!order) return Err(order.error());
  o.youngest_first = *order == "youngest";
  auto fh = p->Bool("fileHeader", false);
  auto bh = p->Bool("basenameHeader", false);
  if (!fh) return Err(fh.error());
  if (!bh) return Err(bh.error());
  o.file_header = *fh;
  o.basename_header = *bh;
  o.file_header_key = p->String("fileHeaderKey", "file");
  o.basename_header_key = p->String("basenameHeaderKey", "basename");
  std::string tracker_dir = p->String("trackerDir", ".flumespool");
  if (tracker_dir.empty() || tracker_dir[0] != '/')
    tracker_dir = (fs::path(o.dir) / tracker_dir).string();
  o.tracker = (fs::path(tracker_dir) / ".smartcar-spool.pos").string();
  (void)env;
  auto src = std::make_unique<SpoolDirSource>(std::move(o));
  SMARTCAR_RETURN_IF_ERROR(src->Init());
  return std::unique_ptr<Source>(std::move(src));
}

}  // namespace smartcar::collect

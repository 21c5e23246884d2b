// The TAILDIR source (Flume's TaildirSource): follows the files its filegroups match by inode,
// so a rotated (renamed) file is read to its end; a truncated file restarts at 0, a partial last
// line waits for its newline, and the JSON position file is rewritten by rename once
// writePosInterval has passed since its last write (after a commit, or while waiting for input)
// and when the source closes.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include "collect/sources/line_reader.h"
#include "collect/sources/sources.h"
#include "core/dir_watch.h"
#include "core/file.h"
#include "core/folder_stamp.h"
#include "core/json_integer.h"

namespace smartcar::collect {
namespace {

struct FileGroup {
  std::string dir;
  std::unique_ptr<RE2> name_pattern;  // Matched against the whole file name.
  FolderStamp listed;  // The folder when it was last listed in full; empty until then.
};

// One followed file, identified by inode (its name may change on rotation).
struct TailedFile {
  uint64_t inode = 0;
  std::string path;
  int fd = -1;
  uint64_t committed_pos = 0, committed_line = 0;
  uint64_t read_pos = 0, read_line = 0;
  uint64_t size = 0;
  bool present = true;  // Still matched by a file group (by inode) at the last scan.
  ~TailedFile() {
    if (fd >= 0) close(fd);
  }
};

class TaildirSource final : public Source {
 public:
  TaildirSource(std::vector<FileGroup> groups, std::string position_file, bool file_header,
                std::string file_header_key, bool skip_to_end, int64_t write_pos_interval_ms,
                bool cache_pattern_matching)
      : groups_(std::move(groups)),
        position_file_(std::move(position_file)),
        file_header_(file_header),
        file_header_key_(std::move(file_header_key)),
        skip_to_end_(skip_to_end),
        write_pos_interval_(std::chrono::milliseconds(write_pos_interval_ms)),
        cache_pattern_matching_(cache_pattern_matching) {}
  // Closing writes what was committed since the last write. No one to tell if that fails: the
  // file then holds an older position, as after a crash.
  ~TaildirSource() override {
    if (positions_unwritten_) (void)WritePositions();
  }
  Status Init() {
    auto text = ReadFileToString(position_file_, "position file");
    if (!text) return text.error().IsNotFound() ? Status::OK() : text.error();  // OK: first run.
    return LoadPositions(*text, "position file '" + position_file_ + "'");
  }

  // Waits for a change in a file group's folder (a line appended, a file created or renamed
  // into it), as `tail -F` does; polls every `poll_ms` where inotify is not available.
  // Commits since the last write reach the position file once `writePosInterval` has passed,
  // as Flume's timer writes it: the wait ends by then. (Writing it on every idle moment cost
  // a file creation per line batch at the pilot's trickle of 100 lines a second.)
  void WaitForInput(int64_t poll_ms) override {
    const auto now = std::chrono::steady_clock::now();
    if (positions_unwritten_ && now - last_write_ >= write_pos_interval_) (void)WritePositions();
    int64_t wait_ms = kNotifiedWaitMs;
    // Until the next write is due (after a failed one, the usual wait: no retry every 1 ms).
    if (positions_unwritten_ && now - last_write_ < write_pos_interval_) {
      const auto due =
          std::chrono::ceil<std::chrono::milliseconds>(last_write_ + write_pos_interval_ - now);
      wait_ms = std::clamp<int64_t>(due.count(), 1, wait_ms);
    }
    if (watch_ == nullptr) watch_ = std::make_unique<DirWatch>(DirWatch::kEveryWrite);
    bool watched = false;
    // Again every time: a folder may have been created (or replaced) since.
    for (const FileGroup& g : groups_) watched |= watch_->Add(g.dir);
    if (!watched) {
      Source::WaitForInput(std::min(poll_ms, wait_ms));
      return;
    }
    (void)watch_->Wait(static_cast<int>(wait_ms));
  }

  std::string PendingPosition() override { return PositionsJson(/*committed=*/false); }

  // Forward only: a file's position moves to the stored one when that is further on (a batch
  // whose lines were all filtered out was committed without being stored with a position).
  Status RestorePosition(const std::string& position) override {
    std::map<uint64_t, std::unique_ptr<TailedFile>> current = std::move(files_);
    SMARTCAR_RETURN_IF_ERROR(LoadPositions(position, "stored position"));
    for (auto& [inode, f] : current) {
      auto it = files_.find(inode);
      if (it == files_.end()) {
        files_[inode] = std::move(f);
      } else if (it->second->committed_pos < f->committed_pos) {
        it->second = std::move(f);
      }
    }
    return WritePositions();
  }

  Status Next(size_t max, EventBatch* batch) override {
    batch->clear();
    SMARTCAR_RETURN_IF_ERROR(Scan());
    for (auto& [inode, f] : files_) {
      if (batch->size() >= max) break;
      SMARTCAR_RETURN_IF_ERROR(ReadLines(f.get(), max, batch));
    }
    return Status::OK();
  }

  Status Commit() override {
    for (auto& [inode, f] : files_) {
      f->committed_pos = f->read_pos;
      f->committed_line = f->read_line;
    }
    // Forget files that were rotated away and are fully committed.
    for (auto it = files_.begin(); it != files_.end();) {
      TailedFile& f = *it->second;
      if (!f.present && f.committed_pos >= f.size && f.fd >= 0) {
        it = files_.erase(it);
      } else {
        ++it;
      }
    }
    // Flume's writePosInterval: rewriting the file by rename on every commit made ext4 write the
    // new file out at once (its rename-over flush), a sixth of the collector's CPU. A process
    // crash before the next write only takes the file back to an older position: re-read lines
    // that the log sink's stored position (see RestorePosition) skips.
    positions_unwritten_ = true;
    if (std::chrono::steady_clock::now() - last_write_ < write_pos_interval_) return Status::OK();
    return WritePositions();
  }

  Status Rollback() override {
    for (auto& [inode, f] : files_) {
      f->read_pos = f->committed_pos;
      f->read_line = f->committed_line;
    }
    return Status::OK();
  }

  bool Idle() override {
    if (!Scan().ok()) return false;
    for (auto& [inode, f] : files_) {
      if (f->fd >= 0 && (f->read_pos < f->size || f->committed_pos != f->read_pos)) return false;
    }
    return true;
  }

  uint64_t LagBytes() override {
    uint64_t lag = 0;
    for (auto& [inode, f] : files_) {
      if (f->size > f->committed_pos) lag += f->size - f->committed_pos;
    }
    return lag;
  }

 private:
  // True when no file group's folder gained, lost or renamed a file since it was listed.
  bool ListingCurrent() const {
    if (!cache_pattern_matching_) return false;
    for (const FileGroup& g : groups_) {
      if (!g.listed.Unchanged(g.dir)) return false;
    }
    return true;
  }

  // Finds matching files, opens new ones, follows renames, notices truncation.
  Status Scan() {
    if (!ListingCurrent()) SMARTCAR_RETURN_IF_ERROR(ListFolders());
    recovered_ = false;
    for (auto it = files_.begin(); it != files_.end();) {
      TailedFile& f = *it->second;
      if (f.fd < 0) {  // Known from the position file but gone: forget it.
        it = files_.erase(it);
        continue;
      }
      struct stat st;
      if (fstat(f.fd, &st) == 0) {
        const uint64_t size = static_cast<uint64_t>(st.st_size);
        if (size < f.read_pos || size < f.committed_pos) {  // Truncated: start over.
          f.read_pos = f.committed_pos = 0;
          f.read_line = f.committed_line = 0;
        }
        f.size = size;
      }
      ++it;
    }
    return Status::OK();
  }

  // Lists every file group's folder: which files match (by inode), opening new ones.
  Status ListFolders() {
    for (auto& [inode, f] : files_) f->present = false;
    for (FileGroup& g : groups_) {
      g.listed = FolderStamp();  // Until this listing has opened every file it found.
      FolderStamp stamp = FolderStamp::Take(g.dir);
      DIR* d = opendir(g.dir.c_str());
      if (d == nullptr) continue;  // The folder may appear later.
      while (dirent* ent = readdir(d)) {
        const std::string name = ent->d_name;
        if (name == "." || name == ".." || !RE2::FullMatch(name, *g.name_pattern)) continue;
        const std::string path = (std::filesystem::path(g.dir) / name).string();
        struct stat st;
        if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        const uint64_t inode = st.st_ino;
        auto it = files_.find(inode);
        if (it == files_.end()) {
          auto f = std::make_unique<TailedFile>();
          f->inode = inode;
          if (skip_to_end_ && !recovered_)
            f->committed_pos = f->read_pos = static_cast<uint64_t>(st.st_size);
          it = files_.emplace(inode, std::move(f)).first;
        }
        TailedFile& f = *it->second;
        f.path = path;
        f.present = true;
        if (f.fd < 0) {
          f.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
          if (f.fd < 0) {
            closedir(d);
            return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
          }
        }
      }
      closedir(d);
      g.listed = stamp;
    }
    return Status::OK();
  }

  Status ReadLines(TailedFile* f, size_t max, EventBatch* batch) {
    if (batch->size() >= max) return Status::OK();
    LinesRead read;
    Status s = ReadLinesAt(f->fd, f->path, f->read_pos, f->size, max - batch->size(),
                           /*final_line_ok=*/false, f->read_pos, f->read_line, &buf_, &read,
                           [&](std::string_view body) {
                             Event& e = batch->emplace_back();
                             e.body.assign(body);
                             e.file = &f->path;
                             e.line = ++f->read_line;
                             if (file_header_) e.set_header(file_header_key_, f->path);
                           });
    f->read_pos += read.bytes;
    return s;
  }

  // Replaces every file's position with those of `text` (the position file's JSON).
  Status LoadPositions(const std::string& text, const std::string& what) {
    std::map<uint64_t, std::unique_ptr<TailedFile>> files;
    try {
      const auto j = nlohmann::json::parse(text);
      for (const auto& rec : j) {
        auto f = std::make_unique<TailedFile>();
        f->inode = JsonIntegerOrThrow<uint64_t>(rec.at("inode"), "inode");
        f->committed_pos = f->read_pos = JsonIntegerOrThrow<uint64_t>(rec.at("pos"), "pos");
        f->committed_line = f->read_line =
            rec.contains("line") ? JsonIntegerOrThrow<uint64_t>(rec.at("line"), "line") : 0;
        f->path = rec.at("file").get<std::string>();
        f->present = false;
        files[f->inode] = std::move(f);
      }
    } catch (const std::exception& e) {
      return Status::Corruption(what + " is not valid: " + e.what());
    }
    files_ = std::move(files);
    recovered_ = true;
    return Status::OK();
  }

  // The positions as the position file holds them: committed ones, or those after the last
  // batch read.
  std::string PositionsJson(bool committed) const {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& [inode, f] : files_) {
      j.push_back({{"inode", f->inode},
                   {"pos", committed ? f->committed_pos : f->read_pos},
                   {"line", committed ? f->committed_line : f->read_line},
                   {"file", f->path}});
    }
    return j.dump();
  }

  Status WritePositions() {
    const std::string text = PositionsJson(/*committed=*/true);
    const std::string tmp = position_file_ + ".tmp";
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      return Status::IOError("cannot write position file '" + tmp + "': " + std::strerror(errno));
    // No fsync: a process crash keeps what was written (the OS has it); a machine crash can
    // only take the file back to an older position, which re-reads lines (duplicates), never
    // skips any. Syncing every commit would cap throughput at the disk's sync rate.
    const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    if (!ok || std::rename(tmp.c_str(), position_file_.c_str()) != 0) {
      return Status::IOError("cannot write position file '" + position_file_ +
                             "': " + std::strerror(errno));
    }
    positions_unwritten_ = false;
    last_write_ = std::chrono::steady_clock::now();
    return Status::OK();
  }

  std::vector<FileGroup> groups_;
  std::string position_file_;
  bool file_header_;
  std::string file_header_key_;
  bool skip_to_end_;
  const std::chrono::steady_clock::duration write_pos_interval_;
  const bool cache_pattern_matching_;
  std::chrono::steady_clock::time_point last_write_{};
  bool positions_unwritten_ = false;  // Commits since the position file was last written.
  bool recovered_ = false;
  std::map<uint64_t, std::unique_ptr<TailedFile>> files_;
  std::string buf_;
  static constexpr int kNotifiedWaitMs = 250;
  std::unique_ptr<DirWatch> watch_;  // Made at the first wait.
};

// A file group of `pattern`, or why not ("'x[' is not a valid regular expression: ...").
Result<FileGroup> CompileFileGroup(const std::string& pattern) {
  // Flume: the folder part is literal, the file-name part a regular expression.
  const std::filesystem::path full(pattern);
  FileGroup group;
  group.dir = full.parent_path().string();
  group.name_pattern = std::make_unique<RE2>(full.filename().string(), RE2::Quiet);
  if (!group.name_pattern->ok()) {
    return Err(Status::InvalidArgument(
        "'" + full.filename().string() +
        "' is not a valid regular expression: " + group.name_pattern->error()));
  }
  return group;
}

Result<std::unique_ptr<Source>> OpenTaildir(std::vector<FileGroup> groups, const TaildirOptions& o,
                                            const SourceEnv& env) {
  std::string position = o.position_file;
  if (!position.empty() && position[0] != '/')
    position = (std::filesystem::path(env.data_dir) / position).string();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(position).parent_path(), ec);
  auto src = std::make_unique<TaildirSource>(std::move(groups), position, o.file_header,
                                             o.file_header_key, o.skip_to_end,
                                             o.write_pos_interval_ms, o.cache_pattern_matching);
  SMARTCAR_RETURN_IF_ERROR(src->Init());
  return std::unique_ptr<Source>(std::move(src));
}

}  // namespace

Result<std::unique_ptr<Source>> NewTaildirSource(const TaildirOptions& options,
                                                 const SourceEnv& env) {
  std::vector<FileGroup> groups;
  for (const std::string& pattern : options.file_patterns) {
    auto group = CompileFileGroup(pattern);
    if (!group) return Err(group.error().WithPrefix("file pattern '" + pattern + "': "));
    groups.push_back(std::move(*group));
  }
  return OpenTaildir(std::move(groups), options, env);
}

Result<std::unique_ptr<Source>> MakeTaildirSource(ComponentParams* p, const SourceEnv& env) {
  auto names = p->RequiredString("filegroups");
  if (!names) return Err(names.error());
  TaildirOptions o;
  std::vector<FileGroup> groups;
  std::istringstream ss(*names);
  std::string g;
  while (ss >> g) {
    auto pattern = p->RequiredString("filegroups." + g);
    if (!pattern) return Err(pattern.error());
    auto group = CompileFileGroup(*pattern);
    if (!group) return Err(p->Error("filegroups." + g, group.error().message()));
    groups.push_back(std::move(*group));
  }
  o.position_file = p->String("positionFile", o.position_file);
  auto file_header = p->Bool("fileHeader", false);
  if (!file_header) return Err(file_header.error());
  auto skip = p->Bool("skipToEnd", false);
  if (!skip) return Err(skip.error());
  o.file_header = *file_header;
  o.file_header_key = p->String("fileHeaderKey", o.file_header_key);
  o.skip_to_end = *skip;
  auto interval = p->Int("writePosInterval", o.write_pos_interval_ms, 0, 86'400'000);
  if (!interval) return Err(interval.error());
  o.write_pos_interval_ms = *interval;
  auto cache = p->Bool("cachePatternMatching", o.cache_pattern_matching);
  if (!cache) return Err(cache.error());
  o.cache_pattern_matching = *cache;
  return OpenTaildir(std::move(groups), o, env);
}

}  // namespace smartcar::collect

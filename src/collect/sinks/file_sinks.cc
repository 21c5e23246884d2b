// logger, file_roll and hdfs sinks.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>

#include "collect/sinks/sinks.h"
#include "core/clock.h"
#include "core/event_time.h"
#include "core/file.h"

namespace smartcar::collect {
namespace {

namespace fs = std::filesystem;

Status WriteAllAndSync(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot write '" + path + "': " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  if (fdatasync(fd) != 0)
    return Status::IOError("cannot sync '" + path + "': " + std::strerror(errno));
  return Status::OK();
}

class LoggerSink final : public Sink {
 public:
  LoggerSink(std::string name, std::FILE* out, size_t max_body)
      : Sink(std::move(name)), out_(out), max_body_(max_body) {}
  Status Deliver(const EventBatch& batch) override {
    for (const Event& e : batch) {
      std::string h;
      for (const auto& [k, v] : e.headers) h += (h.empty() ? "" : ", ") + k + "=" + v;
      std::fprintf(out_, "Event: { headers:{%s} body: %.*s }\n", h.c_str(),
                   static_cast<int>(std::min(e.body.size(), max_body_)), e.body.data());
    }
    std::fflush(out_);
    return Status::OK();
  }

 private:
  std::FILE* out_;
  size_t max_body_;
};

class FileRollSink final : public Sink {
 public:
  FileRollSink(std::string name, std::string dir, int64_t roll_ms)
      : Sink(std::move(name)), dir_(std::move(dir)), roll_ms_(roll_ms) {}
  ~FileRollSink() override { (void)Close(); }

  Status Deliver(const EventBatch& batch) override {
    const int64_t now = WallClockMs();
    if (fd_ >= 0 && roll_ms_ > 0 && now - opened_ms_ >= roll_ms_) SMARTCAR_RETURN_IF_ERROR(Close());
    if (fd_ < 0) {
      std::error_code ec;
      fs::create_directories(dir_, ec);
      path_ = (fs::path(dir_) / (std::to_string(now) + "-" + std::to_string(++counter_))).string();
      fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd_ < 0) return Status::IOError("cannot open '" + path_ + "': " + std::strerror(errno));
      opened_ms_ = now;
    }
    std::string data;
    for (const Event& e : batch) (data += e.body) += '\n';
    return WriteAllAndSync(fd_, data, path_);
  }

  Status Close() override {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return Status::OK();
  }

 private:
  std::string dir_;
  int64_t roll_ms_;
  int fd_ = -1;
  std::string path_;
  int64_t opened_ms_ = 0;
  uint64_t counter_ = 0;
};

// One open in-use file of the hdfs sink (per expanded path).
struct BucketFile {
  int fd = -1;
  std::string tmp_path, final_path;
  int64_t opened_ms = 0, last_write_ms = 0;
  uint64_t events = 0, bytes = 0;
};

class HdfsSink final : public Sink {
 public:
  struct Options {
    std::string root;  // <data_dir>/hdfs
    std::string path, prefix = "FlumeData", suffix, in_use_suffix = ".tmp";
    int64_t roll_interval_ms = 30000, roll_count = 10, roll_size = 1024, idle_timeout_ms = 0;
    bool use_local_time = false;
  };
  HdfsSink(std::string name, Options o) : Sink(std::move(name)), o_(std::move(o)) {}
  ~HdfsSink() override { (void)Close(); }

  Status Deliver(const EventBatch& batch) override {
    const int64_t now = WallClockMs();
    std::map<std::string, std::string> data;  // Expanded folder → bytes.
    std::map<std::string, uint64_t> counts;
    for (const Event& e : batch) {
      int64_t ms = now;
      const std::string* ts = e.header("timestamp");
      if (!o_.use_local_time && ts != nullptr)
        std::from_chars(ts->data(), ts->data() + ts->size(), ms);
      const std::string dir = ExpandFlumeEscapes(o_.path, e, ms);
      (data[dir] += e.body) += '\n';
      ++counts[dir];
    }
    for (auto& [dir, bytes] : data) {
      BucketFile& f = files_[dir];
      if (f.fd < 0)
        SMARTCAR_RETURN_IF_ERROR(OpenBucket(dir, batch.empty() ? Event() : batch.front(), now, &f));
      SMARTCAR_RETURN_IF_ERROR(WriteAllAndSync(f.fd, bytes, f.tmp_path));
      f.events += counts[dir];
      f.bytes += bytes.size();
      f.last_write_ms = now;
      if ((o_.roll_count > 0 && f.events >= static_cast<uint64_t>(o_.roll_count)) ||
          (o_.roll_size > 0 && f.bytes >= static_cast<uint64_t>(o_.roll_size))) {
        SMARTCAR_RETURN_IF_ERROR(Roll(&f));
      }
    }
    // Time-based rolls for every open file.
    for (auto& [dir, f] : files_) {
      if (f.fd < 0) continue;
      if ((o_.roll_interval_ms > 0 && now - f.opened_ms >= o_.roll_interval_ms) ||
          (o_.idle_timeout_ms > 0 && now - f.last_write_ms >= o_.idle_timeout_ms)) {
        SMARTCAR_RETURN_IF_ERROR(Roll(&f));
      }
    }
    return Status::OK();
  }

  Status Close() override {
    Status first;
    for (auto& [dir, f] : files_) {
      Status s = Roll(&f);
      if (first.ok()) first = s;
    }
    return first;
  }

 private:
  Status OpenBucket(const std::string& dir, const Event& e, int64_t now, BucketFile* f) {
    const fs::path folder = fs::path(o_.root) / fs::path(dir).relative_path();
    SMARTCAR_RETURN_IF_ERROR(CreateFolders(folder.string()));
    const std::string base = ExpandFlumeEscapes(o_.prefix, e, now) + "." + std::to_string(now) +
                             "-" + std::to_string(++counter_) + o_.suffix;
    f->final_path = (folder / base).string();
    f->tmp_path = f->final_path + o_.in_use_suffix;
    f->fd = open(f->tmp_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (f->fd < 0)
      return Status::IOError("cannot open '" + f->tmp_path + "': " + std::strerror(errno));
    f->opened_ms = f->last_write_ms = now;
    f->events = f->bytes = 0;
    return Status::OK();
  }

  Status Roll(BucketFile* f) {
    if (f->fd < 0) return Status::OK();
    close(f->fd);
    f->fd = -1;
    if (std::rename(f->tmp_path.c_str(), f->final_path.c_str()) != 0) {
      return Status::IOError("cannot rename '" + f->tmp_path + "': " + std::strerror(errno));
    }
    return Status::OK();
  }

  Options o_;
  std::map<std::string, BucketFile> files_;
  uint64_t counter_ = 0;
};

}  // namespace

std::string ExpandFlumeEscapes(const std::string& pattern, const Event& e, int64_t ms) {
  std::string out;
  const std::string ts = FormatTimestamp14(EventTimeMs{ms});  // yyyyMMddHHmmss, civil (UTC) time.
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out.push_back(pattern[i]);
      continue;
    }
    const char c = pattern[++i];
    switch (c) {
      case '{': {
        const size_t close = pattern.find('}', i);
        if (close == std::string::npos) {
          out += pattern.substr(i - 1);
          return out;
        }
        const std::string key = pattern.substr(i + 1, close - i - 1);
        if (const std::string* v = e.header(key)) out += *v;
        i = close;
        break;
      }
      case 'Y':
        out += ts.substr(0, 4);
        break;
      case 'y':
        out += ts.substr(2, 2);
        break;
      case 'm':
        out += ts.substr(4, 2);
        break;
      case 'd':
        out += ts.substr(6, 2);
        break;
      case 'H':
        out += ts.substr(8, 2);
        break;
      case 'M':
        out += ts.substr(10, 2);
        break;
      case 'S':
        out += ts.substr(12, 2);
        break;
      case 's':
        out += std::to_string(ms / 1000);
        break;
      case 't':
        out += std::to_string(ms);
        break;
      case 'j': {
        const int64_t days = ms / kMsPerDay;
        const CivilDate d = CivilFromDays(days);
        const int64_t doy = days - DaysFromCivil(d.year, 1, 1) + 1;
        char buf[8];
        std::snprintf(buf, sizeof(buf), "%03d", static_cast<int>(doy));
        out += buf;
        break;
      }
      case '%':
        out.push_back('%');
        break;
      default:
        out.push_back('%');
        out.push_back(c);
        break;
    }
  }
  return out;
}

Result<std::unique_ptr<Sink>> MakeLoggerSink(const std::string& name, ComponentParams* p,
                                             const SinkEnv& env) {
  auto max = p->Int("maxBytesToLog", 16, 1, 1 << 20);
  if (!max) return Err(max.error());
  return std::unique_ptr<Sink>(new LoggerSink(name, env.logger_out, static_cast<size_t>(*max)));
}

Result<std::unique_ptr<Sink>> MakeFileRollSink(const std::string& name, ComponentParams* p,
                                               const SinkEnv& env) {
  auto dir = p->RequiredString("sink.directory");
  if (!dir) return Err(dir.error());
  std::string d = *dir;
  if (d[0] != '/') d = (fs::path(env.data_dir) / d).string();
  auto roll = p->Int("sink.rollInterval", 30, 0, 86400 * 365);
  if (!roll) return Err(roll.error());
  p->String("sink.batchSize", "");
  p->String("sink.serializer", "");
  return std::unique_ptr<Sink>(new FileRollSink(name, d, *roll * 1000));
}

Result<std::unique_ptr<Sink>> MakeHdfsSink(const std::string& name, ComponentParams* p,
                                           const SinkEnv& env) {
  HdfsSink::Options o;
  o.root = (fs::path(env.data_dir) / "hdfs").string();
  auto path = p->RequiredString("hdfs.path");
  if (!path) return Err(path.error());
  // hdfs://namenode:8020/a/b → /a/b under the data folder.
  o.path = std::string(HdfsPath(*path));
  o.prefix = p->String("hdfs.filePrefix", "FlumeData");
  o.suffix = p->String("hdfs.fileSuffix", "");
  o.in_use_suffix = p->String("hdfs.inUseSuffix", ".tmp");
  auto type =
      p->Enum("hdfs.fileType", "DataStream", {"DataStream", "SequenceFile", "CompressedStream"});
  if (!type) return Err(type.error());
  if (*type != "DataStream") {
    return Err(
        p->Error("hdfs.fileType",
                 "'" + *type + "' is not supported; this sink writes DataStream (plain text)"));
  }
  auto fmt = p->Enum("hdfs.writeFormat", "Text", {"Text", "Writable"});
  if (!fmt) return Err(fmt.error());
  auto interval = p->Int("hdfs.rollInterval", 30, 0, 86400 * 365);
  auto count = p->Int("hdfs.rollCount", 10, 0, INT64_MAX);
  auto size = p->Int("hdfs.rollSize", 1024, 0, INT64_MAX);
  auto idle = p->Int("hdfs.idleTimeout", 0, 0, 86400 * 365);
  auto batch = p->Int("hdfs.batchSize", 100, 1, 1'000'000);
  auto local = p->Bool("hdfs.useLocalTimeStamp", false);
  for (auto* r : {&interval, &count, &size, &idle, &batch}) {
    if (!*r) return Err(r->error());
  }
  if (!local) return Err(local.error());
  // Accepted for compatibility; they tune HDFS clients, not local files.
  for (const char* k :
       {"hdfs.callTimeout", "hdfs.threadsPoolSize", "hdfs.rollTimerPoolSize", "hdfs.round",
        "hdfs.roundValue", "hdfs.roundUnit", "hdfs.minBlockReplicas"}) {
    p->String(k, "");
  }
  o.roll_interval_ms = *interval * 1000;
  o.roll_count = *count;
  o.roll_size = *size;
  o.idle_timeout_ms = *idle * 1000;
  o.use_local_time = *local;
  return std::unique_ptr<Sink>(new HdfsSink(name, std::move(o)));
}

}  // namespace smartcar::collect

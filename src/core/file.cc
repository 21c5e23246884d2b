// ReadFileToString and WriteFileAtomically: whole files, with errors that name the file and the
// reason.
#include "core/file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace smartcar {

namespace {

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

constexpr size_t kBlock = 64 * 1024;

Status ReadError(const std::string& path) {
  return Status::IOError("cannot read '" + path + "': " + std::strerror(errno));
}

// Reads up to out->size() bytes at `offset` (fewer only at the end of the file); shrinks *out
// to what was read.
Status ReadAt(int fd, const std::string& path, uint64_t offset, std::string* out) {
  size_t got = 0;
  while (got < out->size()) {
    const ssize_t n =
        ::pread(fd, out->data() + got, out->size() - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ReadError(path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out->resize(got);
  return Status::OK();
}

}  // namespace

Result<uint64_t> CountNewlines(const std::string& path, uint64_t offset) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return Err(ReadError(path));
  uint64_t lines = 0;
  std::string buf;
  for (uint64_t at = offset;; at += buf.size()) {
    buf.resize(kBlock);
    SMARTCAR_RETURN_IF_ERROR(ReadAt(f.fd, path, at, &buf));
    if (buf.empty()) return lines;
    lines += static_cast<uint64_t>(std::count(buf.begin(), buf.end(), '\n'));
  }
}

Result<std::vector<std::string>> LastLines(const std::string& path, size_t n) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (f.fd < 0 || ::fstat(f.fd, &st) != 0) return Err(ReadError(path));
  // Reads blocks from the end until the text holds n + 1 line ends (or the file's start).
  std::string tail;
  uint64_t start = static_cast<uint64_t>(st.st_size);
  auto ends = [&] { return static_cast<size_t>(std::count(tail.begin(), tail.end(), '\n')); };
  while (start > 0 && ends() <= n) {
    const uint64_t len = std::min<uint64_t>(kBlock, start);
    std::string block(len, '\0');
    SMARTCAR_RETURN_IF_ERROR(ReadAt(f.fd, path, start - len, &block));  // short if it shrank
    tail.insert(0, block);
    start -= len;
  }
  std::vector<std::string> lines;
  size_t end = tail.size();
  if (end > 0 && tail[end - 1] == '\n') --end;  // the last line's own end
  while (lines.size() < n && end > 0) {
    const size_t nl = tail.rfind('\n', end - 1);
    const size_t from = nl == std::string::npos ? 0 : nl + 1;
    if (nl == std::string::npos && start > 0) break;  // a line longer than what was read
    lines.push_back(tail.substr(from, end - from));
    if (nl == std::string::npos) break;
    end = nl;
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

Result<std::string> ReadFileToString(const std::string& path, const std::string& what) {
  const std::string name = (what.empty() ? std::string("file") : what) + " '" + path + "'";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Err(Status::NotFound("cannot read " + name + ": it does not exist"));
    return Err(Status::IOError("cannot read " + name + ": " + std::strerror(err)));
  }
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Err(Status::IOError("cannot read " + name + ": it is a folder"));
  }
  if (st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Err(Status::IOError("cannot read " + name + ": " + std::strerror(err)));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status CreateFolders(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create folder '" + dir + "': " + ec.message());
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return Status::IOError("cannot write '" + tmp + "'");
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::IOError("cannot rename to '" + path + "': " + ec.message());
  }
  return Status::OK();
}

std::string_view HdfsPath(std::string_view path) {
  constexpr std::string_view kScheme = "hdfs://";
  if (path.rfind(kScheme, 0) != 0) return path;
  const size_t slash = path.find('/', kScheme.size());
  return slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
}

std::string HdfsPathInDataFolder(const std::string& data_dir, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::filesystem::path out = std::filesystem::path(data_dir) / "hdfs";
  if (!path.empty()) out /= std::string(path);
  return out.lexically_normal().string();
}

Result<FileLock> FileLock::Acquire(const std::string& path) {
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(std::filesystem::path(path).parent_path().string()));
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Err(Status::IOError("cannot open lock file '" + path + "': " + std::strerror(errno)));
  }
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int e = errno;
    ::close(fd);
    return Err(Status::IOError("cannot lock '" + path + "': " + std::strerror(e)));
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // Closing the descriptor releases the lock.
}

}  // namespace smartcar

// Helpers shared by every test binary: temp folders, running the smartcar binary, reading files.
#pragma once

#include <fcntl.h>
#include <signal.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace smartcar::testing {

// A fresh folder under $TMPDIR, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "smartcar-test-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    if (p == nullptr) std::abort();
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A port nothing listens on right now (bind port 0 on 127.0.0.1 and read it back); -1 on error.
inline int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  close(fd);
  return ok ? ntohs(a.sin_port) : -1;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sets `path`'s access and modification times to the whole second `now + seconds` (negative: the
// past), as a folder's listing cache sees them (core/folder_stamp.h). False if it could not.
inline bool SetFileTime(const std::string& path, int seconds) {
  const timespec t{std::time(nullptr) + seconds, 0};
  const timespec times[2] = {t, t};
  return ::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0;
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr together.
};

// Runs `command` through the shell with stderr merged into stdout.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  std::FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

// Kills (SIGKILL) and reaps a child process when it goes out of scope unless Release()d, so a
// failed assertion never leaves a run or a server behind.
class KillOnExit {
 public:
  explicit KillOnExit(pid_t pid) : pid_(pid) {}
  KillOnExit(const KillOnExit&) = delete;
  KillOnExit& operator=(const KillOnExit&) = delete;
  ~KillOnExit() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // The process was reaped (or is another's to stop).
  void Release() { pid_ = -1; }

 private:
  pid_t pid_;
};

#ifdef SMARTCAR_BINARY
// Runs the smartcar binary with `args` (shell syntax).
inline CommandResult RunSmartcar(const std::string& args) {
  return RunCommand(std::string(SMARTCAR_BINARY) + " " + args);
}

// `smartcar ARGS` in the background, its output to `out` (or nowhere); returns its pid.
inline pid_t SpawnSmartcar(const std::string& args, const std::string& out = "/dev/null") {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execl("/bin/sh", "sh", "-c", (std::string("exec ") + SMARTCAR_BINARY + " " + args).c_str(),
          nullptr);
    _exit(127);
  }
  return pid;
}
#endif

}  // namespace smartcar::testing

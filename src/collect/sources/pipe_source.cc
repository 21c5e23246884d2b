// exec and stdin sources: lines from a pipe. A pipe cannot be rewound, so Rollback() re-delivers
// the last uncommitted batch from memory, and a crash loses what was read but not committed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "collect/sources/sources.h"

namespace smartcar::collect {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class PipeSource final : public Source {
 public:
  // command empty: read standard input.
  PipeSource(std::string command, bool restart, int64_t restart_throttle_ms)
      : command_(std::move(command)),
        restart_(restart),
        throttle_ms_(restart_throttle_ms),
        name_(command_.empty() ? "stdin" : command_) {}
  ~PipeSource() override { StopChild(); }

  Status Next(size_t max, EventBatch* batch) override {
    if (!pending_.empty()) {  // Re-deliver after a rollback.
      *batch = pending_;
      return Status::OK();
    }
    batch->clear();
    if (fd_ < 0 && !eof_) SMARTCAR_RETURN_IF_ERROR(Start());
    while (fd_ >= 0 && batch->size() < max) {
      // Complete lines already buffered.
      size_t nl;
      while (batch->size() < max && (nl = buf_.find('\n', scan_)) != std::string::npos) {
        Event& e = batch->emplace_back();
        size_t end = nl;
        if (end > scan_ && buf_[end - 1] == '\r') --end;
        e.body.assign(buf_, scan_, end - scan_);
        e.file = &name_;
        e.line = ++line_;
        scan_ = nl + 1;
      }
      if (scan_ > (1 << 16)) {
        buf_.erase(0, scan_);
        scan_ = 0;
      }
      if (batch->size() >= max) break;
      pollfd pfd{fd_, POLLIN, 0};
      if (poll(&pfd, 1, 0) <= 0) break;  // Nothing more right now.
      char chunk[1 << 16];
      const ssize_t n = read(fd_, chunk, sizeof(chunk));
      if (n > 0) {
        buf_.append(chunk, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      // End of the stream: the last line may lack its newline.
      if (scan_ < buf_.size()) {
        Event& e = batch->emplace_back();
        e.body = buf_.substr(scan_);
        e.file = &name_;
        e.line = ++line_;
      }
      buf_.clear();
      scan_ = 0;
      StopChild();
      if (!restart_ || command_.empty())
        eof_ = true;
      else
        restart_at_ms_ = SteadyMs() + throttle_ms_;
      break;
    }
    pending_ = *batch;
    return Status::OK();
  }

  Status Commit() override {
    pending_.clear();
    return Status::OK();
  }
  Status Rollback() override { return Status::OK(); }  // pending_ is re-delivered.
  bool Idle() override { return eof_ && pending_.empty(); }

 private:
  Status Start() {
    if (command_.empty()) {
      fd_ = dup(STDIN_FILENO);
      return Status::OK();
    }
    if (SteadyMs() < restart_at_ms_) return Status::OK();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
      return Status::IOError(std::string("pipe: ") + std::strerror(errno));
    pid_ = fork();
    if (pid_ < 0) return Status::IOError(std::string("fork: ") + std::strerror(errno));
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    fd_ = fds[0];
    return Status::OK();
  }

  void StopChild() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    if (pid_ > 0) {
      kill(-pid_, SIGTERM);
      int st;
      waitpid(pid_, &st, 0);
      pid_ = -1;
    }
  }

  std::string command_;
  bool restart_;
  int64_t throttle_ms_;
  std::string name_;
  int fd_ = -1;
  pid_t pid_ = -1;
  bool eof_ = false;
  int64_t restart_at_ms_ = 0;
  std::string buf_;
  size_t scan_ = 0;
  uint64_t line_ = 0;
  EventBatch pending_;
};

}  // namespace

Result<std::unique_ptr<Source>> MakeExecSource(ComponentParams* p, const SourceEnv& env) {
  auto command = p->RequiredString("command");
  if (!command) return Err(command.error());
  auto restart = p->Bool("restart", false);
  if (!restart) return Err(restart.error());
  auto throttle = p->Int("restartThrottle", 10000, 0, 3'600'000);
  if (!throttle) return Err(throttle.error());
  p->String("shell", "");
  p->String("logStdErr", "");
  if (env.warnings != nullptr) {
    std::string w = "line " + std::to_string(p->type_line()) + ": " + p->prefix() +
                    " is an exec source: lines read but not yet stored when the agent stops or "
                    "crashes are lost or repeated";
    if (command->find("tail -F") != std::string::npos ||
        command->find("tail -f") != std::string::npos) {
      w += "; use type = TAILDIR to follow a file without loss";
    }
    env.warnings->push_back(w);
  }
  return std::unique_ptr<Source>(new PipeSource(*command, *restart, *throttle));
}

Result<std::unique_ptr<Source>> MakeStdinSource(ComponentParams*, const SourceEnv&) {
  return std::unique_ptr<Source>(new PipeSource("", false, 0));
}

}  // namespace smartcar::collect

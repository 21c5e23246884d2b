// Test fixtures that run real redis-server / redis-sentinel processes: loopback only, a free
// port, a temp dir, stopped by PID. The child dies with the test (PR_SET_PDEATHSIG), which
// ties it to the THREAD that started it: start servers from the test's main thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace smartcar::testing {

// Whether something on 127.0.0.1:port answers "PING" with a RESP reply (+PONG, -NOAUTH, ...).
inline bool Answers(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    const char ping[] = "PING\r\n";
    char c = 0;
    ok = write(fd, ping, sizeof(ping) - 1) == sizeof(ping) - 1 && read(fd, &c, 1) == 1 &&
         (c == '+' || c == '-');
  }
  close(fd);
  return ok;
}

// One redis-server or redis-sentinel child process.
class RedisProcess {
 public:
  RedisProcess() = default;
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;
  ~RedisProcess() { Stop(SIGKILL); }

  // Starts `binary` with `args` and waits (up to 10 s) until it answers on `port`.
  bool Start(const std::string& binary, const std::vector<std::string>& args, int port,
             const std::string& log_file) {
    port_ = port;
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      FILE* log = std::fopen(log_file.c_str(), "a");
      if (log != nullptr) {
        dup2(fileno(log), 1);
        dup2(fileno(log), 2);
      }
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    for (int i = 0; i < 1000; ++i) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {  // Died (e.g. the port was taken meanwhile).
        pid_ = -1;
        return false;
      }
      if (Answers(port)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Sends `sig` to the child and reaps it. No-op when not running.
  void Stop(int sig = SIGTERM) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
  }

  // Sends `sig` without waiting (SIGSTOP/SIGCONT to freeze and thaw the server).
  void Signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// A redis-server on 127.0.0.1:<free port> with data in `dir`, no persistence.
class RedisServer {
 public:
  explicit RedisServer(std::string dir, std::vector<std::string> extra = {})
      : dir_(std::move(dir)), extra_(std::move(extra)), port_(FreePort()) {}

  // Starts the server; the first start moves to another free port if this one was taken
  // meanwhile (tests run in parallel). Restarts keep the port.
  bool Start() {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (StartOnce()) {
        started_ = true;
        return true;
      }
      if (started_) return false;
      port_ = FreePort();
    }
    return false;
  }
  void Stop(int sig = SIGTERM) { proc_.Stop(sig); }
  void Signal(int sig) { proc_.Signal(sig); }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Runs redis-cli against this server; `args` in shell syntax.
  CommandResult Cli(const std::string& args) const {
    return RunCommand("redis-cli -h 127.0.0.1 -p " + std::to_string(port_) + " " + args);
  }

 private:
  std::string dir_;
  std::vector<std::string> extra_;
  int port_;
  bool started_ = false;
  RedisProcess proc_;

  bool StartOnce() {
    std::vector<std::string> args = {"--bind",
                                     "127.0.0.1",
                                     "--port",
                                     std::to_string(port_),
                                     "--dir",
                                     dir_,
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--daemonize",
                                     "no",
                                     "--protected-mode",
                                     "no"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    return proc_.Start("/usr/bin/redis-server", args, port_,
                       dir_ + "/redis-" + std::to_string(port_) + ".log");
  }
};

}  // namespace smartcar::testing

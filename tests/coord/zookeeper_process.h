// Test fixture that runs a real Apache ZooKeeper standalone server (Debian's `zookeeper`
// package, 3.8): loopback only, a free port, a temp dir, stopped by PID. java is started
// directly, not through zkServer.sh, so nothing is read from /etc/zookeeper and nothing is
// written to /var/log/zookeeper. The child dies with the test (PR_SET_PDEATHSIG), which ties
// it to the THREAD that started it: start servers from the test's main thread.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

extern char** environ;

namespace smartcar::testing {

// A port nothing listens on right now (bind port 0 on 127.0.0.1 and read it back).
inline int ZooKeeperFreePort() {
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

// The reply of 127.0.0.1:port to the "srvr" four-letter word; "" when nothing answers. While
// starting, the server answers "... not currently serving requests" instead of the stats.
inline std::string ZooKeeperSrvr(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 && write(fd, "srvr", 4) == 4) {
    char buf[1024];
    ssize_t n;
    // ZooKeeper 3.8 may leave the socket open after the "not serving" answer (an NPE while
    // closing it), so stop there instead of waiting for EOF.
    while (reply.find("serving requests") == std::string::npos &&
           (n = read(fd, buf, sizeof(buf))) > 0)
      reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return reply;
}

// A standalone ZooKeeper on 127.0.0.1:<free port> with its config, data and log in `dir`.
// tickTime is 200 ms, so sessions may be as short as 400 ms (and as long as 60 s).
class ZooKeeperServer {
 public:
  explicit ZooKeeperServer(std::string dir) : dir_(std::move(dir)), port_(ZooKeeperFreePort()) {}
  ZooKeeperServer(const ZooKeeperServer&) = delete;
  ZooKeeperServer& operator=(const ZooKeeperServer&) = delete;
  ~ZooKeeperServer() { Stop(SIGKILL); }

  // Starts the server and waits (up to 30 s) until it serves; the first start moves to another
  // free port if this one was taken meanwhile (tests run in parallel). Restarts keep the port
  // and the data: znodes and sessions survive, and no session expires however long the server
  // was down or frozen (restored sessions get a fresh timeout, clients reconnect at once). To
  // expire one, open a second handle with its client id and password, close it once connected.
  bool Start() {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (StartOnce()) {
        started_ = true;
        return true;
      }
      if (started_) return false;
      port_ = ZooKeeperFreePort();
    }
    return false;
  }

  // Sends `sig` to the server and reaps it; a frozen (SIGSTOP) server is thawed to act on it.
  // No-op when not running. SIGTERM runs the JVM's shutdown hooks, SIGKILL is a crash.
  void Stop(int sig = SIGTERM) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    kill(pid_, SIGCONT);
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
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }

 private:
  std::string dir_;
  int port_;
  bool started_ = false;
  pid_t pid_ = -1;

  bool StartOnce() {
    std::filesystem::create_directories(dir_ + "/data");
    // admin.enableServer: the Jetty admin server would listen on *:8080. Unknown keys such as
    // forceSync become zookeeper.* system properties; no fsync keeps writes fast on a busy box.
    const std::string fixed =
        "tickTime=200\nmaxSessionTimeout=60000\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\n"
        "admin.enableServer=false\n4lw.commands.whitelist=srvr,ruok\nforceSync=no\n";
    WriteFile(dir_ + "/zoo.cfg",
              fixed + "dataDir=" + dir_ + "/data\nclientPort=" + std::to_string(port_) + "\n");
    // zookeeper.jar's manifest Class-Path names its dependencies (jute, netty, jackson, ...);
    // slf4j-simple logs to stderr. No -Dcom.sun.management.jmxremote: JMX stays in-process.
    // -XX:-UsePerfData: no /tmp/hsperfdata_<user>/<pid>.
    const std::vector<std::string> args = {
        "/usr/bin/java",
        "-Xmx128m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Xshare:auto",
        "-XX:-UsePerfData",
        "-XX:+DisableAttachMechanism",
        "-Djava.net.preferIPv4Stack=true",
        "-Djava.io.tmpdir=" + dir_,
        "-Dzookeeper.jmx.log4j.disable=true",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-cp",
        "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar",
        "org.apache.zookeeper.server.ZooKeeperServerMain",
        dir_ + "/zoo.cfg"};
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // The java launcher would add flags from these to the command line.
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "JAVA_TOOL_OPTIONS=", 18) != 0 &&
          std::strncmp(*e, "JDK_JAVA_OPTIONS=", 17) != 0 &&
          std::strncmp(*e, "_JAVA_OPTIONS=", 14) != 0)
        envp.push_back(*e);
    }
    envp.push_back(nullptr);
    // Opened here, not after fork(): the test may run threads (the ZooKeeper client does).
    const int log =
        open((dir_ + "/zookeeper.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      if (chdir(dir_.c_str()) != 0) _exit(127);  // A JVM crash writes hs_err_pid*.log here.
      if (log >= 0) {
        dup2(log, 1);
        dup2(log, 2);
      }
      // Inherited client sockets would outlive their close() in the test while java runs.
      close_range(3, ~0U, 0);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    if (log >= 0) close(log);
    if (pid_ < 0) return false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {  // Died (e.g. the port was taken meanwhile).
        pid_ = -1;
        return false;
      }
      const std::string reply = ZooKeeperSrvr(port_);
      if (reply.find("Zookeeper version") != std::string::npos &&
          reply.find("Mode: standalone") != std::string::npos)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Stop(SIGKILL);
    return false;
  }
};

}  // namespace smartcar::testing

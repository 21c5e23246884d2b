// Test fixtures that run a real Apache ZooKeeper (Debian's `zookeeper` package, 3.8), a
// standalone server or an N-server quorum: loopback only, free ports, a temp dir, stopped by PID.
// java is started directly, not through zkServer.sh, so nothing is read from /etc/zookeeper and
// nothing is written to /var/log/zookeeper. The child dies with the test (PR_SET_PDEATHSIG), which
// ties it to the THREAD that started it: start servers from the test's main thread.
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
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

extern char** environ;

namespace smartcar::testing {

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

// zoo.cfg lines shared by the standalone server and ensemble members. admin.enableServer: the
// Jetty admin server would listen on *:8080. Unknown keys such as forceSync become zookeeper.*
// system properties; no fsync keeps writes fast on a busy box.
inline std::string ZooKeeperConfig(const std::string& dir, int client_port) {
  return "dataDir=" + dir + "/data\nclientPort=" + std::to_string(client_port) +
         "\ntickTime=200\nmaxSessionTimeout=60000\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\n"
         "admin.enableServer=false\n4lw.commands.whitelist=srvr,ruok\nforceSync=no\n";
}

// The "Mode: " of the srvr reply (standalone, leader, follower); "" while not serving.
inline std::string ZooKeeperMode(int port) {
  const std::string reply = ZooKeeperSrvr(port);
  const size_t at = reply.find("Mode: ");
  if (at == std::string::npos) return "";
  return reply.substr(at + 6, reply.find('\n', at) - at - 6);
}

// Starts java running `main_class` on dir/zoo.cfg, in `dir`, stdout and stderr appended to
// dir/zookeeper.log. Returns the child's PID (-1 on failure); the caller waits for readiness.
inline pid_t ZooKeeperLaunch(const std::string& dir, const char* main_class, const char* heap) {
  // zookeeper.jar's manifest Class-Path names its dependencies (jute, netty, jackson, ...);
  // slf4j-simple logs to stderr. No -Dcom.sun.management.jmxremote: JMX stays in-process.
  // -XX:-UsePerfData: no /tmp/hsperfdata_<user>/<pid>.
  const std::vector<std::string> args = {
      "/usr/bin/java",
      heap,
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Xshare:auto",
      "-XX:-UsePerfData",
      "-XX:+DisableAttachMechanism",
      "-Djava.net.preferIPv4Stack=true",
      "-Djava.io.tmpdir=" + dir,
      "-Dzookeeper.jmx.log4j.disable=true",
      "-Dorg.slf4j.simpleLogger.showDateTime=true",
      "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
      "-cp",
      "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar",
      main_class,
      dir + "/zoo.cfg"};
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
      open((dir + "/zookeeper.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (chdir(dir.c_str()) != 0) _exit(127);  // A JVM crash writes hs_err_pid*.log here.
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
  return pid;
}

// Sends `sig` to `pid` and reaps it (a frozen, SIGSTOPped, JVM is thawed to act on it); sets
// pid to -1. No-op when pid <= 0.
inline void ZooKeeperKill(pid_t& pid, int sig) {
  if (pid <= 0) return;
  kill(pid, sig);
  kill(pid, SIGCONT);
  int st = 0;
  waitpid(pid, &st, 0);
  pid = -1;
}

// A standalone ZooKeeper on 127.0.0.1:<free port> with its config, data and log in `dir`.
// tickTime is 200 ms, so sessions may be as short as 400 ms (and as long as 60 s).
class ZooKeeperServer {
 public:
  explicit ZooKeeperServer(std::string dir) : dir_(std::move(dir)), port_(FreePort()) {}
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
      port_ = FreePort();
    }
    return false;
  }

  // Sends `sig` to the server and reaps it; a frozen (SIGSTOP) server is thawed to act on it.
  // No-op when not running. SIGTERM runs the JVM's shutdown hooks, SIGKILL is a crash.
  void Stop(int sig = SIGTERM) { ZooKeeperKill(pid_, sig); }

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
    WriteFile(dir_ + "/zoo.cfg", ZooKeeperConfig(dir_, port_));
    pid_ = ZooKeeperLaunch(dir_, "org.apache.zookeeper.server.ZooKeeperServerMain", "-Xmx128m");
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

// An N-server quorum (QuorumPeerMain) on loopback. Server i (0-based, myid i + 1) keeps zoo.cfg,
// data/ and zookeeper.log in dir/zk<i+1>; its client, quorum and election ports are all bound to
// 127.0.0.1. tickTime is 200 ms (initLimit 2 s, syncLimit 1 s); sessions last 400 ms to 60 s and
// survive a change of leader. As with ZooKeeperServer, start servers from the main thread.
class ZooKeeperEnsemble {
 public:
  explicit ZooKeeperEnsemble(std::string dir, int servers = 3)
      : dir_(std::move(dir)), members_(static_cast<size_t>(servers)) {}
  ZooKeeperEnsemble(const ZooKeeperEnsemble&) = delete;
  ZooKeeperEnsemble& operator=(const ZooKeeperEnsemble&) = delete;
  ~ZooKeeperEnsemble() {
    for (Member& m : members_) ZooKeeperKill(m.pid, SIGKILL);
  }

  // Starts every server and waits (up to 60 s) until one leads and all others follow. The first
  // start moves to fresh ports if a server died (one of its ports was taken meanwhile).
  bool Start() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (!started_) PickPorts();
      bool launched = true;
      for (size_t i = 0; i < members_.size(); ++i) launched = Launch(i) && launched;
      if (launched && Wait(deadline, static_cast<int>(members_.size()))) {
        started_ = true;
        return true;
      }
      for (Member& m : members_) ZooKeeperKill(m.pid, SIGKILL);
      if (started_ || std::chrono::steady_clock::now() >= deadline) return false;
    }
    return false;
  }

  // Sends `sig` to server `index` and reaps it (see ZooKeeperKill). SIGKILL is a crash: its
  // peers and clients see the connections reset at once.
  void Stop(int index, int sig = SIGKILL) { ZooKeeperKill(members_.at(index).pid, sig); }

  // Sends `sig` without waiting (SIGSTOP/SIGCONT to freeze and thaw a server).
  void Signal(int index, int sig) {
    if (members_.at(index).pid > 0) kill(members_[index].pid, sig);
  }

  // Starts server `index` again (killing it first if it runs) on its ports and data, and waits
  // (up to 60 s) until it leads or follows and the running servers agree on one leader.
  bool Restart(int index) {
    ZooKeeperKill(members_.at(index).pid, SIGKILL);
    return Launch(static_cast<size_t>(index)) &&
           Wait(std::chrono::steady_clock::now() + std::chrono::seconds(60), index);
  }

  // Waits until one running server leads, every other running one follows, and they are a
  // majority; stopped servers are ignored. A frozen (SIGSTOP) one runs but never answers srvr.
  bool WaitForQuorum(std::chrono::seconds limit) {
    return Wait(std::chrono::steady_clock::now() + limit, -1);
  }

  // Index of the server whose srvr says "Mode: leader"; -1 if none.
  int leader() const {
    for (size_t i = 0; i < members_.size(); ++i)
      if (members_[i].pid > 0 && ZooKeeperMode(members_[i].client) == "leader")
        return static_cast<int>(i);
    return -1;
  }

  // "127.0.0.1:p1,127.0.0.1:p2,..." over all servers, stopped ones included.
  std::string connect_string() const {
    std::string s;
    for (const Member& m : members_)
      s += (s.empty() ? "127.0.0.1:" : ",127.0.0.1:") + std::to_string(m.client);
    return s;
  }

  int size() const { return static_cast<int>(members_.size()); }
  int port(int index) const { return members_.at(index).client; }
  pid_t pid(int index) const { return members_.at(index).pid; }
  bool running(int index) const { return members_.at(index).pid > 0; }

 private:
  struct Member {
    int client = -1, quorum = -1, election = -1;  // The quorum port is bound by the leader only.
    pid_t pid = -1;
  };
  std::string dir_;
  std::vector<Member> members_;
  bool started_ = false;

  void PickPorts() {  // 3 distinct free ports per server.
    std::set<int> used;
    for (Member& m : members_)
      for (int* p : {&m.client, &m.quorum, &m.election}) {
        *p = FreePort();
        while (*p > 0 && !used.insert(*p).second) *p = FreePort();
      }
  }

  bool Launch(size_t i) {
    const std::string d = dir_ + "/zk" + std::to_string(i + 1);
    std::filesystem::create_directories(d + "/data");
    WriteFile(d + "/data/myid", std::to_string(i + 1) + "\n");
    // server.N=host:quorum:election; both bound to that host as quorumListenOnAllIPs is false.
    // reconfigEnabled=false: the static list stays in zoo.cfg, no zoo.cfg.dynamic is written.
    std::string cfg =
        ZooKeeperConfig(d, members_[i].client) +
        "initLimit=10\nsyncLimit=5\nquorumListenOnAllIPs=false\nreconfigEnabled=false\n";
    for (size_t j = 0; j < members_.size(); ++j)
      cfg += "server." + std::to_string(j + 1) +
             "=127.0.0.1:" + std::to_string(members_[j].quorum) + ":" +
             std::to_string(members_[j].election) + "\n";
    WriteFile(d + "/zoo.cfg", cfg);
    members_[i].pid =
        ZooKeeperLaunch(d, "org.apache.zookeeper.server.quorum.QuorumPeerMain", "-Xmx96m");
    return members_[i].pid > 0;
  }

  // Polls until one running server leads and the other running ones follow, with server `need`
  // (every server when need == size()) among them; false once the deadline passes or it dies.
  bool Wait(std::chrono::steady_clock::time_point deadline, int need) {
    while (std::chrono::steady_clock::now() < deadline) {
      int leaders = 0, serving = 0, others = 0;
      for (size_t i = 0; i < members_.size(); ++i) {
        Member& m = members_[i];
        if (m.pid > 0 && waitpid(m.pid, nullptr, WNOHANG) == m.pid) m.pid = -1;  // Reap the dead.
        if (m.pid <= 0) {
          if (need == static_cast<int>(i) || need == size()) return false;
          continue;
        }
        const std::string mode = ZooKeeperMode(m.client);
        leaders += mode == "leader";
        serving += mode == "leader" || mode == "follower";
        others += mode != "leader" && mode != "follower";
      }
      // A leader left alone still says so for syncLimit (1 s): also count a majority.
      if (leaders == 1 && others == 0 && 2 * serving > size()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
};

}  // namespace smartcar::testing

// Test fixture that runs a real, throwaway PostgreSQL server (Debian 12's postgresql-15, or
// whichever initdb/pg_ctl/postgres are found): a fresh cluster made by initdb in its own temp
// folder, TCP on 127.0.0.1:<free port> only, password authentication (scram-sha-256) for the
// superuser "smartcar", fsync and full_page_writes off for speed (commits stay synchronous: a
// killed server keeps every committed transaction, which crash tests rely on),
// stopped by PID.
//
// Unlike redis_process.h and zookeeper_process.h the server is started through pg_ctl, which
// daemonizes postgres into a session of its own: PR_SET_PDEATHSIG cannot tie it to the test. A
// small watchdog child does instead: it holds one end of a socketpair, and when the test process
// dies (the other end closes without a goodbye: crash, SIGKILL from a ctest timeout, Ctrl-C) it
// shuts the server down (SIGQUIT, then SIGKILL) and removes the folder. So no postgres outlives
// its test.
//
// initdb and postgres refuse to run as root, and our test machines run tests as root: then both
// run as the `postgres` system user (created by Debian's postgresql package) through runuser, in
// a folder under /tmp (world-traversable, unlike a TempDir or a $TMPDIR below /root) owned by
// that user. Otherwise they run as the current user in a folder under $TMPDIR.
//
//   if (!PostgresServer::Available()) GTEST_SKIP() << PostgresServer::MissingMessage();
//   PostgresServer pg;
//   ASSERT_TRUE(pg.Start()) << pg.error();
//   ASSERT_EQ(pg.Psql("create table t(a int)").exit_code, 0);
//   ... connect to pg.jdbc_url() as pg.user() / pg.password() ...
//   EXPECT_EQ(pg.Psql("select count(*) from t").out, "3");
#pragma once

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "test_util.h"
#include "wait_until.h"

namespace smartcar::testing {

// `s` single-quoted for /bin/sh: it's -> 'it'\''s'.
inline std::string PostgresShellQuote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The first executable file `name` in $PATH; "" if none.
inline std::string PostgresFindInPath(const std::string& name) {
  const char* env = std::getenv("PATH");
  const std::string path = env != nullptr ? env : "/usr/local/bin:/usr/bin:/bin";
  size_t from = 0;
  while (from <= path.size()) {
    size_t to = path.find(':', from);
    if (to == std::string::npos) to = path.size();
    const std::string dir = to > from ? path.substr(from, to - from) : ".";
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0)
      return candidate;
    from = to + 1;
  }
  return "";
}

// Whether `dir` holds the three server programs the fixture runs.
inline bool PostgresHasServerBinaries(const std::string& dir) {
  if (dir.empty()) return false;
  for (const char* b : {"initdb", "pg_ctl", "postgres"})
    if (access((dir + "/" + b).c_str(), X_OK) != 0) return false;
  return true;
}

// The folder of initdb, pg_ctl and postgres; "" when PostgreSQL is not installed. Looked up once:
// `pg_config --bindir` (it may come from libpq-dev without the server, or from another major
// version, hence the check), then $PATH (initdb there may be a symlink into the real bindir,
// as /usr/local/bin/initdb is on some of our machines), then the highest
// /usr/lib/postgresql/<version>/bin (Debian installs no initdb in /usr/bin).
inline const std::string& PostgresBinDir() {
  static const std::string dir = [] {
    if (const std::string pg_config = PostgresFindInPath("pg_config"); !pg_config.empty()) {
      CommandResult r = RunCommand(PostgresShellQuote(pg_config) + " --bindir");
      while (!r.out.empty() &&
             (r.out.back() == '\n' || r.out.back() == '\r' || r.out.back() == ' '))
        r.out.pop_back();
      if (r.exit_code == 0 && PostgresHasServerBinaries(r.out)) return r.out;
    }
    if (const std::string initdb = PostgresFindInPath("initdb"); !initdb.empty()) {
      std::error_code ec;
      const std::string real = std::filesystem::canonical(initdb, ec).parent_path().string();
      if (!ec && PostgresHasServerBinaries(real)) return real;
      const std::string here = std::filesystem::path(initdb).parent_path().string();
      if (PostgresHasServerBinaries(here)) return here;
    }
    std::string best;
    double best_version = -1;
    if (DIR* d = opendir("/usr/lib/postgresql")) {
      while (const dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        // "15", "16", "9.6": numerically, so 10 is above 9.6.
        char* end = nullptr;
        const double version = std::strtod(name.c_str(), &end);
        const std::string bin = "/usr/lib/postgresql/" + name + "/bin";
        if (end != name.c_str() && *end == '\0' && version > best_version &&
            PostgresHasServerBinaries(bin)) {
          best = bin;
          best_version = version;
        }
      }
      closedir(d);
    }
    return best;
  }();
  return dir;
}

// psql: the one next to the server programs (same version), else $PATH's (Debian's
// /usr/bin/psql is a wrapper that picks the newest installed client); "" if none.
inline const std::string& PostgresPsqlBinary() {
  static const std::string psql = [] {
    const std::string& bin = PostgresBinDir();
    if (!bin.empty() && access((bin + "/psql").c_str(), X_OK) == 0) return bin + "/psql";
    return PostgresFindInPath("psql");
  }();
  return psql;
}

// The state letter of process `pid` in /proc/<pid>/stat ('R', 'S', 'Z', ...), and its parent
// into *ppid; 0 when there is no such process. Only open/read/close, no allocation: also used by
// the watchdog, a forked child of a possibly multi-threaded test.
inline char PostgresProcState(pid_t pid, pid_t* ppid = nullptr) {
  if (pid <= 0) return 0;
  char path[40] = "/proc/";
  char digits[16];
  int n = 0;
  for (pid_t v = pid; v > 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
  size_t at = 6;
  while (n > 0) path[at++] = digits[--n];
  for (const char* t = "/stat"; *t != '\0'; ++t) path[at++] = *t;
  path[at] = '\0';
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[512];
  const ssize_t len = read(fd, buf, sizeof(buf));
  close(fd);
  if (len <= 0) return 0;
  // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so find the last ')'.
  ssize_t p = len - 1;
  while (p >= 0 && buf[p] != ')') --p;
  if (p < 0 || p + 2 >= len) return 0;
  if (ppid != nullptr) {
    pid_t parent = 0;
    for (ssize_t i = p + 4; i < len && buf[i] >= '0' && buf[i] <= '9'; ++i)
      parent = parent * 10 + (buf[i] - '0');
    *ppid = parent;
  }
  return buf[p + 2];
}

// Whether `pid` runs. A zombie counts as gone (it still answers kill(pid, 0)).
inline bool PostgresAlive(pid_t pid) {
  const char s = PostgresProcState(pid);
  return s != 0 && s != 'Z' && s != 'X';
}

// The processes whose parent is `pid`: a postmaster's backends and auxiliary processes. They
// are not in its process group (each calls setsid()), so kill(-pid) would miss them.
inline std::vector<pid_t> PostgresChildren(pid_t pid) {
  std::vector<pid_t> children;
  DIR* d = opendir("/proc");
  if (d == nullptr) return children;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    const pid_t child = static_cast<pid_t>(std::atoi(e->d_name));
    pid_t parent = 0;
    if (PostgresProcState(child, &parent) != 0 && parent == pid) children.push_back(child);
  }
  closedir(d);
  return children;
}

// Runs argv[0] (a full path) with `args`, in `cwd`, stdin from /dev/null, stdout and stderr into
// `out_file` (truncated), and returns its exit code and that output. Not popen: the shell's
// children would inherit every descriptor of the test without O_CLOEXEC (client sockets, ...),
// and the postmaster that pg_ctl leaves behind would keep them open for its whole life.
inline CommandResult PostgresRun(const std::vector<std::string>& args, const std::string& cwd,
                                 const std::string& out_file) {
  CommandResult r;
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (in < 0 || out < 0) {
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    r.out = "cannot open /dev/null or " + out_file;
    return r;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    close_range(3, ~0U, 0);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in);
  close(out);
  if (pid < 0) {
    r.out = "fork failed";
    return r;
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.out = ReadFile(out_file);
  return r;
}

// The watchdog's body, in a forked child (async-signal-safe calls only). It reads int32 messages
// from `sock`: > 0 is the postmaster to guard, 0 means none runs, < 0 is the goodbye (exit
// quietly). EOF means the test died: immediate shutdown of the guarded server (SIGQUIT: the
// postmaster SIGQUITs its children, SIGKILLs them after 5 s, then exits), SIGKILL if it is still
// there after 10 s, and `rm -rf dir` once it is gone. Its orphans are PID 1's to reap by then.
[[noreturn]] inline void PostgresWatchdog(int sock, int devnull, const char* dir) {
  setpgid(0, 0);  // Out of the test's process group: Ctrl-C and group kills don't reach it.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) sigaction(s, &ignore, nullptr);
  // /dev/null for stdio: a test's stdout may be ctest's pipe, which would stay open otherwise.
  dup2(devnull, 0);
  dup2(devnull, 1);
  dup2(devnull, 2);
  if (sock > 3) close_range(3, static_cast<unsigned>(sock - 1), 0);
  close_range(static_cast<unsigned>(sock + 1), ~0U, 0);
  if (chdir("/") != 0) {
  }
  int32_t target = 0;
  for (;;) {
    int32_t message = 0;
    const ssize_t n = read(sock, &message, sizeof(message));
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof(message))) break;  // EOF: the test is gone.
    if (message < 0) _exit(0);
    target = message;
  }
  if (target > 0) {
    const timespec tick{0, 50 * 1000 * 1000};
    kill(target, SIGQUIT);
    kill(target, SIGCONT);
    for (int i = 0; i < 200 && PostgresAlive(target); ++i) nanosleep(&tick, nullptr);
    kill(target, SIGKILL);
    for (int i = 0; i < 200 && PostgresAlive(target); ++i) nanosleep(&tick, nullptr);
  }
  execl("/bin/rm", "rm", "-rf", "--", dir, static_cast<char*>(nullptr));
  _exit(0);
}

// A throwaway PostgreSQL server on 127.0.0.1:<free port>, superuser smartcar / secret-pw,
// database "postgres". Start() makes the cluster (initdb) and starts it; Stop() and Kill() keep
// the data so Start()/Restart() bring the same server back on the same port; the destructor
// stops it and removes its folder.
class PostgresServer {
 public:
  // `settings`: extra server settings, "name=value" each (e.g. "max_connections=20"), passed
  // as -c options on every start.
  explicit PostgresServer(std::vector<std::string> settings = {})
      : settings_(std::move(settings)), port_(FreePort()) {}
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer() {
    Stop();
    if (watchdog_ > 0) {
      Guard(-1);
      close(watch_sock_);
      waitpid(watchdog_, nullptr, 0);
    }
    std::error_code ec;
    if (!base_.empty()) std::filesystem::remove_all(base_, ec);
  }

  // Whether initdb, pg_ctl and postgres were found; tests GTEST_SKIP with MissingMessage() if not.
  static bool Available() { return !PostgresBinDir().empty(); }
  static std::string MissingMessage() {
    return "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found in `pg_config "
           "--bindir`, $PATH or /usr/lib/postgresql/*/bin: install PostgreSQL (Debian 12: "
           "apt-get install postgresql-15) to run this test";
  }

  // Makes the cluster on the first call, then starts the server and waits (pg_ctl -w, up to
  // 60 s) until it accepts connections. The first start moves to another free port if this one
  // was taken meanwhile (tests run in parallel); later ones (after Stop/Kill) keep the port and
  // the data. True if it runs (also when it already did); otherwise false, and error() says
  // why, with the command's output and the end of the server log.
  bool Start() {
    error_.clear();
    if (running()) return true;
    if (!initialized_ && !Init()) return false;
    for (int attempt = 0;; ++attempt) {
      const size_t log_from = ReadFile(log_file()).size();
      if (StartOnce()) {
        started_ = true;
        return true;
      }
      const std::string log = Log();
      const bool port_taken =
          log.find("already in use", std::min(log_from, log.size())) != std::string::npos;
      if (started_ || !port_taken || attempt == 2) return false;
      port_ = FreePort();
    }
  }

  // Fast shutdown by PID (SIGINT: open sessions are rolled back, then a shutdown checkpoint),
  // waiting up to 30 s until the postmaster is gone; SIGKILL after that. Whether the fast
  // shutdown finished in time. No-op when not running.
  bool Stop() {
    if (pid_ <= 0) return true;
    kill(pid_, SIGINT);
    kill(pid_, SIGCONT);  // In case a test froze it.
    // The postmaster is our child (see PR_SET_CHILD_SUBREAPER in Init): reap it.
    const bool clean = ::smartcar::testing::WaitUntil(
        [this] { return waitpid(pid_, nullptr, WNOHANG) == pid_ || !PostgresAlive(pid_); },
        std::chrono::seconds(30));
    if (!clean) KillAll();
    Stopped();
    return clean;
  }

  // SIGKILL to the postmaster and all its backends, as if the machine died (clients see their
  // connections reset at once); waits until they are gone. The next Start() runs crash
  // recovery. No-op when not running.
  void Kill() {
    if (pid_ <= 0) return;
    KillAll();
    Stopped();
  }

  // Stop() if running, then Start() on the same port and data.
  bool Restart() {
    Stop();
    return Start();
  }

  // Runs SQL through psql as the superuser over TCP: unaligned, tuples only, quiet (no command
  // tags), stopping at the first error (exit code 1; 2 when it cannot connect). `out` is
  // stdout and stderr together without the trailing newline: "select count(*) from t" gives
  // "3"; one line per row, columns separated by '|'.
  CommandResult Psql(const std::string& sql) const {
    const std::string& psql = PostgresPsqlBinary();
    if (psql.empty()) return CommandResult{127, "psql not found (install postgresql-client)"};
    CommandResult r =
        RunCommand("PGPASSWORD=" + PostgresShellQuote(password()) +
                   " PGCONNECT_TIMEOUT=10 PGSSLMODE=disable " + PostgresShellQuote(psql) +
                   " -X -q -A -t -v ON_ERROR_STOP=1 -h " + host() + " -p " + std::to_string(port_) +
                   " -U " + PostgresShellQuote(user()) + " -d " + PostgresShellQuote(database()) +
                   " -c " + PostgresShellQuote(sql));
    while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
    return r;
  }

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }  // The postmaster's; -1 when not running.
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1"; }
  std::string user() const { return "smartcar"; }
  std::string password() const { return "secret-pw"; }
  std::string database() const { return "postgres"; }
  std::string address() const { return host() + ":" + std::to_string(port_); }
  std::string jdbc_url() const { return "jdbc:postgresql://" + address() + "/" + database(); }
  // libpq keyword/value form, with the password.
  std::string conninfo() const {
    return "host=" + host() + " port=" + std::to_string(port_) + " dbname=" + database() +
           " user=" + user() + " password=" + password();
  }
  const std::string& dir() const { return base_; }  // "" before the first Start().
  std::string data_dir() const { return base_ + "/data"; }
  std::string log_file() const { return base_ + "/postgres.log"; }
  std::string Log() const { return ReadFile(log_file()); }
  const std::string& error() const { return error_; }

 private:
  std::vector<std::string> settings_;
  int port_;
  std::string base_;
  std::string runuser_;  // Set when running as root: the commands run as user postgres.
  bool initialized_ = false;
  bool started_ = false;
  pid_t pid_ = -1;
  pid_t watchdog_ = -1;
  int watch_sock_ = -1;
  std::string error_;

  // Runs a server program, as user postgres when we are root.
  CommandResult Run(std::vector<std::string> args) const {
    if (!runuser_.empty()) args.insert(args.begin(), {runuser_, "-u", "postgres", "--"});
    return PostgresRun(args, base_, base_ + "/command.out");
  }

  void Guard(int32_t message) {
    if (watch_sock_ >= 0) send(watch_sock_, &message, sizeof(message), MSG_NOSIGNAL);
  }

  std::string LogTail() const {
    const std::string log = Log();
    const size_t keep = 6000;
    return "--- " + log_file() + (log.size() > keep ? " (end)" : "") + " ---\n" +
           (log.size() > keep ? log.substr(log.size() - keep) : log);
  }

  bool Init() {
    const std::string& bin = PostgresBinDir();
    if (bin.empty()) {
      error_ = MissingMessage();
      return false;
    }
    uid_t uid = 0;
    gid_t gid = 0;
    const bool root = geteuid() == 0;
    if (root) {
      const passwd* pw = getpwnam("postgres");
      if (pw == nullptr) {
        error_ =
            "running as root, where initdb and postgres refuse to run, and there is no "
            "'postgres' user to run them as (Debian's postgresql package creates it)";
        return false;
      }
      uid = pw->pw_uid;
      gid = pw->pw_gid;
      runuser_ = PostgresFindInPath("runuser");
      for (const char* p : {"/usr/sbin/runuser", "/sbin/runuser"})
        if (runuser_.empty() && access(p, X_OK) == 0) runuser_ = p;
      if (runuser_.empty()) {
        error_ =
            "running as root and runuser (util-linux) not found: cannot run initdb as postgres";
        return false;
      }
    }
    // pg_ctl leaves the postmaster behind as an orphan. Its default new parent, PID 1, is no
    // init on our machines and reaps late: meanwhile the zombie answers kill(pid, 0), and a
    // restart after Kill() fails on "lock file postmaster.pid already exists ... (PID n)". As
    // a subreaper the test adopts it (and its backends when it is killed) and reaps them by
    // PID itself. Process-wide and permanent; orphans of other tests' processes would then
    // stay zombies until the test exits, which costs nothing.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (base_.empty()) {
      const std::filesystem::path parent =
          root ? std::filesystem::path("/tmp") : std::filesystem::temp_directory_path();
      std::string tmpl = (parent / "smartcar-pg-XXXXXX").string();
      if (mkdtemp(tmpl.data()) == nullptr) {
        error_ = "mkdtemp " + tmpl + " failed";
        return false;
      }
      base_ = tmpl;
      chmod(base_.c_str(), 0755);
      if (root && chown(base_.c_str(), uid, gid) != 0) {
        error_ = "chown " + base_ + " to postgres failed";
        return false;
      }
      StartWatchdog();
    }
    const std::string pwfile = base_ + "/password";
    WriteFile(pwfile, password() + "\n");
    chmod(pwfile.c_str(), 0600);
    if (root && chown(pwfile.c_str(), uid, gid) != 0) {
      error_ = "chown " + pwfile + " to postgres failed";
      return false;
    }
    const CommandResult r =
        Run({bin + "/initdb", "-D", data_dir(), "-U", user(), "--auth=scram-sha-256",
             "--pwfile=" + pwfile, "--no-sync", "-E", "UTF8", "--locale=C"});
    if (r.exit_code != 0) {
      error_ = "initdb failed (exit " + std::to_string(r.exit_code) + "):\n" + r.out;
      return false;
    }
    initialized_ = true;
    return true;
  }

  void StartWatchdog() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return;
    const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    const char* dir = base_.c_str();
    const pid_t pid = fork();
    if (pid == 0) PostgresWatchdog(fds[1], devnull, dir);
    close(fds[1]);
    if (devnull >= 0) close(devnull);
    if (pid < 0) {
      close(fds[0]);
      return;
    }
    watchdog_ = pid;
    watch_sock_ = fds[0];
  }

  pid_t PostmasterPid() const {
    const std::string s = ReadFile(data_dir() + "/postmaster.pid");
    return static_cast<pid_t>(std::atoi(s.c_str()));  // Its first line.
  }

  bool StartOnce() {
    // pg_ctl runs this through /bin/sh, hence the double quotes.
    std::string options = "-p " + std::to_string(port_) + " -k \"" + base_ +
                          "\" -c listen_addresses=127.0.0.1 -c fsync=off"
                          " -c full_page_writes=off";
    for (const std::string& s : settings_) options += " -c \"" + s + "\"";
    const pid_t stale = PostmasterPid();  // Left by a killed server, or 0.
    const CommandResult r = Run({PostgresBinDir() + "/pg_ctl", "-D", data_dir(), "-w", "-t", "60",
                                 "-l", log_file(), "-o", options, "start"});
    const pid_t pid = PostmasterPid();
    if (r.exit_code == 0 && PostgresAlive(pid)) {
      pid_ = pid;
      Guard(pid_);
      return true;
    }
    // pg_ctl gave up (-t) while a postmaster of ours may still be starting: leave none behind.
    if (pid > 0 && pid != stale && PostgresAlive(pid)) {
      pid_ = pid;
      Kill();
    }
    error_ = "pg_ctl start on port " + std::to_string(port_) + " failed (exit " +
             std::to_string(r.exit_code) + "):\n" + r.out + "\n" + LogTail();
    return false;
  }

  // SIGKILL to the postmaster and its children, then waits (up to 30 s) until all are gone.
  // Frozen first, so that it forks no new backend after the children are listed nor restarts
  // them when they die. Once it has exited its children are handed to us (the subreaper):
  // reaped here, like the postmaster, by PID.
  void KillAll() {
    const pid_t pid = pid_;
    kill(pid, SIGSTOP);
    const std::vector<pid_t> children = PostgresChildren(pid);
    kill(pid, SIGKILL);
    for (const pid_t c : children) kill(c, SIGKILL);
    ::smartcar::testing::WaitUntil(
        [&] {
          waitpid(pid, nullptr, WNOHANG);
          bool gone = !PostgresAlive(pid);
          for (const pid_t c : children) gone = !PostgresAlive(c) && gone;
          return gone;
        },
        std::chrono::seconds(30));
    for (const pid_t c : children) waitpid(c, nullptr, WNOHANG);
  }

  void Stopped() {
    pid_ = -1;
    Guard(0);
  }
};

}  // namespace smartcar::testing

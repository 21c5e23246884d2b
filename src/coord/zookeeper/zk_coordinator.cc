// The ZooKeeper engine. Synchronous C-client calls under a shared lock on the handle; the
// paths the caller names live under the chroot, which this engine prefixes itself (so it can
// create the chroot on first use). One maintenance thread owns everything that must not run on
// the client's own threads: re-arming one-shot watches and calling their callbacks, delivering
// session state changes, and replacing an expired session (new handle, credentials, ephemeral
// nodes re-created, every watch fired so readers re-read).
// One file (~600 lines): one class around one handle and its lock, which the calls, the watch
// re-arming and the session replacement all share.
#include "coord/zookeeper/zk_coordinator.h"
#include "core/thread_name.h"

#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace smartcar::coord {

Result<ZooKeeperAddress> ParseZooKeeperAddress(std::string_view text) {
  ZooKeeperAddress a;
  const size_t slash = text.find('/');
  const std::string_view hosts = text.substr(0, slash);
  a.chroot = slash == std::string_view::npos ? "/smartcar" : std::string(text.substr(slash));
  if (hosts.empty()) {
    return Err(Status::InvalidArgument("--zookeeper '" + std::string(text) +
                                       "': expected host:port[,host:port...][/chroot]"));
  }
  size_t start = 0;
  while (start <= hosts.size()) {
    size_t end = hosts.find(',', start);
    if (end == std::string_view::npos) end = hosts.size();
    const std::string_view hp = hosts.substr(start, end - start);
    const size_t colon = hp.rfind(':');
    int port = 0;
    if (colon != std::string_view::npos && colon > 0) {
      for (const char c : hp.substr(colon + 1)) {
        if (c < '0' || c > '9' || port > 65535) {
          port = -1;
          break;
        }
        port = port * 10 + (c - '0');
      }
    }
    if (colon == std::string_view::npos || colon == 0 || port <= 0 || port > 65535) {
      return Err(Status::InvalidArgument("--zookeeper: '" + std::string(hp) +
                                         "' is not host:port (port 1-65535)"));
    }
    start = end + 1;
  }
  if (a.chroot.size() > 1 && a.chroot.back() == '/') a.chroot.pop_back();
  if (Status s = CheckPath(a.chroot); !s.ok()) return Err(s.WithPrefix("--zookeeper chroot: "));
  a.hosts = std::string(hosts);
  return a;
}

namespace {

Status FromRc(int rc, const std::string& what) {
  switch (rc) {
    case ZOK:
      return Status::OK();
    case ZNONODE:
      return Status::NotFound(what + ": no such node");
    case ZNODEEXISTS:
      return Status::Aborted(what + ": node already exists");
    case ZBADVERSION:
      return Status::Aborted(what + ": the node's version moved (someone else wrote first)");
    case ZNOTEMPTY:
      return Status::Aborted(what + ": the node has children");
    case ZNOAUTH:
    case ZAUTHFAILED:
      return Status::InvalidArgument(what + ": not allowed (" + zerror(rc) +
                                     "; check --zookeeper-auth)");
    case ZNOCHILDRENFOREPHEMERALS:
      return Status::InvalidArgument(what + ": an ephemeral node cannot have children");
    default:
      return Status::IOError(what + ": ZooKeeper: " + zerror(rc));
  }
}

class ZkCoordinator;

class ZkWatch final : public Watch {
 public:
  ZkWatch(ZkCoordinator* c, uint64_t id) : c_(c), id_(id) {}
  ~ZkWatch() override;

 private:
  ZkCoordinator* c_;
  uint64_t id_;
};

class ZkCoordinator final : public Coordinator {
 public:
  ZkCoordinator(const CoordOptions& o, ZooKeeperAddress a) : o_(o), addr_(std::move(a)) {
    if (!o_.zookeeper_auth.empty()) {
      auth_entries_[0] = ACL{ZOO_PERM_ALL, Id{const_cast<char*>("auth"), const_cast<char*>("")}};
      auth_entries_[1] =
          ACL{ZOO_PERM_READ, Id{const_cast<char*>("world"), const_cast<char*>("anyone")}};
      acl_ = ACL_vector{2, auth_entries_};
    } else {
      acl_ = ZOO_OPEN_ACL_UNSAFE;
    }
  }

  ~ZkCoordinator() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    std::unique_lock<std::shared_mutex> l(zh_mu_);
    if (zh_ != nullptr) zookeeper_close(zh_);  // Ends the session: ephemeral nodes go at once.
    zh_ = nullptr;
  }

  Status Init() {
    SMARTCAR_RETURN_IF_ERROR(Connect(o_.connect_timeout_ms));
    worker_ = std::thread([this] {
      NameThisThread("zookeeper");
      Work();
    });
    return Status::OK();
  }

  std::string Describe() const override { return "zookeeper " + addr_.hosts + addr_.chroot; }

  Result<Node> Get(const std::string& path) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    const std::string p = Full(path);
    std::shared_lock<std::shared_mutex> l(zh_mu_);
    SMARTCAR_RETURN_IF_ERROR(Usable("get " + path));
    for (int attempt = 0; attempt < 5; ++attempt) {
      struct Stat st {};
      int rc = zoo_exists(zh_, p.c_str(), 0, &st);
      if (rc != ZOK) return Err(FromRc(rc, "get " + path));
      std::string buf(static_cast<size_t>(std::max(st.dataLength, 0)) + 1, '\0');
      int len = static_cast<int>(buf.size());
      rc = zoo_get(zh_, p.c_str(), 0, buf.data(), &len, &st);
      if (rc != ZOK) return Err(FromRc(rc, "get " + path));
      if (len >= static_cast<int>(buf.size())) continue;  // Grew in between: read again.
      Node n;
      n.data = buf.substr(0, static_cast<size_t>(std::max(len, 0)));
      n.version = st.version;
      n.mtime_ms = st.mtime;
      n.ephemeral = st.ephemeralOwner != 0;
      return n;
    }
    return Err(Status::Aborted("get " + path + ": the node keeps changing"));
  }

  Result<std::vector<std::string>> Children(const std::string& path) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    std::shared_lock<std::shared_mutex> l(zh_mu_);
    SMARTCAR_RETURN_IF_ERROR(Usable("children of " + path));
    String_vector sv{};
    const int rc = zoo_get_children(zh_, Full(path).c_str(), 0, &sv);
    if (rc != ZOK) return Err(FromRc(rc, "children of " + path));
    std::vector<std::string> out;
    for (int i = 0; i < sv.count; ++i) out.emplace_back(sv.data[i]);
    deallocate_String_vector(&sv);
    std::sort(out.begin(), out.end());
    return out;
  }

  Status Create(const std::string& path, const std::string& data, CreateMode mode) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    if (path == "/") return Status::Aborted("node '/' already exists");
    {
      std::shared_lock<std::shared_mutex> l(zh_mu_);
      SMARTCAR_RETURN_IF_ERROR(Usable("create " + path));
      SMARTCAR_RETURN_IF_ERROR(CreateLocked(path, data, mode));
    }
    if (mode == CreateMode::kEphemeral) {
      std::lock_guard<std::mutex> g(mu_);
      ephemerals_[path] = data;
    }
    return Status::OK();
  }

  Result<int32_t> Set(const std::string& path, const std::string& data,
                      int32_t expected_version) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    std::shared_lock<std::shared_mutex> l(zh_mu_);
    SMARTCAR_RETURN_IF_ERROR(Usable("set " + path));
    struct Stat st {};
    const int rc = zoo_set2(zh_, Full(path).c_str(), data.data(), static_cast<int>(data.size()),
                            expected_version, &st);
    if (rc != ZOK) return Err(FromRc(rc, "set " + path));
    {
      std::lock_guard<std::mutex> g(mu_);
      auto it = ephemerals_.find(path);
      if (it != ephemerals_.end()) it->second = data;
    }
    return st.version;
  }

  Status Delete(const std::string& path) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    if (path == "/") return Status::InvalidArgument("the root node cannot be deleted");
    {
      std::shared_lock<std::shared_mutex> l(zh_mu_);
      SMARTCAR_RETURN_IF_ERROR(Usable("delete " + path));
      SMARTCAR_RETURN_IF_ERROR(DeleteLocked(Full(path), path, 0));
    }
    std::lock_guard<std::mutex> g(mu_);
    for (auto it = ephemerals_.begin(); it != ephemerals_.end();) {
      it = it->first == path || it->first.rfind(path + "/", 0) == 0 ? ephemerals_.erase(it)
                                                                    : std::next(it);
    }
    return Status::OK();
  }

  Result<std::unique_ptr<Watch>> WatchNode(const std::string& path,
                                           std::function<void()> on_change) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    uint64_t id;
    {
      std::lock_guard<std::mutex> l(mu_);
      id = ++next_watch_;
      watches_[id] = WatchState{path, std::move(on_change)};
    }
    {
      std::shared_lock<std::shared_mutex> l(zh_mu_);
      if (!Arm(id, path)) Dirty(id);  // Not connected now: the worker arms it later.
    }
    return std::unique_ptr<Watch>(new ZkWatch(this, id));
  }

  SessionState session_state() const override { return state_.load(); }

  void OnSessionState(std::function<void(SessionState)> fn) override {
    std::lock_guard<std::mutex> l(mu_);
    listeners_.push_back(std::move(fn));
  }

  // Opens a second handle on this session and closes it: the server ends the session, as it
  // would after a long network partition (freezing or restarting a server does not: it gives
  // known sessions a fresh timeout).
  Status ExpireSessionForTesting() {
    clientid_t id;
    {
      std::shared_lock<std::shared_mutex> l(zh_mu_);
      if (zh_ == nullptr) return Status::IOError("not connected");
      id = *zoo_client_id(zh_);
    }
    zhandle_t* twin =
        zookeeper_init(addr_.hosts.c_str(), nullptr, o_.session_timeout_ms, &id, nullptr, 0);
    if (twin == nullptr) return Status::IOError("zookeeper_init failed");
    for (int i = 0; i < 1000 && zoo_state(twin) != ZOO_CONNECTED_STATE; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const bool connected = zoo_state(twin) == ZOO_CONNECTED_STATE;
    zookeeper_close(twin);
    return connected ? Status::OK() : Status::IOError("the twin handle did not connect");
  }

  void RemoveWatch(uint64_t id) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return calling_ != id; });
    watches_.erase(id);
    dirty_.erase(id);
  }

 private:
  struct WatchState {
    std::string path;
    std::function<void()> fn;
  };

  std::string Full(const std::string& path) const {
    return path == "/" ? addr_.chroot : addr_.chroot + path;
  }

  Status Usable(const std::string& what) const {
    if (zh_ == nullptr || state_.load() != SessionState::kConnected) {
      return Status::IOError(what + ": not connected to ZooKeeper at " + addr_.hosts + " (" +
                             SessionStateName(state_.load()) + ")");
    }
    return Status::OK();
  }

  // Creates the parents of `path` (persistent, empty) then `path`. Caller holds zh_mu_.
  Status CreateLocked(const std::string& path, const std::string& data, CreateMode mode) {
    const std::string full = Full(path);
    for (size_t i = 1; i < full.size(); ++i) {
      if (full[i] != '/') continue;
      const int rc =
          zoo_create(zh_, full.substr(0, i).c_str(), "", 0, &acl_, ZOO_PERSISTENT, nullptr, 0);
      if (rc != ZOK && rc != ZNODEEXISTS) return FromRc(rc, "create " + full.substr(0, i));
    }
    const int flags = mode == CreateMode::kEphemeral ? ZOO_EPHEMERAL : ZOO_PERSISTENT;
    const int rc = zoo_create(zh_, full.c_str(), data.data(), static_cast<int>(data.size()), &acl_,
                              flags, nullptr, 0);
    return FromRc(rc, "create " + path);
  }

  Status DeleteLocked(const std::string& full, const std::string& path, int depth) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      String_vector sv{};
      int rc = zoo_get_children(zh_, full.c_str(), 0, &sv);
      if (rc != ZOK) return FromRc(rc, "delete " + path);
      std::vector<std::string> kids;
      for (int i = 0; i < sv.count; ++i) kids.emplace_back(sv.data[i]);
      deallocate_String_vector(&sv);
      for (const std::string& k : kids) {
        Status s = DeleteLocked(full + "/" + k, path + "/" + k, depth + 1);
        if (!s.ok() && !s.IsNotFound()) return s;
      }
      rc = zoo_delete(zh_, full.c_str(), -1);
      if (rc == ZNOTEMPTY) continue;  // A child appeared meanwhile.
      return FromRc(rc, "delete " + path);
    }
    return Status::Aborted("delete " + path + ": children keep appearing");
  }

  static void GlobalWatcher(zhandle_t* zh, int type, int state, const char* /*path*/, void* ctx) {
    auto* self = static_cast<ZkCoordinator*>(ctx);
    if (type != ZOO_SESSION_EVENT || self == nullptr) return;
    (void)zh;
    SessionState s;
    if (state == ZOO_CONNECTED_STATE) {
      s = SessionState::kConnected;
    } else if (state == ZOO_EXPIRED_SESSION_STATE) {
      s = SessionState::kExpired;
    } else if (state == ZOO_AUTH_FAILED_STATE) {
      self->auth_failed_ = true;
      s = SessionState::kSuspended;
    } else {
      s = SessionState::kSuspended;
    }
    {
      std::lock_guard<std::mutex> l(self->mu_);
      // While a new session is being set up the old handle's events are stale.
      if (zh != self->current_) return;
      self->state_ = s;
      self->state_events_.push_back(s);
      if (s == SessionState::kExpired) self->expired_ = true;
    }
    self->cv_.notify_all();
  }

  static void WatchFn(zhandle_t* zh, int type, int /*state*/, const char* /*path*/, void* ctx) {
    if (type == ZOO_SESSION_EVENT) return;  // The global watcher handles those.
    auto* self = static_cast<ZkCoordinator*>(const_cast<void*>(zoo_get_context(zh)));
    if (self == nullptr) return;
    self->Dirty(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(ctx)));
  }

  void Dirty(uint64_t id) {
    {
      std::lock_guard<std::mutex> l(mu_);
      dirty_.insert(id);
    }
    cv_.notify_all();
  }

  // Sets the one-shot data and children watches of watch `id`. Caller holds zh_mu_ (shared).
  bool Arm(uint64_t id, const std::string& path) {
    if (zh_ == nullptr || state_.load() != SessionState::kConnected) return false;
    void* ctx = reinterpret_cast<void*>(static_cast<uintptr_t>(id));
    struct Stat st {};
    const std::string full = Full(path);
    int rc = zoo_wexists(zh_, full.c_str(), WatchFn, ctx, &st);
    if (rc == ZNONODE) return true;  // The exists watch fires on creation.
    if (rc != ZOK) return false;
    String_vector sv{};
    rc = zoo_wget_children(zh_, full.c_str(), WatchFn, ctx, &sv);
    if (rc == ZOK) deallocate_String_vector(&sv);
    return rc == ZOK || rc == ZNONODE;
  }

  // A new handle, connected within `timeout_ms`, with credentials and the chroot.
  Status Connect(int timeout_ms) {
    // The client logs an error line every ~33 ms while a server is down; the session state
    // callbacks and our own messages say what matters.
    zoo_set_debug_level(static_cast<ZooLogLevel>(0));
    auth_failed_ = false;
    zhandle_t* zh = nullptr;
    {
      std::lock_guard<std::mutex> l(mu_);
      state_ = SessionState::kSuspended;
      zh = zookeeper_init(addr_.hosts.c_str(), GlobalWatcher, o_.session_timeout_ms, nullptr, this,
                          0);
      current_ = zh;
    }
    if (zh == nullptr) {
      return Status::IOError("cannot start a ZooKeeper client for " + addr_.hosts);
    }
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::milliseconds(timeout_ms),
                   [&] { return state_ == SessionState::kConnected || stop_; });
      if (state_ != SessionState::kConnected) {
        current_ = nullptr;
        l.unlock();
        zookeeper_close(zh);
        return Status::IOError("cannot reach ZooKeeper at " + addr_.hosts + " within " +
                               std::to_string(timeout_ms / 1000) + " s");
      }
    }
    if (!o_.zookeeper_auth.empty()) {
      struct AuthWait {
        std::mutex mu;
        std::condition_variable cv;
        bool done = false;
        int rc = 0;
      } w;
      const int rc = zoo_add_auth(
          zh, "digest", o_.zookeeper_auth.data(), static_cast<int>(o_.zookeeper_auth.size()),
          [](int rc, const void* data) {
            auto* w = static_cast<AuthWait*>(const_cast<void*>(data));
            std::lock_guard<std::mutex> l(w->mu);
            w->rc = rc;
            w->done = true;
            w->cv.notify_all();
          },
          &w);
      std::unique_lock<std::mutex> l(w.mu);
      if (rc == ZOK)
        w.cv.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return w.done; });
      if (rc != ZOK || !w.done || w.rc != ZOK) {
        l.unlock();
        {
          std::lock_guard<std::mutex> g(mu_);
          current_ = nullptr;
        }
        zookeeper_close(zh);
        return Status::InvalidArgument("ZooKeeper at " + addr_.hosts +
                                       " refused the credentials of --zookeeper-auth");
      }
    }
    // The chroot, created on first use.
    for (size_t i = 1; i <= addr_.chroot.size(); ++i) {
      if (i < addr_.chroot.size() && addr_.chroot[i] != '/') continue;
      const int rc = zoo_create(zh, addr_.chroot.substr(0, i).c_str(), "", 0, &acl_, ZOO_PERSISTENT,
                                nullptr, 0);
      if (rc != ZOK && rc != ZNODEEXISTS && rc != ZNOAUTH) {
        {
          std::lock_guard<std::mutex> g(mu_);
          current_ = nullptr;
        }
        zookeeper_close(zh);
        return FromRc(rc, "create the chroot " + addr_.chroot);
      }
    }
    std::unique_lock<std::shared_mutex> l(zh_mu_);
    zh_ = zh;
    return Status::OK();
  }

  // Replaces an expired session; retries until it works or the coordinator closes.
  void Reconnect() {
    {
      std::unique_lock<std::shared_mutex> l(zh_mu_);
      if (zh_ != nullptr) zookeeper_close(zh_);
      zh_ = nullptr;
    }
    int backoff_ms = 200;
    while (true) {
      {
        std::lock_guard<std::mutex> l(mu_);
        if (stop_) return;
      }
      Status s = Connect(o_.connect_timeout_ms);
      if (s.ok()) break;
      std::fprintf(stderr, "smartcar: coordination: %s; retrying\n", s.ToString().c_str());
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::milliseconds(backoff_ms), [&] { return stop_; });
      backoff_ms = std::min(backoff_ms * 2, 5000);
    }
    std::map<std::string, std::string> eph;
    {
      std::lock_guard<std::mutex> l(mu_);
      eph = ephemerals_;
      for (const auto& [id, w] : watches_) dirty_.insert(id);
    }
    std::shared_lock<std::shared_mutex> l(zh_mu_);
    for (const auto& [path, data] : eph) {
      Status s = CreateLocked(path, data, CreateMode::kEphemeral);
      if (!s.ok()) {
        std::fprintf(stderr, "smartcar: coordination: re-creating %s after session expiry: %s\n",
                     path.c_str(), s.ToString().c_str());
      }
    }
  }

  void Work() {
    std::unique_lock<std::mutex> l(mu_);
    while (!stop_) {
      // Dirty watches wake this thread only while connected: otherwise it would spin here,
      // holding mu_ between wake-ups, and starve the client's event thread, whose session event
      // (the one that would end the wait) needs mu_ (seen: a test hung after an expiry).
      cv_.wait_for(l, std::chrono::milliseconds(200), [&] {
        return stop_ || expired_ || !state_events_.empty() ||
               (!dirty_.empty() && state_ == SessionState::kConnected);
      });
      if (stop_) break;
      while (!state_events_.empty()) {
        const SessionState s = state_events_.front();
        state_events_.pop_front();
        auto listeners = listeners_;
        l.unlock();
        for (auto& fn : listeners) fn(s);
        l.lock();
      }
      if (expired_) {
        expired_ = false;
        l.unlock();
        Reconnect();
        l.lock();
        auto listeners = listeners_;
        l.unlock();
        for (auto& fn : listeners) fn(SessionState::kConnected);
        l.lock();
        continue;
      }
      if (dirty_.empty() || state_ != SessionState::kConnected) continue;
      std::vector<uint64_t> ids(dirty_.begin(), dirty_.end());
      dirty_.clear();
      for (const uint64_t id : ids) {
        auto it = watches_.find(id);
        if (it == watches_.end()) continue;
        const std::string path = it->second.path;
        l.unlock();
        bool armed;
        {
          std::shared_lock<std::shared_mutex> zl(zh_mu_);
          armed = Arm(id, path);
        }
        l.lock();
        if (!armed) {
          dirty_.insert(id);  // Retried on the next round.
          continue;
        }
        it = watches_.find(id);
        if (it == watches_.end()) continue;
        auto fn = it->second.fn;
        calling_ = id;
        l.unlock();
        fn();
        l.lock();
        calling_ = 0;
        cv_.notify_all();
      }
    }
  }

  const CoordOptions o_;
  const ZooKeeperAddress addr_;
  ACL auth_entries_[2];
  ACL_vector acl_{};

  mutable std::shared_mutex zh_mu_;  // Guards zh_ (exclusive to replace it).
  zhandle_t* zh_ = nullptr;
  std::atomic<SessionState> state_{SessionState::kSuspended};
  std::atomic<bool> auth_failed_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  zhandle_t* current_ = nullptr;  // The handle whose session events count.
  bool stop_ = false;
  bool expired_ = false;
  std::deque<SessionState> state_events_;
  std::vector<std::function<void(SessionState)>> listeners_;
  std::map<std::string, std::string> ephemerals_;  // Path → data, re-created after expiry.
  uint64_t next_watch_ = 0;
  uint64_t calling_ = 0;
  std::map<uint64_t, WatchState> watches_;
  std::set<uint64_t> dirty_;
  std::thread worker_;
};

ZkWatch::~ZkWatch() { c_->RemoveWatch(id_); }

}  // namespace

Status ExpireZooKeeperSessionForTesting(Coordinator* c) {
  auto* zk = dynamic_cast<ZkCoordinator*>(c);
  if (zk == nullptr) return Status::InvalidArgument("not a ZooKeeper coordinator");
  return zk->ExpireSessionForTesting();
}

Result<std::unique_ptr<Coordinator>> OpenZooKeeperCoordinator(const CoordOptions& options) {
  auto addr = ParseZooKeeperAddress(options.zookeeper);
  if (!addr) return Err(addr.error());
  auto c = std::make_unique<ZkCoordinator>(options, *addr);
  SMARTCAR_RETURN_IF_ERROR(c->Init());
  return std::unique_ptr<Coordinator>(std::move(c));
}

}  // namespace smartcar::coord

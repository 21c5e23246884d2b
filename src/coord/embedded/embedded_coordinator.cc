// The embedded engine. Node "/a/b" is the folder DATA/coord/a/b; its data and version are in
// DATA/coord/a/b/.node: "smartcar-coord 1 <version> <mtime_ms> <owner>\n<data>", written by
// rename so readers never see half a file. <owner> is "-" for a persistent node and
// "<pid>:<process start time>#<handle>" for an ephemeral one, which counts as absent (and is
// removed by the next writer) once that process is gone: the embedded "session" is the handle,
// ended by its close or its process's death.
// Writers serialise on flock(DATA/coord/.lock); readers take no lock. Watches compare a fingerprint
// of the node file and of the children's whenever inotify reports a change in the watched folders
// (at once, whichever process wrote) and every second regardless (an owner's death writes nothing).
#include "coord/embedded/embedded_coordinator.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "core/dir_watch.h"
#include "core/file.h"
#include "core/thread_name.h"

namespace smartcar::coord {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "smartcar-coord 1 ";
// Fingerprints are compared at least this often, changes or not: a dead owner changes no file.
// While every live owner in the watched nodes is this process (which outlives its own nodes),
// only a folder inotify could not watch is left to catch: then every kQuietFullCheckMs. At the
// pilot's load the checks each second were a tenth of the process's CPU.
constexpr int kFullCheckMs = 1000;
constexpr int kQuietFullCheckMs = 10'000;

// The start time of process `pid` (field 22 of /proc/<pid>/stat), or "" when it does not exist.
std::string ProcessStart(pid_t pid) {
  auto stat = ReadFileToString("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return "";
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos) return "";
  std::istringstream in(stat->substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && (in >> field); ++i) {
  }
  return field;
}

// An ephemeral node's owner: "<pid>:<process start>#<handle>", the handle numbering the
// coordinators one process opened (each is its own "session": closing one removes its ephemeral
// nodes only). Alive while that process is.
bool OwnerAlive(const std::string& owner) {
  if (owner == "-") return true;
  const size_t colon = owner.find(':');
  if (colon == std::string::npos) return false;
  const pid_t pid = static_cast<pid_t>(std::atol(owner.substr(0, colon).c_str()));
  if (pid <= 0) return false;
  const size_t hash = owner.find('#', colon);
  return ProcessStart(pid) ==
         owner.substr(colon + 1, hash == std::string::npos ? std::string::npos : hash - colon - 1);
}

struct NodeFile {
  Node node;
  std::string owner = "-";
};

std::string Encode(const NodeFile& f) { return EncodeNodeFile(f.node, f.owner); }

Result<NodeFile> Decode(const std::string& text, const std::string& file) {
  NodeFile f;
  SMARTCAR_RETURN_IF_ERROR(DecodeNodeFile(text, file, &f.node, &f.owner));
  return f;
}

class EmbeddedCoordinator;

class EmbeddedWatch final : public Watch {
 public:
  EmbeddedWatch(EmbeddedCoordinator* c, uint64_t id) : c_(c), id_(id) {}
  ~EmbeddedWatch() override;

 private:
  EmbeddedCoordinator* c_;
  uint64_t id_;
};

class EmbeddedCoordinator final : public Coordinator {
 public:
  explicit EmbeddedCoordinator(std::string root) : root_(std::move(root)) {
    static std::atomic<uint64_t> handles{0};
    process_ = std::to_string(::getpid()) + ":" + ProcessStart(::getpid()) + "#";
    self_ = process_ + std::to_string(++handles);
  }

  ~EmbeddedCoordinator() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (dir_watch_) dir_watch_->Wake();
    if (poller_.joinable()) poller_.join();
    // A clean close ends the "session": this handle's ephemeral nodes go.
    for (const std::string& path : ephemerals_) {
      auto f = ReadNode(path);
      if (f && f->owner == self_) (void)Delete(path);
    }
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  Status Init() {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) return Status::IOError("cannot create '" + root_ + "': " + ec.message());
    lock_fd_ = ::open((root_ + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) {
      return Status::IOError("cannot open '" + root_ + "/.lock': " + std::strerror(errno));
    }
    return Status::OK();
  }

  std::string Describe() const override { return "embedded (" + root_ + ")"; }

  Result<Node> Get(const std::string& path) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    if (path == "/") return Node{};
    auto f = ReadNode(path);
    if (!f) return Err(f.error());
    return f->node;
  }

  Result<std::vector<std::string>> Children(const std::string& path) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    if (path != "/") {
      auto f = ReadNode(path);
      if (!f) return Err(f.error());
    }
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(Dir(path), ec)) {
      const std::string name = e.path().filename().string();
      if (name.empty() || name[0] == '.' || !e.is_directory()) continue;
      if (ReadNode(JoinPath(path, name))) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Status Create(const std::string& path, const std::string& data, CreateMode mode) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    if (path == "/") return Status::Aborted("node '/' already exists");
    Locked l(lock_fd_, &write_mu_);
    SMARTCAR_RETURN_IF_ERROR(EnsureParents(ParentOf(path)));
    auto old = ReadNode(path);
    if (old) return Status::Aborted("node '" + path + "' already exists");
    if (!old.error().IsNotFound()) return old.error();
    RemoveDead(path);
    NodeFile f;
    f.node.data = data;
    f.node.mtime_ms = NowMs();
    f.owner = mode == CreateMode::kEphemeral ? self_ : "-";
    SMARTCAR_RETURN_IF_ERROR(WriteNode(path, f));
    if (mode == CreateMode::kEphemeral) {
      std::lock_guard<std::mutex> g(mu_);
      ephemerals_.insert(path);
    }
    return Status::OK();
  }

  Result<int32_t> Set(const std::string& path, const std::string& data,
                      int32_t expected_version) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    if (path == "/") return Err(Status::InvalidArgument("the root node holds no data"));
    Locked l(lock_fd_, &write_mu_);
    auto f = ReadNode(path);
    if (!f) return Err(f.error());
    if (expected_version >= 0 && f->node.version != expected_version) {
      return Err(Status::Aborted("node '" + path + "' is at version " +
                                 std::to_string(f->node.version) + ", not " +
                                 std::to_string(expected_version)));
    }
    f->node.data = data;
    f->node.version++;
    f->node.mtime_ms = NowMs();
    SMARTCAR_RETURN_IF_ERROR(WriteNode(path, *f));
    return f->node.version;
  }

  Status Delete(const std::string& path) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    if (path == "/") return Status::InvalidArgument("the root node cannot be deleted");
    Locked l(lock_fd_, &write_mu_);
    auto f = ReadNode(path);
    if (!f) return f.error();
    // Rename first, so readers never see a half-deleted subtree.
    const std::string gone =
        root_ + "/.deleted." + std::to_string(::getpid()) + "." + std::to_string(++deleted_);
    std::error_code ec;
    fs::rename(Dir(path), gone, ec);
    if (ec) return Status::IOError("cannot delete '" + Dir(path) + "': " + ec.message());
    fs::remove_all(gone, ec);
    return Status::OK();
  }

  Result<std::unique_ptr<Watch>> WatchNode(const std::string& path,
                                           std::function<void()> on_change) override {
    SMARTCAR_RETURN_IF_ERROR(CheckPath(path));
    std::lock_guard<std::mutex> l(mu_);
    const uint64_t id = ++next_watch_;
    bool foreign = false;
    watches_[id] = WatchState{path, std::move(on_change), Fingerprint(path, &foreign)};
    foreign_ = foreign_ || foreign;
    if (!poller_.joinable()) {
      // Without inotify the poller falls back to comparing fingerprints every 100 ms.
      dir_watch_ = std::make_unique<DirWatch>();
      poller_ = std::thread([this] {
        NameThisThread("coord-watch");
        Poll();
      });
    } else {
      dir_watch_->Wake();  // Watch the new path's folders from now on.
    }
    return std::unique_ptr<Watch>(new EmbeddedWatch(this, id));
  }

  SessionState session_state() const override { return SessionState::kConnected; }
  void OnSessionState(std::function<void(SessionState)>) override {}

  void RemoveWatch(uint64_t id) {
    std::unique_lock<std::mutex> l(mu_);
    // Wait out a call in progress so the callback never runs after its Watch is gone.
    cv_.wait(l, [&] { return calling_ != id; });
    watches_.erase(id);
  }

 private:
  struct WatchState {
    std::string path;
    std::function<void()> fn;
    std::string seen;
  };

  // flock() on DATA/coord/.lock for the scope, after the handle's mutex: flock excludes other
  // processes (and other handles), but threads sharing this handle's descriptor share its lock.
  class Locked {
   public:
    Locked(int fd, std::mutex* mu) : guard_(*mu), fd_(fd) {
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
    ~Locked() { ::flock(fd_, LOCK_UN); }

   private:
    std::lock_guard<std::mutex> guard_;
    int fd_;
  };
  std::mutex write_mu_;

  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::string Dir(const std::string& path) const { return path == "/" ? root_ : root_ + path; }
  std::string File(const std::string& path) const { return Dir(path) + "/.node"; }

  // True for an ephemeral node's owner in another process (which may die without a word).
  bool Foreign(const std::string& owner) const {
    return owner != "-" && !owner.starts_with(process_);
  }

  // The node file of `path`; NotFound when missing or ephemeral with a dead owner.
  Result<NodeFile> ReadNode(const std::string& path) const {
    auto text = ReadFileToString(File(path), "coordination node");
    if (!text) {
      if (text.error().IsNotFound()) return Err(Status::NotFound("no node '" + path + "'"));
      return Err(text.error());
    }
    auto f = Decode(*text, File(path));
    if (!f) return Err(f.error());
    if (Foreign(f->owner) && !OwnerAlive(f->owner))
      return Err(Status::NotFound("no node '" + path + "'"));
    return f;
  }

  Status WriteNode(const std::string& path, const NodeFile& f) {
    std::error_code ec;
    fs::create_directories(Dir(path), ec);
    if (ec) return Status::IOError("cannot create '" + Dir(path) + "': " + ec.message());
    return WriteFileAtomically(File(path), Encode(f));
  }

  // A dead ephemeral node's folder (held under the lock).
  void RemoveDead(const std::string& path) {
    std::error_code ec;
    if (fs::exists(Dir(path), ec)) fs::remove_all(Dir(path), ec);
  }

  Status EnsureParents(const std::string& path) {
    if (path == "/") return Status::OK();
    SMARTCAR_RETURN_IF_ERROR(EnsureParents(ParentOf(path)));
    auto f = ReadNode(path);
    if (f) {
      if (f->node.ephemeral) {
        return Status::InvalidArgument("node '" + path + "' is ephemeral and cannot have children");
      }
      return Status::OK();
    }
    if (!f.error().IsNotFound()) return f.error();
    RemoveDead(path);
    NodeFile parent;
    parent.node.mtime_ms = NowMs();
    return WriteNode(path, parent);
  }

  // What a watch compares: the node file's identity and the live children's. Sets `*foreign` when
  // one of them has a live owner in another process.
  std::string Fingerprint(const std::string& path, bool* foreign) const {
    std::string fp;
    struct stat st;
    const auto live = [&](const std::string& p) {
      auto f = ReadNode(p);
      if (f && Foreign(f->owner)) *foreign = true;
      return f.has_value();
    };
    const auto add = [&](const std::string& p) {
      if (::stat(File(p).c_str(), &st) == 0) {
        const bool f = live(p);
        fp += std::to_string(st.st_ino) + "." + std::to_string(st.st_mtim.tv_nsec) + "." +
              std::to_string(st.st_size) + (f ? "+" : "-") + ";";
      } else {
        fp += "none;";
      }
    };
    add(path);
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(Dir(path), ec)) {
      const std::string name = e.path().filename().string();
      if (!name.empty() && name[0] != '.') names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
      fp += n + ":";
      if (::stat(File(JoinPath(path, n)).c_str(), &st) == 0) {
        fp += std::to_string(st.st_ino) + (live(JoinPath(path, n)) ? "+" : "-");
      }
      fp += ";";
    }
    return fp;
  }

  // Watches the folders whose changes can change `path`'s fingerprint: its own (or, while it
  // does not exist, the nearest existing parent's, where it will appear) and its children's.
  void ArmInotify(const std::string& path) const {
    std::string p = path;
    while (!dir_watch_->Add(Dir(p)) && p != "/") {
      const size_t slash = p.rfind('/');
      p = slash == 0 ? "/" : p.substr(0, slash);
    }
    if (p != path) return;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(Dir(path), ec)) {
      const std::string name = e.path().filename().string();
      if (!name.empty() && name[0] != '.') {
        (void)dir_watch_->Add(e.path().string());
      }
    }
  }

  void Poll() {
    const bool notified = dir_watch_->available();
    auto last_full = std::chrono::steady_clock::now();
    bool rearm = true;  // The folders to watch change only with a change seen or a new watch.
    std::unique_lock<std::mutex> l(mu_);
    while (!stop_) {
      if (notified) {
        std::vector<std::string> paths;
        if (rearm) {
          for (const auto& [id, w] : watches_) paths.push_back(w.path);
        }
        const int every = foreign_ ? kFullCheckMs : kQuietFullCheckMs;
        l.unlock();
        for (const std::string& p : paths) ArmInotify(p);
        const bool changed = dir_watch_->Wait(every);
        rearm = changed;
        l.lock();
        const auto now = std::chrono::steady_clock::now();
        if (!changed && now - last_full < std::chrono::milliseconds(every)) continue;
        last_full = now;
      } else {
        cv_.wait_for(l, std::chrono::milliseconds(100), [&] { return stop_; });
      }
      if (stop_) break;
      std::vector<uint64_t> ids;
      for (const auto& [id, w] : watches_) ids.push_back(id);
      bool foreign = false;
      for (const uint64_t id : ids) {
        auto it = watches_.find(id);
        if (it == watches_.end()) continue;
        const std::string path = it->second.path;
        l.unlock();
        const std::string fp = Fingerprint(path, &foreign);
        l.lock();
        it = watches_.find(id);
        if (it == watches_.end() || it->second.seen == fp) continue;
        it->second.seen = fp;
        std::function<void()> fn = it->second.fn;
        calling_ = id;
        l.unlock();
        fn();
        l.lock();
        calling_ = 0;
        cv_.notify_all();
      }
      foreign_ = foreign;
    }
  }

  const std::string root_;
  std::string process_;  // "<pid>:<process start>#": the owner tags of this process's handles.
  std::string self_;     // This handle's owner tag for ephemeral nodes (OwnerAlive).
  int lock_fd_ = -1;
  uint64_t deleted_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t next_watch_ = 0;
  uint64_t calling_ = 0;
  bool foreign_ = true;  // A watched node has a live owner in another process (Fingerprint).
  std::map<uint64_t, WatchState> watches_;
  std::set<std::string> ephemerals_;
  std::thread poller_;
  std::unique_ptr<DirWatch> dir_watch_;  // Made before the poller starts; Wake() stops it.
};

EmbeddedWatch::~EmbeddedWatch() { c_->RemoveWatch(id_); }

}  // namespace

std::string EncodeNodeFile(const Node& node, const std::string& owner) {
  return std::string(kMagic) + std::to_string(node.version) + " " + std::to_string(node.mtime_ms) +
         " " + owner + "\n" + node.data;
}

Status DecodeNodeFile(const std::string& text, const std::string& file, Node* node,
                      std::string* owner) {
  const size_t nl = text.find('\n');
  if (text.compare(0, sizeof(kMagic) - 1, kMagic) != 0 || nl == std::string::npos) {
    return Status::Corruption("'" + file + "' is not a coordination node file");
  }
  std::istringstream in(text.substr(sizeof(kMagic) - 1, nl - (sizeof(kMagic) - 1)));
  std::string rest;
  if (!(in >> node->version >> node->mtime_ms >> *owner) || node->version < 0 || (in >> rest) ||
      owner->empty() || owner->find_first_of(" \t\r") != std::string::npos) {
    return Status::Corruption("'" + file + "' has a bad header");
  }
  node->data = text.substr(nl + 1);
  node->ephemeral = *owner != "-";
  return Status::OK();
}

Result<std::unique_ptr<Coordinator>> OpenEmbeddedCoordinator(const CoordOptions& options) {
  auto c = std::make_unique<EmbeddedCoordinator>(options.data_dir + "/coord");
  SMARTCAR_RETURN_IF_ERROR(c->Init());
  return std::unique_ptr<Coordinator>(std::move(c));
}

}  // namespace smartcar::coord

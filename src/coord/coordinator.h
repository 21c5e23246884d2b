// The coordination stage: a small tree of versioned nodes shared by every instance of the product
// (SPEC §3, ZooKeeper in the seeds) — rules, members, leaders. Two engines behind this one
// interface, chosen by OpenCoordinator():
//   - embedded (default): files under DATA/coord/, for the processes of one machine;
//   - ZooKeeper: the real ensemble, through the C client (CoordOptions::zookeeper).
// Callers see this header and coord/rule_store.h, nothing of the engines.
//
// The model is ZooKeeper's: absolute paths ("/rules/overspeed"), every node holds bytes and a
// version that each Set increments, nodes have children, persistent or ephemeral (removed when the
// session that created it ends: for the embedded engine, when the process dies). Paths are
// relative to the engine's root (the ZooKeeper chroot, or DATA/coord). Node names are
// [A-Za-z0-9_.-]+ and do not start with '.'.
//
// Thread-safe. Errors: NotFound (no such node), Aborted (the node exists / the version moved:
// someone else wrote first), IOError (the server is unreachable: retry later), InvalidArgument.
// Layout of the tree and the session rules: docs/COORD.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace smartcar::coord {

struct CoordOptions {
  // Embedded engine: the data folder; nodes live in `data_dir`/coord.
  std::string data_dir = "data";
  // ZooKeeper engine when not empty: "host:port[,host:port...][/chroot]", e.g.
  // "127.0.0.1:2181/smartcar". Without a chroot the product uses "/smartcar".
  std::string zookeeper;
  // ZooKeeper digest credentials "user:password". When set, every node this product creates is
  // writable only by that identity (readable by all); never world-writable.
  std::string zookeeper_auth;
  // ZooKeeper session timeout (the server clamps it to 2..20 ticks).
  int session_timeout_ms = 10'000;
  // How long Open waits for the first connection.
  int connect_timeout_ms = 10'000;
};

struct Node {
  std::string data;
  int32_t version = 0;   // 0 when created; +1 per Set.
  int64_t mtime_ms = 0;  // Last modification (wall clock).
  bool ephemeral = false;
};

enum class CreateMode { kPersistent, kEphemeral };

enum class SessionState {
  kConnected,  // Normal operation.
  kSuspended,  // Connection lost; the session may still be alive (calls fail with IOError).
  kExpired,    // The session ended: its ephemeral nodes are gone. The engine opens a new
               // session by itself, re-creates this handle's ephemeral nodes and fires every
               // watch, so readers re-read; then it reports kConnected again.
};
const char* SessionStateName(SessionState s);

// A registered watch; destroying it stops the calls.
class Watch {
 public:
  virtual ~Watch() = default;
};

class Coordinator {
 public:
  virtual ~Coordinator() = default;

  // "embedded (data/coord)" or "zookeeper 127.0.0.1:2181/smartcar" (never the password).
  virtual std::string Describe() const = 0;

  virtual Result<Node> Get(const std::string& path) = 0;
  // Children names, sorted. NotFound when `path` does not exist.
  virtual Result<std::vector<std::string>> Children(const std::string& path) = 0;
  // Creates `path` with `data`, creating missing parents (persistent, empty). Aborted when it
  // already exists.
  virtual Status Create(const std::string& path, const std::string& data,
                        CreateMode mode = CreateMode::kPersistent) = 0;
  // Replaces the data of `path` when its version is `expected_version` (-1: any version);
  // returns the new version. NotFound when missing, Aborted when the version moved.
  virtual Result<int32_t> Set(const std::string& path, const std::string& data,
                              int32_t expected_version = -1) = 0;
  // Deletes `path` and everything below it. NotFound when missing.
  virtual Status Delete(const std::string& path) = 0;

  // Calls `on_change` (from an internal thread, never concurrently with itself) soon after the
  // data of `path` changes, or it is created or deleted, or its children change. Changes in a
  // burst may arrive as one call: the caller re-reads what it needs, so no change is missed.
  // Also called after a session expired and was replaced.
  virtual Result<std::unique_ptr<Watch>> WatchNode(const std::string& path,
                                                   std::function<void()> on_change) = 0;

  virtual SessionState session_state() const = 0;
  // Called on every session state change (from an internal thread).
  virtual void OnSessionState(std::function<void(SessionState)> fn) = 0;
};

// Opens the engine `options` choose (ZooKeeper when options.zookeeper is set), connected.
Result<std::unique_ptr<Coordinator>> OpenCoordinator(const CoordOptions& options);

// InvalidArgument unless `path` is "/" or "/name[/name...]" with valid names.
Status CheckPath(const std::string& path);
// The parent of "/a/b" ("/a"); "/" for "/a".
std::string ParentOf(const std::string& path);
// `parent` + "/" + `name` ("/" + name when parent is "/").
std::string JoinPath(const std::string& parent, const std::string& name);

}  // namespace smartcar::coord

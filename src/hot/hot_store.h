// The hot store: where detections land so other applications read them fast (SPEC §1 req. 5-6).
//
// Two kinds of entries, all with an expiry:
//   - sets:   `<yyyyMMdd>` -> { <car_number>, ... }   the day's overspeeding cars (the pilot's key)
//   - values: `<yyyyMMdd>:<car_number>` -> JSON       the car's latest detection (hot/detection.h)
// Every key the caller names is stored as `options.key_prefix + key`; the prefix is never
// returned by Keys(). Engines: an embedded RocksDB store (default) and Redis (optionally found
// through Sentinel). Pick one with OpenHotStore(). Callers see this header and hot/detection.h
// (the detection record and its JSON), nothing of the engines.
//
// Expiry: every Write() refreshes the expiry of each key it touches to now + ttl ("sliding", what
// the pilot's `sadd` then `expire` did), unless options.expiry is kFixedFromFirstWrite (the expiry
// is set once, when the key is created: Redis `PEXPIRE ... NX`). See docs/HOT.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/rocks_repair.h"

namespace smartcar::hot {

enum class ExpiryMode {
  kSliding,              // Each write sets expiry = now + ttl (the pilot; the default).
  kFixedFromFirstWrite,  // Expiry = first write + ttl; later writes leave it alone.
};

// A host and port, e.g. {"127.0.0.1", 6379}.
struct Endpoint {
  std::string host;
  int port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

// Parses "HOST:PORT" (the port must be 1..65535). `what` names the flag in the error.
Result<Endpoint> ParseEndpoint(std::string_view text, std::string_view what = "address");
// A Redis address with optional credentials: "HOST:PORT" or
// "redis://[[USER]:PASSWORD@]HOST:PORT" (the URL form redis-cli -u takes).
struct RedisAddress {
  Endpoint endpoint;
  std::string username;  // Empty: none (or "default").
  std::string password;  // Empty: no AUTH.
};
// Parses either form. Errors never repeat the password (it is shown as "***").
Result<RedisAddress> ParseRedisAddress(std::string_view text, std::string_view what = "address");
// `text` with the password of a redis:// URL replaced by "***", for messages and logs.
std::string RedactRedisAddress(std::string_view text);
// Parses "HOST:PORT,HOST:PORT,...".
Result<std::vector<Endpoint>> ParseEndpointList(std::string_view text,
                                                std::string_view what = "address");

// Everything that chooses and tunes a hot store. A plain struct so configuration (smartcar.yaml)
// or CLI flags can fill it. The engine is Redis when `redis` or `sentinels` is set, else embedded.
struct HotOptions {
  // --- common ---
  // Prepended to every key ("overspeed:" for a shared Redis). Default: none (the pilot's keys).
  std::string key_prefix;
  // Lifetime of every key. Default one week (the pilot also used 5 hours). Must be > 0.
  int64_t ttl_ms = 7LL * 24 * 3600 * 1000;
  ExpiryMode expiry = ExpiryMode::kSliding;

  // --- embedded engine ---
  // Folder of the RocksDB store (created if missing). Default "data/hot".
  std::string data_dir = "data/hot";
  // Open for reading only, without taking the folder's lock, so a reader (`smartcar overspeed`)
  // works while the pipeline has the store open; it sees the data as of opening. Writes then
  // return NotSupported. Default false. (Ignored by Redis.)
  bool read_only = false;

  // --- Redis engine ---
  // A single Redis server. Ignored when `sentinels` is not empty.
  std::optional<Endpoint> redis;
  // Sentinels to ask for the address of master `master_name` (tried in order).
  std::vector<Endpoint> sentinels;
  std::string master_name;
  // AUTH: `password` alone (requirepass) or `username` + `password` (Redis 6 ACL user).
  std::string username;
  std::string password;
  // Applies to sentinels too when `sentinel_password` is empty.
  std::string sentinel_password;
  int db = 0;  // SELECT db after connecting.
  // Bound on one TCP connect, and on one command round trip. Default 2 s each.
  int connect_timeout_ms = 2000;
  int command_timeout_ms = 2000;
  // How long OpenHotStore() keeps trying to reach a server before it reports the error.
  int open_timeout_ms = 5000;
  // How long one Write() keeps retrying (reconnect, failover) before it returns an error; the
  // caller must then not ack its records. Default 30 s (a Sentinel failover takes a few seconds).
  int write_timeout_ms = 30000;
  // When > 0, a write is acked only once this many replicas have it (`WAIT n wait_timeout_ms`
  // after each transaction), closing the window in which a failover loses a write the old
  // master acked but had not replicated. If fewer replicas answer, Write() retries and finally
  // fails: with no replica left (e.g. after a failover) writes stop. Default 0 (Redis's usual
  // asynchronous replication, what the pilot had).
  int wait_replicas = 0;
  int wait_timeout_ms = 1000;
  // Reconnect backoff: starts at `backoff_initial_ms`, doubles up to `backoff_max_ms`.
  int backoff_initial_ms = 20;
  int backoff_max_ms = 1000;
  // Connections kept open to the master; concurrent callers use one each. Default 4.
  int pool_size = 4;
  // TLS to Redis. Debian 12's hiredis 0.14 has no hiredis_ssl: true gives NotSupported.
  bool tls = false;
};

// One change in a write batch.
struct HotOp {
  enum class Kind : unsigned char { kSetAdd, kPut };
  Kind kind;
  std::string key;    // Without the prefix.
  std::string value;  // The set member (kSetAdd) or the value (kPut).
};

// Changes applied together by HotStore::Write(). Cheap to build; reuse with Clear().
class HotWriteBatch {
 public:
  // Adds `member` to the set `key`.
  void SetAdd(std::string_view key, std::string_view member) {
    ops_.push_back({HotOp::Kind::kSetAdd, std::string(key), std::string(member)});
  }
  // Sets the value of `key` (replacing any value).
  void Put(std::string_view key, std::string_view value) {
    ops_.push_back({HotOp::Kind::kPut, std::string(key), std::string(value)});
  }
  void Clear() { ops_.clear(); }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  const std::vector<HotOp>& ops() const { return ops_; }

 private:
  std::vector<HotOp> ops_;
};

// A HotStore is safe for concurrent use by many threads without external locking.
class HotStore {
 public:
  virtual ~HotStore() = default;
  HotStore() = default;
  HotStore(const HotStore&) = delete;
  HotStore& operator=(const HotStore&) = delete;

  // Applies every op of `batch` and sets the expiry of each touched key (see ExpiryMode).
  // Returns OK only once everything is stored (the caller may then ack its records). On error
  // (server unreachable for options.write_timeout_ms, auth failure, wrong type) some ops may have
  // been applied; retrying the same batch is safe (every op is idempotent).
  virtual Status Write(const HotWriteBatch& batch) = 0;

  // The members of set `key`, sorted. Empty when the key does not exist or has expired.
  // InvalidArgument if `key` holds a value, not a set.
  virtual Result<std::vector<std::string>> Members(std::string_view key) = 0;
  // Whether `member` is in set `key`.
  virtual Result<bool> IsMember(std::string_view key, std::string_view member) = 0;
  // The value of `key`, or std::nullopt when it does not exist or has expired.
  // InvalidArgument if `key` holds a set.
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  // Live keys (sets and values, prefix removed) matching the glob `pattern` (Redis KEYS syntax:
  // `*`, `?`, `[a-z]`, `[^x]`, `\` escapes), sorted.
  virtual Result<std::vector<std::string>> Keys(std::string_view pattern) = 0;
  // Removes `key` (set or value). OK when it did not exist.
  virtual Status Delete(std::string_view key) = 0;
  // Milliseconds until `key` expires; NotFound when it does not exist.
  virtual Result<int64_t> TtlMs(std::string_view key) = 0;

  // Convenience: one SetAdd + expiry, as Write() of a one-op batch.
  Status SetAdd(std::string_view key, std::string_view member) {
    HotWriteBatch b;
    b.SetAdd(key, member);
    return Write(b);
  }
  // A short description of the engine, e.g. "redis 127.0.0.1:6379" or "embedded data/hot".
  virtual std::string Describe() const = 0;
};

// Forwards every call to another store (RocksDB's EnvWrapper): derive from it to observe or
// change one method, e.g. to time or record writes in a test or a benchmark. Owns `target`.
class HotStoreWrapper : public HotStore {
 public:
  explicit HotStoreWrapper(std::unique_ptr<HotStore> target) : target_(std::move(target)) {}
  Status Write(const HotWriteBatch& batch) override { return target_->Write(batch); }
  Result<std::vector<std::string>> Members(std::string_view key) override {
    return target_->Members(key);
  }
  Result<bool> IsMember(std::string_view key, std::string_view member) override {
    return target_->IsMember(key, member);
  }
  Result<std::optional<std::string>> Get(std::string_view key) override {
    return target_->Get(key);
  }
  Result<std::vector<std::string>> Keys(std::string_view pattern) override {
    return target_->Keys(pattern);
  }
  Status Delete(std::string_view key) override { return target_->Delete(key); }
  Result<int64_t> TtlMs(std::string_view key) override { return target_->TtlMs(key); }
  std::string Describe() const override { return target_->Describe(); }

 private:
  std::unique_ptr<HotStore> target_;
};

// Checks `options` (ttl > 0, sentinels need a master name, ...). OpenHotStore() calls it.
Status ValidateHotOptions(const HotOptions& options);

// Opens the engine `options` chooses: Redis when `redis` or `sentinels` is set, else the
// embedded store in `data_dir`. Redis: connects (finding the master through Sentinel), and
// authenticates before returning, so a wrong address, password or master name is reported here
// within about options.open_timeout_ms.
Result<std::unique_ptr<HotStore>> OpenHotStore(const HotOptions& options);

// Rebuilds the embedded store's database in `data_dir` (DATA/hot) from what is readable
// (storage/rocks_repair.h). No process may hold it.
Result<storage::RepairResult> RepairEmbeddedHotStore(const std::string& data_dir);

}  // namespace smartcar::hot

// RedisStore: each write batch as MULTI, SADD / SET, one PEXPIRE per key, EXEC (chunks of at most
// 8192 ops), then WAIT when replicas are required; reads as SMEMBERS, SISMEMBER, GET, PTTL and
// SCAN MATCH. Everything goes through the RedisPool's retries.
#include "hot/redis/redis_store.h"

#include <algorithm>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hot/glob.h"
#include "hot/redis/redis_pool.h"

namespace smartcar::hot {
namespace {

constexpr size_t kMaxOpsPerTransaction = 8192;

class RedisStore final : public HotStore {
 public:
  explicit RedisStore(const HotOptions& options)
      : options_(options),
        pool_(options),
        ttl_(std::to_string(options.ttl_ms)),
        wait_replicas_(std::to_string(options.wait_replicas)),
        wait_timeout_(std::to_string(options.wait_timeout_ms)) {}

  Status Ping() {
    return pool_.Run(options_.open_timeout_ms, "redis: connect", [](RedisConnection& c) {
      auto r = c.Command({"PING"});
      if (!r) return r.error();
      if (r->is_error()) return ReplyErrorStatus(c.endpoint(), "PING", r->str);
      return Status::OK();
    });
  }

  Status Write(const HotWriteBatch& batch) override;
  Status WriteChunk(std::span<const HotOp> ops);
  Result<std::vector<std::string>> Members(std::string_view key) override;
  Result<bool> IsMember(std::string_view key, std::string_view member) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::vector<std::string>> Keys(std::string_view pattern) override;
  Status Delete(std::string_view key) override;
  Result<int64_t> TtlMs(std::string_view key) override;
  std::string Describe() const override { return pool_.Describe(); }

 private:
  // Runs one read-only command with retries (bounded by open_timeout_ms).
  Result<RedisReply> Read(std::string_view what, const RedisCommand& cmd);
  std::string Full(std::string_view key) const { return options_.key_prefix + std::string(key); }

  const HotOptions options_;
  mutable RedisPool pool_;
  const std::string ttl_;
  const std::string wait_replicas_, wait_timeout_;
};

Status RedisStore::Write(const HotWriteBatch& batch) {
  // Huge batches go as several transactions, so neither side buffers one giant MULTI; each
  // chunk sets the expiry of the keys it touches, so no key is ever left without one.
  std::span<const HotOp> ops(batch.ops());
  while (!ops.empty()) {
    const size_t n = std::min(ops.size(), kMaxOpsPerTransaction);
    SMARTCAR_RETURN_IF_ERROR(WriteChunk(ops.first(n)));
    ops = ops.subspan(n);
  }
  return Status::OK();
}

Status RedisStore::WriteChunk(std::span<const HotOp> ops) {
  const bool sliding = options_.expiry == ExpiryMode::kSliding;
  // Full keys, owned here; commands point into them and into the batch.
  std::vector<std::string> keys;
  std::unordered_map<std::string_view, size_t> seen;
  keys.reserve(ops.size());
  std::vector<size_t> op_key(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const std::string& k = ops[i].key;
    auto it = seen.find(k);
    if (it == seen.end()) {
      keys.push_back(Full(k));
      it = seen.emplace(k, keys.size() - 1).first;
    }
    op_key[i] = it->second;
  }
  // MULTI, the ops in order, one PEXPIRE per key, EXEC: a key never exists without its expiry,
  // even if this client dies mid-batch. Adds to one key are merged into one SADD unless a SET of
  // that key comes between (ops on different keys commute). Sliding: SET carries PX itself.
  std::vector<RedisCommand> cmds;
  cmds.reserve(ops.size() + keys.size() + 2);
  cmds.push_back({"MULTI"});
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> open_sadd(keys.size(), kNone);  // Per key: its mergeable SADD command.
  std::vector<bool> needs_expire(keys.size(), !sliding);
  for (size_t i = 0; i < ops.size(); ++i) {
    const HotOp& op = ops[i];
    const size_t ki = op_key[i];
    const std::string& k = keys[ki];
    if (op.kind == HotOp::Kind::kSetAdd) {
      if (open_sadd[ki] != kNone) {
        cmds[open_sadd[ki]].push_back(op.value);
      } else {
        open_sadd[ki] = cmds.size();
        cmds.push_back({"SADD", k, op.value});
      }
      needs_expire[ki] = true;
    } else {
      open_sadd[ki] = kNone;
      if (sliding) {
        cmds.push_back({"SET", k, op.value, "PX", ttl_});
      } else {
        cmds.push_back({"SET", k, op.value, "KEEPTTL"});
      }
    }
  }
  for (size_t ki = 0; ki < keys.size(); ++ki) {
    if (!needs_expire[ki]) continue;
    if (sliding) {
      cmds.push_back({"PEXPIRE", keys[ki], ttl_});
    } else {
      cmds.push_back({"PEXPIRE", keys[ki], ttl_, "NX"});
    }
  }
  cmds.push_back({"EXEC"});
  const size_t exec_index = cmds.size() - 1;
  const bool wait = options_.wait_replicas > 0;
  if (wait) cmds.push_back({"WAIT", wait_replicas_, wait_timeout_});
  std::vector<RedisReply> replies;
  return pool_.Run(options_.write_timeout_ms, "redis: write", [&](RedisConnection& c) -> Status {
    SMARTCAR_RETURN_IF_ERROR(c.Pipeline(cmds, &replies));
    // Errors while queueing (MULTI's replies) come first; EXEC then answers EXECABORT.
    for (size_t i = 0; i < exec_index; ++i) {
      if (replies[i].is_error()) {
        return ReplyErrorStatus(c.endpoint(), std::string(cmds[i][0]), replies[i].str);
      }
    }
    const RedisReply& exec = replies[exec_index];
    if (exec.is_error()) return ReplyErrorStatus(c.endpoint(), "EXEC", exec.str);
    if (exec.type != RedisReply::Type::kArray) {
      return Status::IOError("redis " + c.endpoint().ToString() + ": EXEC aborted");
    }
    for (size_t i = 0; i < exec.elements.size(); ++i) {
      if (exec.elements[i].is_error()) {
        return ReplyErrorStatus(c.endpoint(), std::string(cmds[i + 1][0]), exec.elements[i].str);
      }
    }
    if (wait) {
      const RedisReply& w = replies.back();
      if (w.is_error()) return ReplyErrorStatus(c.endpoint(), "WAIT", w.str);
      if (w.integer < options_.wait_replicas) {
        // Stored on the master but not yet on enough replicas: not acked; retried (idempotent).
        return Status::Busy("redis " + c.endpoint().ToString() + ": only " +
                            std::to_string(w.integer) + " of " + wait_replicas_ +
                            " replica(s) acknowledged the write within " + wait_timeout_ + " ms");
      }
    }
    return Status::OK();
  });
}

Result<RedisReply> RedisStore::Read(std::string_view what, const RedisCommand& cmd) {
  RedisReply out;
  Status s = pool_.Run(options_.open_timeout_ms, what, [&](RedisConnection& c) -> Status {
    auto r = c.Command(cmd);
    if (!r) return r.error();
    if (r->is_error()) return ReplyErrorStatus(c.endpoint(), what, r->str);
    out = *std::move(r);
    return Status::OK();
  });
  if (!s.ok()) return Err(std::move(s));
  return out;
}

Result<std::vector<std::string>> RedisStore::Members(std::string_view key) {
  const std::string k = Full(key);
  auto r = Read("SMEMBERS", {"SMEMBERS", k});
  if (!r) return Err(r.error());
  std::vector<std::string> out;
  out.reserve(r->elements.size());
  for (RedisReply& e : r->elements) out.push_back(std::move(e.str));
  std::sort(out.begin(), out.end());
  return out;
}

Result<bool> RedisStore::IsMember(std::string_view key, std::string_view member) {
  const std::string k = Full(key);
  auto r = Read("SISMEMBER", {"SISMEMBER", k, member});
  if (!r) return Err(r.error());
  return r->integer == 1;
}

Result<std::optional<std::string>> RedisStore::Get(std::string_view key) {
  const std::string k = Full(key);
  auto r = Read("GET", {"GET", k});
  if (!r) return Err(r.error());
  if (r->type == RedisReply::Type::kNil) return std::optional<std::string>();
  return std::optional<std::string>(std::move(r->str));
}

Result<std::vector<std::string>> RedisStore::Keys(std::string_view pattern) {
  const std::string match = GlobEscape(options_.key_prefix) + std::string(pattern);
  std::vector<std::string> out;
  std::string cursor = "0";
  do {
    auto r = Read("SCAN", {"SCAN", cursor, "MATCH", match, "COUNT", "1000"});
    if (!r) return Err(r.error());
    if (r->type != RedisReply::Type::kArray || r->elements.size() != 2) {
      return Err(Status::Corruption("redis: unexpected SCAN reply"));
    }
    cursor = r->elements[0].str;
    for (RedisReply& e : r->elements[1].elements) {
      out.push_back(e.str.substr(options_.key_prefix.size()));
    }
  } while (cursor != "0");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());  // SCAN may repeat keys.
  return out;
}

Status RedisStore::Delete(std::string_view key) {
  const std::string k = Full(key);
  return pool_.Run(options_.write_timeout_ms, "redis: delete", [&](RedisConnection& c) -> Status {
    auto r = c.Command({"DEL", k});
    if (!r) return r.error();
    if (r->is_error()) return ReplyErrorStatus(c.endpoint(), "DEL", r->str);
    return Status::OK();
  });
}

Result<int64_t> RedisStore::TtlMs(std::string_view key) {
  const std::string k = Full(key);
  auto r = Read("PTTL", {"PTTL", k});
  if (!r) return Err(r.error());
  if (r->integer == -2) return Err(Status::NotFound(std::string(key)));
  return r->integer;  // -1: the key has no expiry (written by someone else).
}

}  // namespace

Result<std::unique_ptr<HotStore>> OpenRedisStore(const HotOptions& options) {
  auto store = std::make_unique<RedisStore>(options);
  if (Status s = store->Ping(); !s.ok()) return Err(std::move(s));
  return std::unique_ptr<HotStore>(std::move(store));
}

}  // namespace smartcar::hot

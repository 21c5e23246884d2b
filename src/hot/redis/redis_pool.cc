// RedisPool: leases pooled connections (AUTH, SELECT and, behind Sentinel, a ROLE check that the
// server is the master), maps error replies to retriable or final Status, and retries with
// exponential backoff, dropping the pool when the master goes stale.
#include "hot/redis/redis_pool.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

namespace smartcar::hot {
namespace {

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

Status ReplyErrorStatus(const Endpoint& endpoint, std::string_view what, std::string_view err) {
  const std::string where = "redis " + endpoint.ToString() + ": " + std::string(what) + ": ";
  if (StartsWith(err, "READONLY") || StartsWith(err, "LOADING") || StartsWith(err, "MASTERDOWN") ||
      StartsWith(err, "TRYAGAIN") || StartsWith(err, "BUSY") || StartsWith(err, "NOREPLICAS")) {
    return Status::IOError(where + std::string(err));
  }
  if (StartsWith(err, "WRONGPASS") || StartsWith(err, "NOAUTH") ||
      err.find("invalid password") != std::string_view::npos ||
      err.find("without any password configured") != std::string_view::npos ||
      err.find("invalid username-password") != std::string_view::npos) {
    return Status::InvalidArgument(where + "authentication failed: " + std::string(err));
  }
  if (StartsWith(err, "NOPERM")) {
    return Status::InvalidArgument(where + "permission denied: " + std::string(err));
  }
  if (StartsWith(err, "WRONGTYPE")) return Status::InvalidArgument(where + std::string(err));
  return Status::Aborted(where + std::string(err));
}

RedisPool::RedisPool(HotOptions options) : options_(std::move(options)) {
  if (options_.sentinels.empty()) master_ = *options_.redis;
}

RedisPool::~RedisPool() = default;

std::string RedisPool::Describe() {
  std::lock_guard<std::mutex> l(mu_);
  if (options_.sentinels.empty()) return "redis " + master_.ToString();
  return "redis sentinel " + options_.master_name + " (" +
         (master_.port != 0 ? master_.ToString() : "unknown") + ")";
}

Status RedisPool::Authenticate(RedisConnection& c, std::string_view user,
                               std::string_view password) {
  if (password.empty()) return Status::OK();
  RedisCommand cmd{"AUTH"};
  if (!user.empty()) cmd.push_back(user);
  cmd.push_back(password);
  auto r = c.Command(cmd);
  if (!r) return r.error();
  if (r->is_error()) return ReplyErrorStatus(c.endpoint(), "AUTH", r->str);
  return Status::OK();
}

Result<Endpoint> RedisPool::AskSentinels() {
  std::string errors;
  bool any_answered = false;
  for (const Endpoint& s : options_.sentinels) {
    auto c = RedisConnection::Connect(s, options_.connect_timeout_ms, options_.command_timeout_ms);
    if (!c) {
      errors += (errors.empty() ? "" : "; ") + c.error().message();
      continue;
    }
    if (Status a = Authenticate(**c, "", options_.sentinel_password); !a.ok()) {
      if (!IsRetriable(a)) return Err(a.WithPrefix("sentinel "));
      errors += (errors.empty() ? "" : "; ") + a.message();
      continue;
    }
    auto r = (*c)->Command({"SENTINEL", "get-master-addr-by-name", options_.master_name});
    if (!r) {
      errors += (errors.empty() ? "" : "; ") + r.error().message();
      continue;
    }
    any_answered = true;
    if (r->type == RedisReply::Type::kArray && r->elements.size() == 2) {
      auto ep = ParseEndpoint(r->elements[0].str + ":" + r->elements[1].str, "sentinel answer");
      if (ep) return ep;
      errors += (errors.empty() ? "" : "; ") + ep.error().message();
    } else if (r->is_error()) {
      errors += (errors.empty() ? "" : "; ") + s.ToString() + ": " + r->str;
    }
  }
  if (any_answered && errors.empty()) {
    std::string list;
    for (const Endpoint& s : options_.sentinels) list += (list.empty() ? "" : ",") + s.ToString();
    return Err(Status::InvalidArgument("redis sentinel: no master named '" + options_.master_name +
                                       "' is known to sentinels " + list));
  }
  return Err(Status::IOError("redis sentinel: no sentinel answered for master '" +
                             options_.master_name + "': " + errors));
}

Result<std::unique_ptr<RedisConnection>> RedisPool::Dial() {
  Endpoint ep;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!stale_ || options_.sentinels.empty()) ep = master_;
  }
  const bool sentinel = !options_.sentinels.empty();
  if (ep.port == 0) {
    auto found = AskSentinels();
    if (!found) return Err(found.error());
    ep = *found;
    std::lock_guard<std::mutex> l(mu_);
    master_ = ep;
    stale_ = false;
  }
  auto c = RedisConnection::Connect(ep, options_.connect_timeout_ms, options_.command_timeout_ms);
  if (!c) return Err(c.error().WithPrefix("redis "));
  if (Status a = Authenticate(**c, options_.username, options_.password); !a.ok()) return Err(a);
  if (options_.db != 0) {
    const std::string db = std::to_string(options_.db);
    auto r = (*c)->Command({"SELECT", db});
    if (!r) return Err(r.error());
    if (r->is_error()) return Err(ReplyErrorStatus(ep, "SELECT " + db, r->str));
  }
  if (sentinel) {
    // After a failover Sentinel may briefly still name the old master, or it may come back as
    // a replica: only a master takes writes.
    auto r = (*c)->Command({"ROLE"});
    if (!r) return Err(r.error());
    if (r->is_error()) return Err(ReplyErrorStatus(ep, "ROLE", r->str));
    if (r->type != RedisReply::Type::kArray || r->elements.empty() ||
        r->elements[0].str != "master") {
      return Err(Status::IOError("redis " + ep.ToString() + " is not a master yet (role " +
                                 (r->elements.empty() ? "?" : r->elements[0].str) + ")"));
    }
  }
  return c;
}

Result<RedisPool::Lease> RedisPool::Acquire(int64_t deadline_us) {
  uint64_t generation;
  {
    std::unique_lock<std::mutex> l(mu_);
    while (idle_.empty() && open_ >= options_.pool_size) {
      const auto left = std::chrono::microseconds(std::max<int64_t>(0, deadline_us - NowUs()));
      if (cv_.wait_for(l, left) == std::cv_status::timeout && idle_.empty() &&
          open_ >= options_.pool_size) {
        return Err(Status::Busy("redis: all " + std::to_string(options_.pool_size) +
                                " pooled connections are busy"));
      }
    }
    if (!idle_.empty()) {
      Lease lease{std::move(idle_.back()), generation_};
      idle_.pop_back();
      return lease;
    }
    ++open_;
    generation = generation_;
  }
  auto c = Dial();
  if (!c) {
    std::lock_guard<std::mutex> l(mu_);
    --open_;
    cv_.notify_one();
    return Err(c.error());
  }
  return Lease{*std::move(c), generation};
}

void RedisPool::Release(Lease lease, bool healthy) {
  std::unique_ptr<RedisConnection> drop;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (healthy && !lease.conn->broken() && lease.generation == generation_) {
      idle_.push_back(std::move(lease.conn));
    } else {
      drop = std::move(lease.conn);
      --open_;
    }
    cv_.notify_one();
  }
}

void RedisPool::MarkStale(uint64_t generation) {
  std::vector<std::unique_ptr<RedisConnection>> drop;
  std::lock_guard<std::mutex> l(mu_);
  if (generation != generation_) return;  // Someone else already did.
  ++generation_;
  stale_ = true;
  open_ -= static_cast<int>(idle_.size());
  drop.swap(idle_);
  cv_.notify_all();
}

Status RedisPool::Run(int timeout_ms, std::string_view what,
                      const std::function<Status(RedisConnection&)>& fn) {
  const int64_t start = NowUs();
  const int64_t deadline = start + int64_t{timeout_ms} * 1000;
  int64_t backoff_us = int64_t{options_.backoff_initial_ms} * 1000;
  int attempts = 0;
  for (;;) {
    ++attempts;
    Status s;
    uint64_t generation;
    {
      std::lock_guard<std::mutex> l(mu_);
      generation = generation_;
    }
    auto lease = Acquire(deadline);
    if (!lease) {
      s = lease.error();
    } else {
      generation = lease->generation;
      s = fn(*lease->conn);
      Release(*std::move(lease), s.ok() || !IsRetriable(s));
    }
    if (s.ok() || !IsRetriable(s)) return s;
    if (s.code() == Status::Code::kIOError) MarkStale(generation);
    const int64_t now = NowUs();
    if (now + backoff_us >= deadline) {
      return Status::IOError(std::string(what) + " failed after " + std::to_string(attempts) +
                             " attempt(s) in " + std::to_string((now - start) / 1000) +
                             " ms: " + s.message());
    }
    std::this_thread::sleep_for(std::chrono::microseconds(backoff_us));
    backoff_us = std::min<int64_t>(backoff_us * 2, int64_t{options_.backoff_max_ms} * 1000);
  }
}

}  // namespace smartcar::hot

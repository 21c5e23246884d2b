// Membership: /members/<id> ephemeral JSON documents; the election is "create /leader
// (ephemeral) if absent", retried whenever the watch on /leader fires — after the leader's session
// ends, or after this member's own session was replaced.
#include "coord/membership.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/json_integer.h"

namespace smartcar::coord {

std::string MemberToJson(const MemberInfo& m) {
  nlohmann::json j{{"id", m.id},
                   {"host", m.host},
                   {"pid", m.pid},
                   {"command", m.command},
                   {"version", m.version},
                   {"partitions", m.partitions},
                   {"started_ms", m.started_ms},
                   {"metrics_url", m.metrics_url},
                   {"rules", m.rules},
                   {"rule_errors", m.rule_errors}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<MemberInfo> MemberFromJson(const std::string& json) {
  try {
    const auto j = nlohmann::json::parse(json);
    MemberInfo m;
    m.id = j.at("id").get<std::string>();
    m.host = j.value("host", std::string());
    m.pid = j.contains("pid") ? JsonIntegerOrThrow<int64_t>(j.at("pid"), "pid") : 0;
    m.command = j.value("command", std::string());
    m.version = j.value("version", std::string());
    if (j.contains("partitions")) {
      for (const auto& p : j.at("partitions")) {
        m.partitions.push_back(JsonIntegerOrThrow<int32_t>(p, "partitions"));
      }
    }
    m.started_ms = j.contains("started_ms")
                       ? JsonIntegerOrThrow<int64_t>(j.at("started_ms"), "started_ms")
                       : 0;
    m.metrics_url = j.value("metrics_url", std::string());
    if (j.contains("rules")) m.rules = j.at("rules").get<std::map<std::string, std::string>>();
    if (j.contains("rule_errors")) {
      m.rule_errors = j.at("rule_errors").get<std::map<std::string, std::string>>();
    }
    return m;
  } catch (const std::exception& e) {
    return Err(Status::Corruption(std::string("member document: ") + e.what()));
  }
}

Result<std::unique_ptr<Membership>> Membership::Join(Coordinator* c, MemberInfo self) {
  if (self.host.empty()) {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    self.host = host;
  }
  if (self.pid == 0) self.pid = ::getpid();
  if (self.started_ms == 0) {
    self.started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  }
  if (self.id.empty()) {
    std::string host;
    for (const char ch : self.host) {
      const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
      host += ok ? ch : '_';
    }
    self.id = (host.empty() ? "host" : host) + "-" + std::to_string(self.pid);
  }
  std::unique_ptr<Membership> m(new Membership(c, std::move(self)));
  const std::string path = std::string(kMembers) + "/" + m->id_;
  Status s = c->Create(path, MemberToJson(m->self_), CreateMode::kEphemeral);
  if (!s.ok()) return Err(s.WithPrefix("joining as " + m->id_ + ": "));
  Membership* raw = m.get();
  m->guard_->self = raw;
  // Writes that failed while the connection was down are published again once it is back.
  c->OnSessionState([guard = m->guard_](SessionState s) {
    if (s != SessionState::kConnected) return;
    std::lock_guard<std::mutex> l(guard->mu);
    if (guard->self != nullptr) guard->self->Publish();
  });
  auto w = c->WatchNode(kLeader, [raw] { raw->Elect(); });
  if (!w) return Err(w.error());
  m->leader_watch_ = std::move(*w);
  m->Elect();
  return m;
}

Membership::~Membership() {
  {
    std::lock_guard<std::mutex> l(guard_->mu);
    guard_->self = nullptr;
  }
  leader_watch_.reset();  // No more callbacks.
  // Leave at once rather than when the session ends.
  if (leader_.load()) {
    auto n = c_->Get(kLeader);
    if (n && n->data == id_) (void)c_->Delete(kLeader);
  }
  (void)c_->Delete(std::string(kMembers) + "/" + id_);
}

void Membership::OnLeadership(std::function<void(bool)> fn) {
  std::lock_guard<std::mutex> l(mu_);
  on_leadership_ = std::move(fn);
}

void Membership::Elect() {
  auto n = c_->Get(kLeader);
  bool leader = false;
  if (n) {
    leader = n->data == id_;
  } else if (n.error().IsNotFound()) {
    Status s = c_->Create(kLeader, id_, CreateMode::kEphemeral);
    if (s.ok()) {
      leader = true;
    } else {
      auto again = c_->Get(kLeader);
      leader = again && again->data == id_;
    }
  } else {
    return;  // Unreachable now; the watch fires again after the session is back.
  }
  if (leader_.exchange(leader) != leader) {
    std::function<void(bool)> fn;
    {
      std::lock_guard<std::mutex> l(mu_);
      fn = on_leadership_;
    }
    if (fn) fn(leader);
  }
}

void Membership::Publish() {
  // Two threads publishing at once (a rule report, a rebalance) must not write their snapshots
  // out of order, or an older one would overwrite a newer one.
  std::lock_guard<std::mutex> order(publish_mu_);
  std::string json;
  {
    std::lock_guard<std::mutex> l(mu_);
    json = MemberToJson(self_);
  }
  auto v = c_->Set(std::string(kMembers) + "/" + id_, json);
  if (!v) {
    std::fprintf(stderr, "smartcar: coordination: publishing member %s: %s\n", id_.c_str(),
                 v.error().ToString().c_str());
  }
}

void Membership::ReportRule(const std::string& name, const std::string& running,
                            const std::string& error) {
  {
    std::lock_guard<std::mutex> l(mu_);
    const bool same =
        (error.empty() ? self_.rules[name] == running && self_.rule_errors.count(name) == 0
                       : self_.rule_errors[name] == error);
    if (error.empty()) {
      self_.rules[name] = running;
      self_.rule_errors.erase(name);
    } else {
      self_.rule_errors[name] = error;
    }
    if (same) return;
  }
  Publish();
}

void Membership::ForgetRule(const std::string& name) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (self_.rules.erase(name) + self_.rule_errors.erase(name) == 0) return;
  }
  Publish();
}

void Membership::SetMetricsUrl(const std::string& url) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (self_.metrics_url == url) return;
    self_.metrics_url = url;
  }
  Publish();
}

void Membership::SetPartitions(std::vector<int32_t> partitions) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (self_.partitions == partitions) return;
    self_.partitions = std::move(partitions);
  }
  Publish();
}

Result<std::vector<MemberInfo>> ListMembers(Coordinator* c) {
  auto kids = c->Children(Membership::kMembers);
  if (!kids) {
    if (kids.error().IsNotFound()) return std::vector<MemberInfo>{};
    return Err(kids.error());
  }
  std::vector<MemberInfo> out;
  for (const std::string& k : *kids) {
    auto n = c->Get(std::string(Membership::kMembers) + "/" + k);
    if (!n) continue;  // Left meanwhile.
    auto m = MemberFromJson(n->data);
    if (m) out.push_back(std::move(*m));
  }
  return out;
}

Result<std::string> CurrentLeader(Coordinator* c) {
  auto n = c->Get(Membership::kLeader);
  if (!n) {
    if (n.error().IsNotFound()) return std::string();
    return Err(n.error());
  }
  return n->data;
}

}  // namespace smartcar::coord

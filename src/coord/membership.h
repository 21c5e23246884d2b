// Membership and leadership on a Coordinator: every `smartcar run` / `worker` joins as an
// ephemeral node /members/<id> describing itself (host, pid, command, metrics address, the rule
// versions it runs and the ones it could not load), and takes part in the election of one
// leader (/leader, an ephemeral node holding the winner's id) for singleton duties. A member
// that dies leaves: its node goes with its session, and the leadership with it, to the next
// instance that sees /leader free.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "coord/coordinator.h"

namespace smartcar::coord {

struct MemberInfo {
  std::string id;  // "<host>-<pid>"
  std::string host;
  int64_t pid = 0;
  std::string command;  // "smartcar run", "smartcar worker"
  std::string version;  // The binary's ("0.1.0").
  int64_t started_ms = 0;
  std::string metrics_url;                         // "" when none
  std::map<std::string, std::string> rules;        // Rule → what runs: "v3" (store) or "folder".
  std::map<std::string, std::string> rule_errors;  // Rule → why the wanted version is not running.
  std::vector<int32_t> partitions;  // SmartCar-Topic partitions this member consumes now.
};

std::string MemberToJson(const MemberInfo& m);
Result<MemberInfo> MemberFromJson(const std::string& json);

class Membership {
 public:
  static constexpr const char* kMembers = "/members";
  static constexpr const char* kLeader = "/leader";

  // Registers `self` (id filled in when empty) and enters the election. `c` must outlive this.
  static Result<std::unique_ptr<Membership>> Join(Coordinator* c, MemberInfo self);
  ~Membership();

  const std::string& id() const { return id_; }
  bool is_leader() const { return leader_.load(); }
  // Called (from the coordinator's thread) when this member gains or loses the leadership.
  void OnLeadership(std::function<void(bool)> fn);

  // Records what runs of rule `name` ("v3", "folder") or, with a non-empty `error`, why the
  // wanted version does not; published at once.
  void ReportRule(const std::string& name, const std::string& running, const std::string& error);
  // Forgets rule `name` (undeployed).
  void ForgetRule(const std::string& name);
  // Publishes the member's metrics endpoint ("" for none).
  void SetMetricsUrl(const std::string& url);
  // Publishes the log partitions the member consumes (after each rebalance).
  void SetPartitions(std::vector<int32_t> partitions);

 private:
  Membership(Coordinator* c, MemberInfo self) : c_(c), self_(std::move(self)), id_(self_.id) {}
  void Elect();    // Takes /leader if free; updates leader_.
  void Publish();  // Writes /members/<id>.

  // What the session listener reaches; cleared by the destructor (the listener outlives us).
  struct Guard {
    std::mutex mu;
    Membership* self = nullptr;
  };

  Coordinator* c_;
  std::shared_ptr<Guard> guard_ = std::make_shared<Guard>();
  std::mutex publish_mu_;  // Snapshot and write in one step: the last write holds the latest.
  std::mutex mu_;
  MemberInfo self_;
  const std::string id_;
  std::atomic<bool> leader_{false};
  std::function<void(bool)> on_leadership_;
  std::unique_ptr<Watch> leader_watch_;
};

// The live members, sorted by id.
Result<std::vector<MemberInfo>> ListMembers(Coordinator* c);
// The current leader's id, or "" when there is none.
Result<std::string> CurrentLeader(Coordinator* c);

}  // namespace smartcar::coord

// RuleSource: the folder through cep::RuleFolder, the store through coord::RuleStore, with a
// watch on the store's root node so a Poll reads the store only after something changed.
#include "pipeline/rule_source.h"

#include <cstdio>
#include <set>

#include "coord/rule_store.h"

namespace smartcar::pipeline {
namespace {

// Stored version `r` as the change that deploys it as "<name>.epl".
cep::RuleFolder::Change ChangeFor(const coord::RuleVersion& r) {
  cep::RuleFolder::Change c;
  c.name = r.name + ".epl";
  c.path = "rule store: " + r.name + " version " + std::to_string(r.version);
  auto rule = cep::Compile(r.text);
  if (rule) {
    c.rule = std::move(*rule);
  } else {
    c.error = rule.error().WithPrefix(c.path + ": ");
  }
  return c;
}

}  // namespace

Result<std::map<std::string, int64_t>> ResolveRuleVersions(const std::vector<std::string>& values,
                                                           coord::Coordinator* coordinator) {
  std::map<std::string, int64_t> out;
  if (values.empty()) return out;
  coord::RuleStore store(coordinator);
  auto names = store.Names();
  if (!names) return Err(names.error().WithPrefix("rule store: "));
  for (const std::string& value : values) {
    const std::string what = "--rule-version '" + value + "': ";
    auto parsed = ParseRuleVersion(value);
    if (!parsed) return Err(parsed.error());
    auto [name, version] = std::move(*parsed);
    if (name.empty()) {
      if (names->size() != 1) {
        std::string list;
        for (const auto& n : *names) list += (list.empty() ? "" : ", ") + n;
        return Err(Status::InvalidArgument(
            what + (names->empty()
                        ? "the rule store holds no rules (`smartcar rules deploy`)"
                        : "the rule store holds several rules (" + list + "): say which, NAME=N")));
      }
      name = names->front();
    }
    if (out.count(name) != 0) {
      return Err(Status::InvalidArgument(what + "rule '" + name + "' is chosen twice"));
    }
    auto r = store.Get(name, version);
    if (!r) return Err(r.error().WithPrefix(what));
    auto rule = cep::Compile(r->text);
    if (!rule) {
      return Err(rule.error().WithPrefix(what + "version " + std::to_string(version) + " of '" +
                                         name + "' does not compile: "));
    }
    out[name] = version;
  }
  return out;
}

RuleSource::RuleSource(std::string folder, coord::Coordinator* coordinator, RuleChoice choice)
    : folder_dir_(std::move(folder)),
      coord_(coordinator),
      choice_(std::move(choice)),
      folder_(std::make_unique<cep::RuleFolder>(folder_dir_)),
      changed_(std::make_shared<std::atomic<bool>>(true)) {}

RuleSource::~RuleSource() = default;

std::string RuleSource::Describe() const {
  if (store_mode_) return "rule store (" + coord_->Describe() + ")";
  return "rules folder '" + folder_dir_ + "'";
}

Result<std::vector<cep::RuleFolder::Change>> RuleSource::PollFolder() {
  auto changes = folder_->Poll();
  if (!changes) return changes;
  for (const auto& c : *changes) {
    if (c.removed) {
      running_.erase(c.name);
    } else if (c.rule) {
      running_[c.name] = "folder";
    }
  }
  return changes;
}

// The store read once: the chosen versions, the latest of the other rules; nothing changes later.
Result<std::vector<cep::RuleFolder::Change>> RuleSource::PollPinned() {
  std::vector<cep::RuleFolder::Change> changes;
  if (!first_) return changes;
  coord::RuleStore store(coord_);
  auto latest = store.Latest();
  if (!latest) return Err(latest.error().WithPrefix("rule store: "));
  std::set<std::string> seen;
  for (const coord::RuleVersion& r : *latest) {
    seen.insert(r.name);
    coord::RuleVersion chosen = r;
    auto it = choice_.versions.find(r.name);
    if (it != choice_.versions.end() && it->second != r.version) {
      auto v = store.Get(r.name, it->second);
      if (!v) return Err(v.error().WithPrefix("rule store: "));
      chosen = std::move(*v);
    }
    running_[chosen.name + ".epl"] = "v" + std::to_string(chosen.version);
    store_versions_[chosen.name + ".epl"] = chosen.version;
    changes.push_back(ChangeFor(chosen));
  }
  for (const auto& [name, version] : choice_.versions) {
    if (seen.count(name) == 0) {
      return Err(Status::NotFound("rule store: no rule '" + name + "' (chosen at version " +
                                  std::to_string(version) + ")"));
    }
  }
  first_ = false;
  store_mode_ = true;
  return changes;
}

Result<std::vector<cep::RuleFolder::Change>> RuleSource::Poll() {
  if (coord_ == nullptr || choice_.folder_only) return PollFolder();
  if (!choice_.versions.empty()) return PollPinned();
  if (watch_ == nullptr) {
    auto changed = changed_;
    auto w = coord_->WatchNode(coord::RuleStore::kRoot, [changed] { changed->store(true); });
    if (w) {
      watch_ = std::move(*w);
    } else {
      changed_->store(true);  // No watch yet: read the store every Poll until there is one.
    }
  }
  const bool first = first_;
  // Folder edits are applied only after a look at the store: once it holds rules they win,
  // even if its watch has not fired here yet.
  std::vector<cep::RuleFolder::Change> folder_changes;
  bool folder_polled = false;
  if (!changed_->exchange(false) && !first) {
    if (store_mode_) return std::vector<cep::RuleFolder::Change>{};
    auto fc = PollFolder();
    if (!fc || fc->empty()) return fc;
    folder_changes = std::move(*fc);
    folder_polled = true;
  }
  const auto folder_only = [&]() -> Result<std::vector<cep::RuleFolder::Change>> {
    if (folder_polled) return std::move(folder_changes);
    return PollFolder();
  };
  coord::RuleStore store(coord_);
  auto latest = store.Latest();
  if (!latest) {
    changed_->store(true);  // Retry on the next Poll.
    if (first) return Err(latest.error().WithPrefix("rule store: "));
    if (!reported_unreachable_) {
      std::fprintf(stderr, "smartcar: rule store unreachable, keeping the running rules: %s\n",
                   latest.error().ToString().c_str());
      reported_unreachable_ = true;
    }
    if (store_mode_) return std::vector<cep::RuleFolder::Change>{};
    return folder_only();
  }
  reported_unreachable_ = false;
  first_ = false;
  std::vector<cep::RuleFolder::Change> changes;
  if (latest->empty()) {
    if (store_mode_) {
      // The store was emptied: back to the folder, read afresh.
      store_mode_ = false;
      store_versions_.clear();
      folder_ = std::make_unique<cep::RuleFolder>(folder_dir_);
      const std::map<std::string, std::string> before = running_;
      running_.clear();
      auto fresh = PollFolder();
      if (fresh) changes = std::move(*fresh);
      for (const auto& [name, tag] : before) {
        if (running_.count(name) == 0) {
          cep::RuleFolder::Change c;
          c.name = name;
          c.path = "store";
          c.removed = true;
          changes.push_back(std::move(c));
        }
      }
      return changes;
    }
    return folder_only();
  }
  if (!store_mode_) {
    // Said once per process and coordinator, not once per CEP task.
    static std::atomic<const void*> announced{nullptr};
    if (announced.exchange(coord_) != coord_) {
      std::string names;
      for (const coord::RuleVersion& r : *latest) {
        names += (names.empty() ? "" : ", ") + r.name + " v" + std::to_string(r.version);
      }
      std::fprintf(stderr,
                   "smartcar: rules %sfrom the rule store (%s): %s; the folder '%s' is not read "
                   "while the store holds rules (`smartcar rules list`)\n",
                   first ? "" : "now ", coord_->Describe().c_str(), names.c_str(),
                   folder_dir_.c_str());
    }
  }
  store_mode_ = true;
  std::set<std::string> wanted;
  for (const coord::RuleVersion& r : *latest) {
    const std::string name = r.name + ".epl";
    const std::string tag = "v" + std::to_string(r.version);
    wanted.insert(name);
    auto it = running_.find(name);
    if (it != running_.end() && it->second == tag) continue;
    running_[name] = tag;  // A broken version is reported once, not recompiled every Poll.
    store_versions_[name] = r.version;
    changes.push_back(ChangeFor(r));
  }
  for (auto it = running_.begin(); it != running_.end();) {
    if (wanted.count(it->first) == 0) {
      cep::RuleFolder::Change c;
      c.name = it->first;
      c.path = "rule store";
      c.removed = true;
      changes.push_back(std::move(c));
      store_versions_.erase(it->first);
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
  return changes;
}

}  // namespace smartcar::pipeline

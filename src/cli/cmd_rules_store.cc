// `smartcar rules deploy|list|show|history|diff|rollback|delete`: the rule store
// (coord/rule_store.h) on the data folder's embedded coordinator or on ZooKeeper. Every running
// `smartcar run` / `worker` attached to the same coordinator swaps a deployed version in within
// a second (pipeline/rule_source.h).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cep/engine.h"
#include "cep/rule_folder.h"
#include "cli/commands.h"
#include "cli/topology_settings.h"
#include "coord/coordinator.h"
#include "coord/membership.h"
#include "coord/rule_store.h"
#include "core/event_time.h"
#include "core/file.h"

namespace smartcar::cli {
namespace {

namespace fs = std::filesystem;

struct StoreFlags {
  std::string data = "./smartcar-data";
  CoordFlags coord;
  // deploy
  std::string file;
  std::string name;
  std::string author;
  std::string message;
  // show / history / diff / rollback / delete
  std::string rule;
  int64_t version = 0;
  int64_t a = 0;
  int64_t b = 0;
  int64_t to = 0;
};

int Fail(const std::string& msg, int code = kExitFailure) {
  std::fprintf(stderr, "smartcar rules: %s\n", msg.c_str());
  return code;
}

Result<std::unique_ptr<coord::Coordinator>> Open(const StoreFlags& f) {
  return OpenCoordinatorFor(f.data, f.coord);
}

std::string Author(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* user = std::getenv("USER");
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string(user != nullptr ? user : "unknown") + "@" + host;
}

std::string Time(int64_t ms) { return FormatIsoUtc(EventTimeMs{ms}); }

int RunDeployOne(const StoreFlags& f);

// A folder: every *.epl in it, each under its file name, after all of them compiled.
int RunDeploy(const StoreFlags& f) {
  std::error_code ec;
  if (!fs::is_directory(f.file, ec)) return RunDeployOne(f);
  if (!f.name.empty()) return Fail("--name names one rule: deploy a folder without it", kExitUsage);
  auto files = cep::ListRuleFiles(f.file);
  if (!files) return Fail(files.error().message());
  for (const std::string& path : *files) {
    auto text = ReadFileToString(path, "rule file");
    if (!text) return Fail(text.error().message());
    if (auto rule = cep::Compile(*text); !rule) {
      return Fail(path + ": " + rule.error().message() + " (nothing deployed)");
    }
  }
  for (const std::string& path : *files) {
    StoreFlags one = f;
    one.file = path;
    if (const int code = RunDeployOne(one); code != kExitOk) return code;
  }
  return kExitOk;
}

int RunDeployOne(const StoreFlags& f) {
  auto text = ReadFileToString(f.file, "rule file");
  if (!text) return Fail(text.error().message());
  const std::string name = f.name.empty() ? fs::path(f.file).stem().string() : f.name;
  if (Status s = coord::RuleStore::CheckName(name); !s.ok()) {
    return Fail(s.message() + " (--name NAME)", kExitUsage);
  }
  auto rule = cep::Compile(*text);
  if (!rule) {
    return Fail(f.file + ": " + rule.error().message() + " (nothing deployed)");
  }
  auto c = Open(f);
  if (!c) return Fail(c.error().ToString());
  coord::RuleStore store(c->get());
  bool unchanged = false;
  auto v = store.Deploy(name, *text, Author(f.author), f.message, &unchanged);
  if (!v) return Fail(v.error().ToString());
  if (unchanged) {
    std::printf("%s: unchanged, version %lld is already this text (%s)\n", name.c_str(),
                static_cast<long long>(v->version), (*c)->Describe().c_str());
  } else {
    std::printf("%s: deployed version %lld (%s, %zu statement%s) to %s\n", name.c_str(),
                static_cast<long long>(v->version), v->checksum.c_str(),
                rule->statement_names().size(), rule->statement_names().size() == 1 ? "" : "s",
                (*c)->Describe().c_str());
  }
  return kExitOk;
}

int RunList(const StoreFlags& f) {
  auto c = Open(f);
  if (!c) return Fail(c.error().ToString());
  coord::RuleStore store(c->get());
  auto latest = store.Latest();
  if (!latest) return Fail(latest.error().ToString());
  if (latest->empty()) {
    std::printf(
        "no rules in the store (%s): runs use their rules folder; "
        "`smartcar rules deploy FILE.epl` stores one\n",
        (*c)->Describe().c_str());
    return kExitOk;
  }
  auto members = coord::ListMembers(c->get());
  if (!members) return Fail(members.error().ToString());
  std::printf("%-24s %7s  %-20s  %-24s  %-14s  %-20s  %s\n", "NAME", "VERSION", "DEPLOYED",
              "AUTHOR", "CHECKSUM", "RUNNING", "MESSAGE");
  std::vector<std::string> mismatches;
  for (const coord::RuleVersion& r : *latest) {
    const std::string want = "v" + std::to_string(r.version);
    size_t on = 0;
    for (const coord::MemberInfo& m : *members) {
      auto it = m.rules.find(r.name);
      auto err = m.rule_errors.find(r.name);
      if (it != m.rules.end() && it->second == want && err == m.rule_errors.end()) {
        ++on;
      } else {
        mismatches.push_back("  " + r.name + " " + want + " not running on " + m.id + ": " +
                             (err != m.rule_errors.end()
                                  ? err->second
                                  : (it == m.rules.end() ? "not loaded" : "runs " + it->second)));
      }
    }
    const std::string running = members->empty() ? "no member"
                                                 : std::to_string(on) + " of " +
                                                       std::to_string(members->size()) + " members";
    std::printf("%-24s %7lld  %-20s  %-24s  %-14s  %-20s  %s\n", r.name.c_str(),
                static_cast<long long>(r.version), Time(r.time_ms).c_str(), r.author.c_str(),
                r.checksum.c_str(), running.c_str(), r.message.c_str());
  }
  if (!mismatches.empty()) {
    std::printf("mismatches:\n");
    for (const std::string& m : mismatches) std::printf("%s\n", m.c_str());
  }
  return kExitOk;
}

int RunShow(const StoreFlags& f) {
  auto c = Open(f);
  if (!c) return Fail(c.error().ToString());
  coord::RuleStore store(c->get());
  auto r = store.Get(f.rule, f.version);
  if (!r) return Fail(r.error().message());
  std::fwrite(r->text.data(), 1, r->text.size(), stdout);
  if (!r->text.empty() && r->text.back() != '\n') std::fputc('\n', stdout);
  std::fprintf(stderr, "-- %s version %lld, %s by %s, %s\n", r->name.c_str(),
               static_cast<long long>(r->version), Time(r->time_ms).c_str(), r->author.c_str(),
               r->checksum.c_str());
  return kExitOk;
}

int RunHistory(const StoreFlags& f) {
  auto c = Open(f);
  if (!c) return Fail(c.error().ToString());
  coord::RuleStore store(c->get());
  auto h = store.History(f.rule);
  if (!h) return Fail(h.error().message());
  std::printf("%7s  %-20s  %-24s  %-14s  %s\n", "VERSION", "DEPLOYED", "AUTHOR", "CHECKSUM",
              "MESSAGE");
  for (const coord::RuleVersion& r : *h) {
    std::printf("%7lld  %-20s  %-24s  %-14s  %s\n", static_cast<long long>(r.version),
                Time(r.time_ms).c_str(), r.author.c_str(), r.checksum.c_str(), r.message.c_str());
  }
  return kExitOk;
}

int RunDiff(const StoreFlags& f) {
  auto c = Open(f);
  if (!c) return Fail(c.error().ToString());
  coord::RuleStore store(c->get());
  auto a = store.Get(f.rule, f.a);
  if (!a) return Fail(a.error().message());
  auto b = store.Get(f.rule, f.b);
  if (!b) return Fail(b.error().message());
  std::printf("--- %s version %lld\n+++ %s version %lld\n", f.rule.c_str(),
              static_cast<long long>(a->version), f.rule.c_str(),
              static_cast<long long>(b->version));
  const std::string d = coord::RuleDiff(a->text, b->text);
  std::fwrite(d.data(), 1, d.size(), stdout);
  return kExitOk;
}

int RunRollback(const StoreFlags& f) {
  auto c = Open(f);
  if (!c) return Fail(c.error().ToString());
  coord::RuleStore store(c->get());
  auto old = store.Get(f.rule, f.to);
  if (!old) return Fail(old.error().message());
  if (auto rule = cep::Compile(old->text); !rule) {
    return Fail(f.rule + " version " + std::to_string(f.to) +
                " no longer compiles on this binary: " + rule.error().message());
  }
  auto v = store.Rollback(f.rule, f.to, Author(f.author));
  if (!v) return Fail(v.error().ToString());
  std::printf("%s: version %lld is the text of version %lld (%s)\n", f.rule.c_str(),
              static_cast<long long>(v->version), static_cast<long long>(f.to),
              (*c)->Describe().c_str());
  return kExitOk;
}

int RunDelete(const StoreFlags& f) {
  auto c = Open(f);
  if (!c) return Fail(c.error().ToString());
  coord::RuleStore store(c->get());
  if (Status s = store.Delete(f.rule); !s.ok()) return Fail(s.message());
  std::printf("%s: deleted with its history from %s; running instances undeploy it\n",
              f.rule.c_str(), (*c)->Describe().c_str());
  return kExitOk;
}

void AddCommon(CLI::App* cmd, StoreFlags* f) {
  cmd->add_option("--data", f->data, "Data folder whose embedded coordinator holds the store")
      ->capture_default_str();
  AddCoordFlags(cmd, &f->coord);
}

}  // namespace

void AddRulesStore(CLI::App* rules, int* exit_code) {
  auto f = std::make_shared<StoreFlags>();
  const char* where =
      "\nThe store is the data folder's embedded coordinator (DATA/coord), or ZooKeeper with "
      "--zookeeper.\nWhile it holds rules, every `smartcar run`/`worker` attached to it runs "
      "them instead of\nits rules folder, and swaps a new version in within a second "
      "(docs/COORD.md).";

  CLI::App* deploy = rules->add_subcommand(
      "deploy",
      std::string("Compile-check a rule file and store it as the rule's next version") + where);
  deploy
      ->add_option("file", f->file,
                   "Rule file (.epl), or a folder: every *.epl in it (all must compile)")
      ->required();
  deploy->add_option("--name", f->name, "Rule name (default: the file name without .epl)");
  deploy->add_option("--author", f->author, "Who deploys (default: $USER@host)");
  deploy->add_option("--message", f->message, "Why (kept in the history)");
  AddCommon(deploy, f.get());
  deploy->callback([f, exit_code] { *exit_code = RunDeploy(*f); });

  CLI::App* list = rules->add_subcommand("list", "The stored rules and their latest versions");
  AddCommon(list, f.get());
  list->callback([f, exit_code] { *exit_code = RunList(*f); });

  CLI::App* show = rules->add_subcommand("show", "Print a stored rule's text");
  show->add_option("name", f->rule, "Rule name")->required();
  show->add_option("--version", f->version, "Version (default: the latest)");
  AddCommon(show, f.get());
  show->callback([f, exit_code] { *exit_code = RunShow(*f); });

  CLI::App* history = rules->add_subcommand("history", "Every version of a stored rule");
  history->add_option("name", f->rule, "Rule name")->required();
  AddCommon(history, f.get());
  history->callback([f, exit_code] { *exit_code = RunHistory(*f); });

  CLI::App* diff = rules->add_subcommand("diff", "Line diff between two versions of a rule");
  diff->add_option("name", f->rule, "Rule name")->required();
  diff->add_option("a", f->a, "Older version")->required();
  diff->add_option("b", f->b, "Newer version")->required();
  AddCommon(diff, f.get());
  diff->callback([f, exit_code] { *exit_code = RunDiff(*f); });

  CLI::App* rollback = rules->add_subcommand(
      "rollback", "Deploy the text of an earlier version again, as a new version");
  rollback->add_option("name", f->rule, "Rule name")->required();
  rollback->add_option("--to", f->to, "The version whose text to restore")->required();
  rollback->add_option("--author", f->author, "Who rolls back (default: $USER@host)");
  AddCommon(rollback, f.get());
  rollback->callback([f, exit_code] { *exit_code = RunRollback(*f); });

  CLI::App* del = rules->add_subcommand(
      "delete", "Remove a rule and its history from the store; running instances undeploy it");
  del->add_option("name", f->rule, "Rule name")->required();
  AddCommon(del, f.get());
  del->callback([f, exit_code] { *exit_code = RunDelete(*f); });
}

}  // namespace smartcar::cli

// Workflow files: YAML → Workflow, validated (every error names file and line).
// One file (~450 lines): every check walks the same YAML nodes and reports their line numbers.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/config.h"
#include "core/event_time.h"
#include "workflow/cron.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

namespace fs = std::filesystem;

Status Error(const std::string& origin, const YAML::Node& at, const std::string& what) {
  return Status::InvalidArgument(origin + ":" + std::to_string(at.Mark().line + 1) + ": " + what);
}

bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > 100) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

Result<std::string> Scalar(const std::string& origin, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) return Err(Error(origin, n, key + " must be a single value"));
  return n.Scalar();
}

Result<std::vector<std::string>> List(const std::string& origin, const YAML::Node& n,
                                      const std::string& key) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) return Err(Error(origin, n, key + " must be a list"));
  for (const YAML::Node& item : n) {
    if (!item.IsScalar()) return Err(Error(origin, item, key + ": every item must be a value"));
    out.push_back(item.Scalar());
  }
  return out;
}

Result<int64_t> Duration(const std::string& origin, const YAML::Node& n, const std::string& key) {
  auto text = Scalar(origin, n, key);
  if (!text) return Err(text.error());
  auto ms = ParseDurationMs(*text);
  if (!ms) return Err(Error(origin, n, key + " '" + *text + "' " + ms.error().message()));
  return *ms;
}

Result<int> Int(const std::string& origin, const YAML::Node& n, const std::string& key, int lo,
                int hi) {
  auto text = Scalar(origin, n, key);
  if (!text) return Err(text.error());
  int v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < lo || v > hi) {
    return Err(Error(origin, n,
                     key + " '" + *text + "' is not a whole number from " + std::to_string(lo) +
                         " to " + std::to_string(hi)));
  }
  return v;
}

Result<bool> Bool(const std::string& origin, const YAML::Node& n, const std::string& key) {
  auto text = Scalar(origin, n, key);
  if (!text) return Err(text.error());
  if (*text == "true" || *text == "yes" || *text == "on") return true;
  if (*text == "false" || *text == "no" || *text == "off") return false;
  return Err(Error(origin, n, key + " '" + *text + "' is not true or false"));
}

Result<ActionType> ParseType(const std::string& origin, const YAML::Node& n) {
  static const std::pair<const char*, ActionType> kTypes[] = {
      {"smartcar", ActionType::kSmartcar}, {"sql", ActionType::kSql},
      {"hive", ActionType::kHive},         {"report", ActionType::kReport},
      {"export", ActionType::kExport},     {"import", ActionType::kImport},
      {"wait-for", ActionType::kWaitFor},  {"shell", ActionType::kShell}};
  auto text = Scalar(origin, n, "type");
  if (!text) return Err(text.error());
  for (const auto& [name, t] : kTypes) {
    if (*text == name) return t;
  }
  return Err(Error(origin, n,
                   "unknown action type '" + *text +
                       "' (smartcar, sql, hive, report, export, import, wait-for, shell)"));
}

Status ParseAction(const std::string& origin, const YAML::Node& n, Action* a) {
  if (!n.IsMap()) return Error(origin, n, "an action must be a map (name:, type:, ...)");
  a->line = n.Mark().line + 1;
  if (!n["name"]) return Error(origin, n, "an action needs a name");
  if (!n["type"]) return Error(origin, n, "action needs a type");
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    Result<std::string> s = std::string();
    if (key == "name") {
      s = Scalar(origin, v, key);
      if (s && !ValidName(*s)) {
        return Error(origin, v, "action name '" + *s + "': letters, digits, - and _ only");
      }
      if (s) a->name = *s;
    } else if (key == "type") {
      auto t = ParseType(origin, v);
      if (!t) return t.error();
      a->type = *t;
    } else if (key == "depends_on") {
      auto l = List(origin, v, key);
      if (!l) return l.error();
      a->depends_on = *l;
    } else if (key == "args") {
      auto l = List(origin, v, key);
      if (!l) return l.error();
      a->args = *l;
    } else if (key == "sql") {
      s = Scalar(origin, v, key);
      if (s) a->sql = *s;
    } else if (key == "file") {
      s = Scalar(origin, v, key);
      if (s) a->file = *s;
    } else if (key == "into") {
      s = Scalar(origin, v, key);
      if (s) a->into = *s;
    } else if (key == "command") {
      s = Scalar(origin, v, key);
      if (s) a->command = *s;
    } else if (key == "path") {
      s = Scalar(origin, v, key);
      if (s) a->path = *s;
    } else if (key == "partition") {
      s = Scalar(origin, v, key);
      if (s) a->partition = *s;
    } else if (key == "by") {
      s = Scalar(origin, v, key);
      if (s && *s != "day" && *s != "week" && *s != "month" && *s != "year") {
        return Error(origin, v, "by '" + *s + "': day, week, month or year");
      }
      if (s) a->by = *s;
    } else if (key == "when") {
      s = Scalar(origin, v, key);
      if (s) a->when = *s;
    } else if (key == "retries") {
      auto r = Int(origin, v, key, 0, 100);
      if (!r) return r.error();
      a->retries = *r;
    } else if (key == "retry_delay" || key == "timeout" || key == "poke_interval") {
      auto d = Duration(origin, v, key);
      if (!d) return d.error();
      (key == "retry_delay" ? a->retry_delay_ms
       : key == "timeout"   ? a->timeout_ms
                            : a->poke_interval_ms) = *d;
    } else {
      return Error(
          origin, kv.first,
          "unknown action key '" + key +
              "' (name, type, depends_on, args, sql, file, into, command, path, partition, "
              "by, when, retries, retry_delay, timeout, poke_interval)");
    }
    if (!s) return s.error();
  }
  if (a->timeout_ms <= 0) return Error(origin, n, "action " + a->name + ": timeout must be > 0");
  const std::string where = "action " + a->name + " (" + ActionTypeName(a->type) + ")";
  switch (a->type) {
    case ActionType::kSmartcar:
    case ActionType::kExport:
    case ActionType::kImport:
      if (a->args.empty()) return Error(origin, n, where + " needs args:");
      break;
    case ActionType::kSql:
    case ActionType::kHive:
      if (a->sql.empty() == a->file.empty()) {
        return Error(origin, n, where + " needs exactly one of sql: and file:");
      }
      break;
    case ActionType::kShell:
      if (a->command.empty()) return Error(origin, n, where + " needs command:");
      break;
    case ActionType::kWaitFor:
      if (a->path.empty() == a->partition.empty()) {
        return Error(origin, n, where + " needs exactly one of path: and partition:");
      }
      break;
    case ActionType::kReport:
      break;
  }
  return Status::OK();
}

Status ParseSchedule(const std::string& origin, const YAML::Node& n, Schedule* s) {
  if (!n.IsMap()) return Error(origin, n, "schedule must be a map (cron: or daily:, timezone:)");
  s->enabled = true;
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "cron" || key == "daily") {
      auto text = Scalar(origin, v, key);
      if (!text) return text.error();
      std::string cron = *text;
      if (key == "daily") {
        int h = -1, m = -1;
        if (text->size() != 5 || (*text)[2] != ':' ||
            std::from_chars(text->data(), text->data() + 2, h).ptr != text->data() + 2 ||
            std::from_chars(text->data() + 3, text->data() + 5, m).ptr != text->data() + 5 ||
            h < 0 || h > 23 || m < 0 || m > 59) {
          return Error(origin, v, "daily '" + *text + "' is not HH:MM");
        }
        cron = std::to_string(m) + " " + std::to_string(h) + " * * *";
      }
      if (auto c = CronSpec::Parse(cron); !c) {
        return Error(origin, v, key + " '" + *text + "': " + c.error().message());
      }
      if (!s->cron.empty()) return Error(origin, v, "schedule has both cron: and daily:");
      s->cron = cron;
    } else if (key == "timezone") {
      auto text = Scalar(origin, v, key);
      if (!text) return text.error();
      if (Status z = CheckTimeZone(*text); !z.ok()) return Error(origin, v, z.message());
      s->timezone = *text;
    } else if (key == "catchup") {
      auto b = Bool(origin, v, key);
      if (!b) return b.error();
      s->catchup = *b;
    } else if (key == "start") {
      auto text = Scalar(origin, v, key);
      if (!text) return text.error();
      if (auto d = ParseDate8(*text); !d) {
        return Error(origin, v, "start '" + *text + "' is not a day yyyyMMdd");
      }
      s->start = *text;
    } else if (key == "lag_days") {
      auto l = Int(origin, v, key, 0, 366);
      if (!l) return l.error();
      s->lag_days = *l;
    } else {
      return Error(
          origin, kv.first,
          "unknown schedule key '" + key + "' (cron, daily, timezone, catchup, start, lag_days)");
    }
  }
  if (s->cron.empty()) return Error(origin, n, "schedule needs cron: or daily:");
  return Status::OK();
}

// Kahn's algorithm, keeping the file's order among ready actions.
Status SortActions(const std::string& origin, std::vector<Action>* actions) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < actions->size(); ++i) {
    const Action& a = (*actions)[i];
    if (!index.emplace(a.name, i).second) {
      return Status::InvalidArgument(origin + ":" + std::to_string(a.line) + ": action '" + a.name +
                                     "' is defined twice");
    }
  }
  std::vector<int> missing(actions->size(), 0);
  for (const Action& a : *actions) {
    for (const std::string& d : a.depends_on) {
      if (index.count(d) == 0) {
        return Status::InvalidArgument(origin + ":" + std::to_string(a.line) + ": action '" +
                                       a.name + "' depends on unknown action '" + d + "'");
      }
      if (d == a.name) {
        return Status::InvalidArgument(origin + ":" + std::to_string(a.line) + ": action '" +
                                       a.name + "' depends on itself");
      }
    }
    missing[index[a.name]] = static_cast<int>(a.depends_on.size());
  }
  std::vector<Action> sorted;
  std::vector<bool> done(actions->size(), false);
  while (sorted.size() < actions->size()) {
    bool progressed = false;
    for (size_t i = 0; i < actions->size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (const std::string& d : (*actions)[i].depends_on) ready = ready && done[index[d]];
      if (!ready) continue;
      done[i] = true;
      sorted.push_back((*actions)[i]);
      progressed = true;
      break;  // Restart from the top: the earliest ready action in file order goes next.
    }
    if (!progressed) {
      std::string cycle;
      for (size_t i = 0; i < actions->size(); ++i) {
        if (!done[i]) cycle += (cycle.empty() ? "" : ", ") + (*actions)[i].name;
      }
      return Status::InvalidArgument(origin + ": the dependencies of " + cycle + " form a cycle");
    }
  }
  *actions = std::move(sorted);
  return Status::OK();
}

}  // namespace

const char* ActionTypeName(ActionType t) {
  switch (t) {
    case ActionType::kSmartcar:
      return "smartcar";
    case ActionType::kSql:
      return "sql";
    case ActionType::kHive:
      return "hive";
    case ActionType::kReport:
      return "report";
    case ActionType::kExport:
      return "export";
    case ActionType::kImport:
      return "import";
    case ActionType::kWaitFor:
      return "wait-for";
    case ActionType::kShell:
      return "shell";
  }
  return "?";
}

Result<Workflow> ParseWorkflow(const std::string& yaml, const std::string& origin) {
  Workflow wf;
  wf.file = origin;
  wf.folder = fs::path(origin).parent_path().string();
  if (wf.folder.empty()) wf.folder = ".";
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Err(Status::InvalidArgument(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                                       std::to_string(e.mark.column + 1) + ": " + e.msg));
  }
  if (!root.IsMap())
    return Err(Status::InvalidArgument(origin + ": expected a map (name:, actions:)"));
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "name") {
        auto s = Scalar(origin, v, key);
        if (!s) return Err(s.error());
        if (!ValidName(*s)) {
          return Err(Error(origin, v, "workflow name '" + *s + "': letters, digits, - and _ only"));
        }
        wf.name = *s;
      } else if (key == "description") {
        // Free text.
      } else if (key == "params") {
        if (!v.IsMap()) return Err(Error(origin, v, "params must be a map of name: value"));
        for (const auto& p : v) {
          auto s = Scalar(origin, p.second, p.first.Scalar());
          if (!s && !p.second.IsNull()) return Err(s.error());
          wf.params[p.first.Scalar()] = s ? *s : "";
        }
      } else if (key == "schedule") {
        SMARTCAR_RETURN_IF_ERROR(ParseSchedule(origin, v, &wf.schedule));
      } else if (key == "actions") {
        if (!v.IsSequence()) return Err(Error(origin, v, "actions must be a list"));
        for (const YAML::Node& item : v) {
          Action a;
          SMARTCAR_RETURN_IF_ERROR(ParseAction(origin, item, &a));
          wf.actions.push_back(std::move(a));
        }
      } else {
        return Err(
            Error(origin, kv.first,
                  "unknown key '" + key + "' (name, description, params, schedule, actions)"));
      }
    }
  } catch (const YAML::Exception& e) {
    return Err(
        Status::InvalidArgument(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg));
  }
  if (wf.name.empty()) return Err(Status::InvalidArgument(origin + ": the workflow needs a name"));
  if (wf.actions.empty())
    return Err(Status::InvalidArgument(origin + ": the workflow has no actions"));
  SMARTCAR_RETURN_IF_ERROR(SortActions(origin, &wf.actions));
  return wf;
}

Result<Workflow> LoadWorkflow(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::NotFound("workflow file " + path + " cannot be read"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseWorkflow(ss.str(), path);
}

Result<std::vector<Workflow>> LoadWorkflowFolder(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml"))
      files.push_back(e.path().string());
  }
  if (ec) return Err(Status::NotFound("workflow folder " + folder + ": " + ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<Workflow> out;
  std::set<std::string> names;
  for (const std::string& f : files) {
    auto wf = LoadWorkflow(f);
    if (!wf) return Err(wf.error());
    if (!names.insert(wf->name).second) {
      return Err(Status::InvalidArgument(f + ": workflow name '" + wf->name +
                                         "' is used by another file in " + folder));
    }
    out.push_back(std::move(*wf));
  }
  std::sort(out.begin(), out.end(),
            [](const Workflow& a, const Workflow& b) { return a.name < b.name; });
  return out;
}

Result<std::string> Substitute(const std::string& text,
                               const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("${", i);
    if (open == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    out.append(text, i, open - i);
    const size_t close = text.find('}', open + 2);
    if (close == std::string::npos) {
      return Err(Status::InvalidArgument("'${' without '}' in: " + text));
    }
    std::string name = text.substr(open + 2, close - open - 2);
    if (name.rfind("hivevar:", 0) == 0) name = name.substr(8);
    auto it = vars.find(name);
    if (it == vars.end()) {
      std::string known;
      for (const auto& [k, v] : vars) known += (known.empty() ? "" : ", ") + k;
      return Err(
          Status::InvalidArgument("unknown variable ${" + name + "} (known: " + known + ")"));
    }
    out += it->second;
    i = close + 1;
  }
  return out;
}

}  // namespace smartcar::workflow

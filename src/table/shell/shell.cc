#include "table/shell/shell.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "table/filter/filter.h"
#include "table/shell/command_parser.h"

namespace smartcar::table::shell {
namespace {

// Width of the left column (ROW / COLUMN) in result listings, as the HBase shell on a
// 100-column terminal.
constexpr int kLeftWidth = 39;

struct Usage {
  std::string_view name;
  std::string_view text;
};
constexpr Usage kUsages[] = {
    {"create",
     "create 't1', 'f1', 'f2'\n"
     "create 't1', {NAME => 'f1', VERSIONS => 3, TTL => 86400}, SPLITS => ['10', '20']\n"
     "create 't1', 'f1', {NUMREGIONS => 4, SPLITALGO => 'HexStringSplit'}"},
    {"list", "list\nlist 'abc.*'"},
    {"describe", "describe 't1'"},
    {"disable", "disable 't1'"},
    {"enable", "enable 't1'"},
    {"drop", "drop 't1'   (the table must be disabled first)"},
    {"truncate", "truncate 't1'"},
    {"exists", "exists 't1'"},
    {"put", "put 't1', 'r1', 'c1', 'value'[, ts]"},
    {"get",
     "get 't1', 'r1'\n"
     "get 't1', 'r1', 'c1'   or   get 't1', 'r1', ['c1', 'c2']\n"
     "get 't1', 'r1', {COLUMN => 'c1', VERSIONS => 4, TIMERANGE => [ts1, ts2], FILTER => \"...\"}"},
    {"delete", "delete 't1', 'r1', 'c1'[, ts]"},
    {"deleteall", "deleteall 't1', 'r1'[, 'c1'][, ts]"},
    {"scan",
     "scan 't1'\n"
     "scan 't1', {STARTROW => 'r1', STOPROW => 'r9', LIMIT => 10, COLUMNS => ['c1', 'c2'],\n"
     "            FILTER => \"...\", REVERSED => true, VERSIONS => 2, TIMERANGE => [ts1, ts2]}"},
    {"count", "count 't1'\ncount 't1', {INTERVAL => 1000, FILTER => \"...\"}"},
    {"help", "help\nhelp 'scan'"},
    {"exit", "exit"},
};

// A failed command: message for "ERROR: ..." and whether to add the usage hint.
struct CommandError {
  std::string message;
  bool usage = false;
  bool unknown_command = false;
};
using Outcome = tl::expected<void, CommandError>;

tl::unexpected<CommandError> Fail(std::string msg, bool usage = false) {
  return tl::unexpected<CommandError>(CommandError{std::move(msg), usage});
}
tl::unexpected<CommandError> Fail(const Status& s) {
  return tl::unexpected<CommandError>(CommandError{s.message(), false});
}

std::string FormatFamily(const FamilyOptions& f) {
  std::string ttl = f.ttl_seconds == 0 ? "FOREVER" : std::to_string(f.ttl_seconds) + " SECONDS";
  return "{NAME => '" + f.name + "', BLOOMFILTER => 'ROW', VERSIONS => '" +
         std::to_string(f.max_versions) + "', TTL => '" + ttl + "', MIN_VERSIONS => '0'}";
}

class Session {
 public:
  Session(TableStore* store, std::ostream& out) : store_(store), out_(out) {}

  Outcome Run(const Command& c) {
    const std::string& n = c.name;
    if (n == "create") return Create(c);
    if (n == "list") return List(c);
    if (n == "describe" || n == "desc") return Describe(c);
    if (n == "disable") return Simple(c, [&](auto name) { return store_->DisableTable(name); });
    if (n == "enable") return Simple(c, [&](auto name) { return store_->EnableTable(name); });
    if (n == "drop") return Simple(c, [&](auto name) { return store_->DropTable(name); });
    if (n == "truncate") return Truncate(c);
    if (n == "exists") return Exists(c);
    if (n == "put") return PutCmd(c);
    if (n == "get") return Get(c);
    if (n == "delete") return DeleteCmd(c, false);
    if (n == "deleteall") return DeleteCmd(c, true);
    if (n == "scan") return Scan(c);
    if (n == "count") return Count(c);
    if (n == "help") return Help(c);
    auto e = Fail("Unknown command '" + n + "'. Try 'help'.");
    e.value().unknown_command = true;
    return e;
  }

 private:
  // ---------------------------------------------------------------- argument helpers
  static Outcome Arity(const Command& c, size_t min, size_t max) {
    if (c.args.size() < min || c.args.size() > max) {
      return Fail("wrong number of arguments (" + std::to_string(c.args.size()) + " for " +
                      std::to_string(min) + (max > min ? ".." + std::to_string(max) : "") + ")",
                  true);
    }
    return {};
  }
  static tl::expected<std::string, CommandError> Text(const Value& v, const char* what) {
    if (v.kind == Value::Kind::kString) return v.text;
    if (v.kind == Value::Kind::kInteger) return v.text;
    return Fail(std::string(what) + " must be a string", true);
  }
  static tl::expected<int64_t, CommandError> Int(const Value& v, const char* what) {
    if (v.kind == Value::Kind::kInteger) return v.integer;
    return Fail(std::string(what) + " must be an integer", true);
  }
  static tl::expected<bool, CommandError> Bool(const Value& v, const char* what) {
    if (v.kind == Value::Kind::kWord && (v.text == "true" || v.text == "false")) {
      return v.text == "true";
    }
    return Fail(std::string(what) + " must be true or false", true);
  }
  static tl::expected<std::vector<ColumnRef>, CommandError> Columns(const Value& v) {
    std::vector<ColumnRef> cols;
    if (v.kind == Value::Kind::kString) {
      cols.push_back(ColumnRef::Parse(v.text));
    } else if (v.kind == Value::Kind::kArray) {
      for (const Value& item : v.array) {
        if (item.kind != Value::Kind::kString) return Fail("COLUMNS entries must be strings", true);
        cols.push_back(ColumnRef::Parse(item.text));
      }
    } else {
      return Fail("COLUMNS must be a string or an array of strings", true);
    }
    return cols;
  }
  static tl::expected<TimeRange, CommandError> Range(const Value& v) {
    if (v.kind != Value::Kind::kArray || v.array.size() != 2 ||
        v.array[0].kind != Value::Kind::kInteger || v.array[1].kind != Value::Kind::kInteger) {
      return Fail("TIMERANGE must be [min_ts, max_ts]", true);
    }
    return TimeRange{v.array[0].integer, v.array[1].integer};
  }
  static Outcome CheckKeys(const Value& h, std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : h.hash) {
      bool ok = false;
      for (auto a : allowed) ok |= a == k;
      if (!ok) return Fail("unknown argument " + k, true);
    }
    return {};
  }
  tl::expected<std::shared_ptr<Table>, CommandError> Open(const Value& v) {
    auto name = Text(v, "table name");
    if (!name) return tl::unexpected(name.error());
    auto t = store_->OpenTable(*name);
    if (!t) return Fail(t.error());
    return *t;
  }

  // ---------------------------------------------------------------- output helpers
  void Line(std::string_view left, std::string_view right, bool inset) {
    std::string l = inset ? " " : "";
    l += left;
    const size_t width = kLeftWidth + 1;
    if (l.size() < width) l.append(width - l.size(), ' ');
    out_ << l << ' ' << right << '\n';
  }
  static std::string CellText(const Cell& c, bool with_column) {
    std::string s;
    if (with_column)
      s = "column=" + ToStringBinary(c.family) + ":" + ToStringBinary(c.qualifier) + ", ";
    return s + "timestamp=" + std::to_string(c.timestamp) + ", value=" + ToStringBinary(c.value);
  }
  void Rows(uint64_t n) { out_ << n << " row(s)\n"; }

  // ---------------------------------------------------------------- commands
  Outcome Create(const Command& c) {
    if (c.args.size() < 2) return Fail("Table must have at least one column family", true);
    TableDescriptor d;
    auto name = Text(c.args[0], "table name");
    if (!name) return tl::unexpected(name.error());
    d.name = *name;
    for (size_t i = 1; i < c.args.size(); ++i) {
      const Value& a = c.args[i];
      if (a.kind == Value::Kind::kString) {
        d.families.push_back({.name = a.text});
        continue;
      }
      if (a.kind != Value::Kind::kHash)
        return Fail("column family must be a string or a hash", true);
      if (const Value* fam = a.Find("NAME")) {
        FamilyOptions f;
        auto fname = Text(*fam, "NAME");
        if (!fname) return tl::unexpected(fname.error());
        f.name = *fname;
        if (auto r = CheckKeys(a, {"NAME", "VERSIONS", "TTL", "BLOOMFILTER", "IN_MEMORY",
                                   "COMPRESSION", "BLOCKCACHE", "MIN_VERSIONS"});
            !r) {
          return r;
        }
        if (const Value* v = a.Find("VERSIONS")) {
          auto n = Int(*v, "VERSIONS");
          if (!n) return tl::unexpected(n.error());
          f.max_versions = static_cast<int>(*n);
        }
        if (const Value* v = a.Find("TTL")) {
          auto n = Int(*v, "TTL");
          if (!n) return tl::unexpected(n.error());
          f.ttl_seconds = *n;
        }
        d.families.push_back(f);
        continue;
      }
      if (auto r = CheckKeys(a, {"SPLITS", "NUMREGIONS", "SPLITALGO"}); !r) return r;
      if (const Value* s = a.Find("SPLITS")) {
        if (s->kind != Value::Kind::kArray) return Fail("SPLITS must be an array", true);
        for (const Value& k : s->array) {
          auto key = Text(k, "split key");
          if (!key) return tl::unexpected(key.error());
          d.split_keys.push_back(*key);
        }
      }
      if (const Value* n = a.Find("NUMREGIONS")) {
        auto regions = Int(*n, "NUMREGIONS");
        if (!regions) return tl::unexpected(regions.error());
        const Value* algo = a.Find("SPLITALGO");
        const std::string alg = algo != nullptr ? algo->text : "";
        Result<std::vector<std::string>> keys =
            alg == "HexStringSplit" ? HexStringSplit(static_cast<int>(*regions))
            : alg == "UniformSplit"
                ? UniformSplit(static_cast<int>(*regions))
                : Err(Status::InvalidArgument("SPLITALGO must be HexStringSplit or UniformSplit"));
        if (!keys) return Fail(keys.error());
        d.split_keys = *keys;
      }
    }
    if (Status s = store_->CreateTable(d); !s.ok()) return Fail(s);
    out_ << "Created table " << d.name << "\n";
    after_ = "=> Hbase::Table - " + d.name;
    return {};
  }

  Outcome List(const Command& c) {
    if (auto r = Arity(c, 0, 1); !r) return r;
    auto names = store_->ListTables();
    if (!names) return Fail(names.error());
    // HBase matches the whole name against a Java regex; RE2 via the regexstring comparator.
    std::unique_ptr<filter::Comparator> re;
    if (!c.args.empty()) {
      auto pattern = Text(c.args[0], "regex");
      if (!pattern) return tl::unexpected(pattern.error());
      auto cmp = filter::MakeComparator("regexstring:^(?:" + *pattern + ")$");
      if (!cmp) return Fail(cmp.error());
      re = std::move(*cmp);
    }
    out_ << "TABLE\n";
    std::string list;
    uint64_t n = 0;
    for (const auto& name : *names) {
      if (re && re->CompareTo(name) != 0) continue;
      out_ << name << "\n";
      list += (n++ ? ", \"" : "\"") + name + "\"";
    }
    Rows(n);
    after_ = "=> [" + list + "]";
    return {};
  }

  Outcome Describe(const Command& c) {
    if (auto r = Arity(c, 1, 1); !r) return r;
    auto name = Text(c.args[0], "table name");
    if (!name) return tl::unexpected(name.error());
    auto d = store_->Describe(*name);
    if (!d) return Fail(d.error());
    out_ << "Table " << *name << " is " << (d->enabled ? "ENABLED" : "DISABLED") << "\n";
    out_ << *name << "\n";
    out_ << "COLUMN FAMILIES DESCRIPTION\n";
    for (const auto& f : d->descriptor.families) out_ << FormatFamily(f) << "\n";
    out_ << "\n";
    Rows(d->descriptor.families.size());
    out_ << "REGIONS\n";
    for (const auto& r : d->regions) {
      out_ << "{START => '" << ToStringBinary(r.start_key) << "', END => '"
           << ToStringBinary(r.end_key) << "', ROWS => " << r.rows << ", BYTES => " << r.bytes
           << ", WRITES => " << r.writes << "}\n";
    }
    return {};
  }

  template <class F>
  Outcome Simple(const Command& c, F op) {
    if (auto r = Arity(c, 1, 1); !r) return r;
    auto name = Text(c.args[0], "table name");
    if (!name) return tl::unexpected(name.error());
    if (Status s = op(*name); !s.ok()) return Fail(s);
    return {};
  }

  Outcome Truncate(const Command& c) {
    if (auto r = Arity(c, 1, 1); !r) return r;
    auto name = Text(c.args[0], "table name");
    if (!name) return tl::unexpected(name.error());
    if (!store_->Exists(*name)) return Fail("Unknown table " + *name + "!");
    out_ << "Truncating '" << *name << "' table (it may take a while):\n";
    out_ << "Disabling table...\nTruncating table...\n";
    if (Status s = store_->TruncateTable(*name); !s.ok()) return Fail(s);
    return {};
  }

  Outcome Exists(const Command& c) {
    if (auto r = Arity(c, 1, 1); !r) return r;
    auto name = Text(c.args[0], "table name");
    if (!name) return tl::unexpected(name.error());
    const bool e = store_->Exists(*name);
    out_ << "Table " << *name << (e ? " does exist" : " does not exist") << "\n";
    after_ = e ? "=> true" : "=> false";
    return {};
  }

  Outcome PutCmd(const Command& c) {
    if (auto r = Arity(c, 4, 5); !r) return r;
    auto t = Open(c.args[0]);
    if (!t) return tl::unexpected(t.error());
    auto row = Text(c.args[1], "row");
    auto col = Text(c.args[2], "column");
    auto val = Text(c.args[3], "value");
    if (!row || !col || !val) return Fail("row, column and value must be strings", true);
    int64_t ts = kLatestTimestamp;
    if (c.args.size() == 5) {
      auto n = Int(c.args[4], "timestamp");
      if (!n) return tl::unexpected(n.error());
      ts = *n;
    }
    const ColumnRef ref = ColumnRef::Parse(*col);
    Put p(*row);
    p.Add(ref.family, ref.qualifier, *val, ts);
    if (Status s = (*t)->Apply({}, p); !s.ok()) return Fail(s);
    return {};
  }

  Outcome Get(const Command& c) {
    if (auto r = Arity(c, 2, 3); !r) return r;
    auto t = Open(c.args[0]);
    if (!t) return tl::unexpected(t.error());
    auto row = Text(c.args[1], "row");
    if (!row) return tl::unexpected(row.error());
    GetSpec spec;
    spec.row = *row;
    if (c.args.size() == 3) {
      const Value& o = c.args[2];
      if (o.kind == Value::Kind::kHash) {
        if (auto r =
                CheckKeys(o, {"COLUMN", "COLUMNS", "VERSIONS", "TIMERANGE", "TIMESTAMP", "FILTER"});
            !r) {
          return r;
        }
        const Value* cols = o.Find("COLUMN") ? o.Find("COLUMN") : o.Find("COLUMNS");
        if (cols != nullptr) {
          auto cs = Columns(*cols);
          if (!cs) return tl::unexpected(cs.error());
          spec.columns = *cs;
        }
        if (const Value* v = o.Find("VERSIONS")) {
          auto n = Int(*v, "VERSIONS");
          if (!n) return tl::unexpected(n.error());
          spec.max_versions = static_cast<int>(*n);
        }
        if (const Value* v = o.Find("TIMERANGE")) {
          auto tr = Range(*v);
          if (!tr) return tl::unexpected(tr.error());
          spec.time_range = *tr;
        }
        if (const Value* v = o.Find("TIMESTAMP")) {
          auto n = Int(*v, "TIMESTAMP");
          if (!n) return tl::unexpected(n.error());
          spec.time_range = {*n, *n + 1};
        }
        if (const Value* v = o.Find("FILTER")) {
          auto f = Text(*v, "FILTER");
          if (!f) return tl::unexpected(f.error());
          spec.filter = *f;
        }
      } else {
        auto cs = Columns(o);
        if (!cs) return tl::unexpected(cs.error());
        spec.columns = *cs;
      }
    }
    auto r = (*t)->Get(spec);
    if (!r) return Fail(r.error());
    Line("COLUMN", "CELL", false);
    for (const Cell& cell : r->cells) {
      Line(ToStringBinary(cell.family) + ":" + ToStringBinary(cell.qualifier),
           CellText(cell, false), true);
    }
    Rows(r->cells.empty() ? 0 : 1);
    return {};
  }

  Outcome DeleteCmd(const Command& c, bool all) {
    if (auto r = Arity(c, all ? 2 : 3, 4); !r) return r;
    auto t = Open(c.args[0]);
    if (!t) return tl::unexpected(t.error());
    auto row = Text(c.args[1], "row");
    if (!row) return tl::unexpected(row.error());
    Delete d;
    d.row = *row;
    d.scope = Delete::Scope::kRow;
    size_t next = 2;
    if (next < c.args.size() && c.args[next].kind == Value::Kind::kString) {
      const ColumnRef ref = ColumnRef::Parse(c.args[next].text);
      d.family = ref.family;
      d.qualifier = ref.qualifier;
      d.scope = ref.whole_family ? Delete::Scope::kFamily : Delete::Scope::kColumn;
      ++next;
    }
    if (next < c.args.size()) {
      auto n = Int(c.args[next], "timestamp");
      if (!n) return tl::unexpected(n.error());
      d.timestamp = *n;
      ++next;
    }
    if (next != c.args.size()) return Fail("unexpected argument", true);
    if (!all && d.scope == Delete::Scope::kRow) return Fail("delete needs a column", true);
    if (Status s = (*t)->Remove({}, d); !s.ok()) return Fail(s);
    return {};
  }

  tl::expected<ScanSpec, CommandError> ScanOptions(const Command& c, bool for_count) {
    ScanSpec spec;
    if (c.args.size() < 2) return spec;
    const Value& o = c.args[1];
    if (o.kind != Value::Kind::kHash) return Fail("options must be a hash {KEY => value}", true);
    if (for_count) {
      if (auto r = CheckKeys(o, {"INTERVAL", "CACHE", "FILTER"}); !r) {
        return tl::unexpected(r.error());
      }
    } else if (auto r = CheckKeys(
                   o, {"STARTROW", "STOPROW", "LIMIT", "COLUMNS", "COLUMN", "FILTER", "REVERSED",
                       "VERSIONS", "TIMERANGE", "CACHE", "BATCH", "ROWPREFIXFILTER"});
               !r) {
      return tl::unexpected(r.error());
    }
    for (const auto& [k, v] : o.hash) {
      if (k == "STARTROW" || k == "STOPROW" || k == "ROWPREFIXFILTER" || k == "FILTER") {
        auto s = Text(v, k.c_str());
        if (!s) return tl::unexpected(s.error());
        if (k == "STARTROW") spec.start_row = *s;
        if (k == "STOPROW") spec.stop_row = *s;
        if (k == "FILTER") spec.filter = *s;
        if (k == "ROWPREFIXFILTER") {
          spec.start_row = *s;
          spec.filter = spec.filter.empty() ? "PrefixFilter('" + *s + "')" : spec.filter;
        }
      } else if (k == "LIMIT" || k == "VERSIONS" || k == "CACHE" || k == "BATCH" ||
                 k == "INTERVAL") {
        auto n = Int(v, k.c_str());
        if (!n) return tl::unexpected(n.error());
        if (k == "LIMIT") spec.limit = *n;
        if (k == "VERSIONS") spec.max_versions = static_cast<int>(*n);
        if (k == "CACHE") spec.caching = static_cast<int>(*n);
        if (k == "BATCH") spec.batch = static_cast<int>(*n);
        if (k == "INTERVAL") interval_ = *n;
      } else if (k == "COLUMNS" || k == "COLUMN") {
        auto cs = Columns(v);
        if (!cs) return tl::unexpected(cs.error());
        spec.columns = *cs;
      } else if (k == "REVERSED") {
        auto b = Bool(v, "REVERSED");
        if (!b) return tl::unexpected(b.error());
        spec.reversed = *b;
      } else if (k == "TIMERANGE") {
        auto tr = Range(v);
        if (!tr) return tl::unexpected(tr.error());
        spec.time_range = *tr;
      }
    }
    return spec;
  }

  Outcome Scan(const Command& c) {
    if (auto r = Arity(c, 1, 2); !r) return r;
    auto t = Open(c.args[0]);
    if (!t) return tl::unexpected(t.error());
    auto spec = ScanOptions(c, false);
    if (!spec) return tl::unexpected(spec.error());
    auto it = (*t)->Scan(*spec);
    if (!it) return Fail(it.error());
    Line("ROW", "COLUMN+CELL", false);
    uint64_t rows = 0;
    std::string last;
    for (; (*it)->Valid(); (*it)->Next()) {
      const Row& r = (*it)->row();
      if (rows == 0 || r.key != last) ++rows;
      last = r.key;
      const std::string key = ToStringBinary(r.key);
      for (const Cell& cell : r.cells) Line(key, CellText(cell, true), true);
    }
    if (Status s = (*it)->status(); !s.ok()) return Fail(s);
    Rows(rows);
    return {};
  }

  Outcome Count(const Command& c) {
    if (auto r = Arity(c, 1, 2); !r) return r;
    auto t = Open(c.args[0]);
    if (!t) return tl::unexpected(t.error());
    interval_ = 1000;
    auto spec = ScanOptions(c, true);
    if (!spec) return tl::unexpected(spec.error());
    if (interval_ <= 0) return Fail("INTERVAL must be positive", true);
    // HBase counts with FirstKeyOnlyFilter; progress every INTERVAL rows.
    if (spec->filter.empty()) spec->filter = "FirstKeyOnlyFilter()";
    auto it = (*t)->Scan(*spec);
    if (!it) return Fail(it.error());
    uint64_t n = 0;
    for (; (*it)->Valid(); (*it)->Next()) {
      ++n;
      if (n % static_cast<uint64_t>(interval_) == 0) {
        out_ << "Current count: " << n << ", row: " << ToStringBinary((*it)->row().key) << "\n";
      }
    }
    if (Status s = (*it)->status(); !s.ok()) return Fail(s);
    Rows(n);
    after_ = "=> " + std::to_string(n);
    return {};
  }

  Outcome Help(const Command& c) {
    if (c.args.empty()) {
      out_ << "SmartCar table shell: HBase shell commands on the embedded table store.\n"
              "Commands: create, list, describe, disable, enable, drop, truncate, exists,\n"
              "          put, get, delete, deleteall, scan, count, help, exit\n"
              "Type help 'COMMAND' for its usage. Filters use HBase's filter language, e.g.\n"
              "  scan 't1', {FILTER => \"RowFilter(=,'regexstring:62402202') AND "
              "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')\"}\n";
      return {};
    }
    auto name = Text(c.args[0], "command");
    if (!name) return tl::unexpected(name.error());
    for (const auto& u : kUsages) {
      if (u.name == *name) {
        out_ << u.text << "\n";
        return {};
      }
    }
    auto e = Fail("Unknown command '" + *name + "'. Try 'help'.");
    e.value().unknown_command = true;
    return e;
  }

  TableStore* store_;
  std::ostream& out_;
  int64_t interval_ = 1000;

 public:
  std::string after_;  // "=> ..." line printed after the timing, as HBase prints return values.
};

}  // namespace

std::string ToStringBinary(std::string_view bytes) {
  static constexpr std::string_view kKeep = " `~!@#$%^&*()-_=+[]{}|;:'\",.<>/?";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || kKeep.find(ch) != std::string_view::npos) {
      out.push_back(ch);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

Shell::Shell(TableStore* store, std::ostream* out, ShellOptions options)
    : store_(store), out_(out), options_(options) {}

bool Shell::Execute(std::string_view statement) {
  const auto start = std::chrono::steady_clock::now();
  auto cmd = ParseCommand(statement);
  if (!cmd) {
    *out_ << "ERROR: " << cmd.error().message() << "\n\n";
    return false;
  }
  if (cmd->name == "exit" || cmd->name == "quit") {
    exited_ = true;
    return true;
  }
  Session session(store_, *out_);
  const Outcome o = session.Run(*cmd);
  if (!o) {
    *out_ << "ERROR: " << o.error().message << "\n";
    if (o.error().usage) {
      for (const auto& u : kUsages) {
        if (u.name == cmd->name) *out_ << "\nUsage:\n" << u.text << "\n";
      }
    }
    if (!o.error().unknown_command) {
      *out_ << "\nFor usage try 'help \"" << cmd->name << "\"'\n";
    }
    *out_ << "\n";
  }
  if (options_.show_timing && cmd->name != "help") {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "Took %.4f seconds\n", secs);
    *out_ << buf;
  }
  if (o && !session.after_.empty()) *out_ << session.after_ << "\n";
  out_->flush();
  return o.has_value();
}

int Shell::RunScript(std::string_view script) {
  int failed = 0;
  for (const std::string& s : SplitStatements(script)) {
    if (!Execute(s)) ++failed;
    if (exited_) break;
  }
  return failed;
}

}  // namespace smartcar::table::shell

// The shell's data commands: put, get, delete, deleteall, scan (with its options hash) and count.
#include <string>

#include "table/shell/shell.h"
#include "table/shell/shell_session.h"

namespace smartcar::table::shell {

Outcome Session::PutCmd(const Command& c) {
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

Outcome Session::Get(const Command& c) {
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
    Line(ToStringBinary(cell.family) + ":" + ToStringBinary(cell.qualifier), CellText(cell, false),
         true);
  }
  Rows(r->cells.empty() ? 0 : 1);
  return {};
}

Outcome Session::DeleteCmd(const Command& c, bool all) {
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

tl::expected<ScanSpec, CommandError> Session::ScanOptions(const Command& c, bool for_count) {
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
    } else if (k == "LIMIT" || k == "VERSIONS" || k == "CACHE" || k == "BATCH" || k == "INTERVAL") {
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

Outcome Session::Scan(const Command& c) {
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

Outcome Session::Count(const Command& c) {
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

}  // namespace smartcar::table::shell

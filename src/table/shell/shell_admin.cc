// The shell's table commands (HBase Admin): create, list, describe, truncate, exists. disable,
// enable and drop are one-liners run by Session::Simple (shell_session.h).
#include <memory>
#include <string>

#include "table/filter/filter.h"
#include "table/shell/shell.h"
#include "table/shell/shell_session.h"

namespace smartcar::table::shell {

Outcome Session::Create(const Command& c) {
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
    if (a.kind != Value::Kind::kHash) return Fail("column family must be a string or a hash", true);
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

Outcome Session::List(const Command& c) {
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

Outcome Session::Describe(const Command& c) {
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

Outcome Session::Truncate(const Command& c) {
  if (auto r = Arity(c, 1, 1); !r) return r;
  auto name = Text(c.args[0], "table name");
  if (!name) return tl::unexpected(name.error());
  if (!store_->Exists(*name)) return Fail("Unknown table " + *name + "!");
  out_ << "Truncating '" << *name << "' table (it may take a while):\n";
  out_ << "Disabling table...\nTruncating table...\n";
  if (Status s = store_->TruncateTable(*name); !s.ok()) return Fail(s);
  return {};
}

Outcome Session::Exists(const Command& c) {
  if (auto r = Arity(c, 1, 1); !r) return r;
  auto name = Text(c.args[0], "table name");
  if (!name) return tl::unexpected(name.error());
  const bool e = store_->Exists(*name);
  out_ << "Table " << *name << (e ? " does exist" : " does not exist") << "\n";
  after_ = e ? "=> true" : "=> false";
  return {};
}

}  // namespace smartcar::table::shell

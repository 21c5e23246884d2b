// The table stage's fixture (RocksDB's DBTestBase shape): a store in a temp dir, Reopen(), and
// helpers to put and read cells briefly.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "table/table.h"
#include "test_util.h"

namespace smartcar::table {

class TableTestBase : public ::testing::Test {
 protected:
  TableTestBase() { Reopen(); }

  void Reopen() {
    table_.reset();
    store_.reset();
    auto s = TableStore::Open({.data_dir = dir_.str()});
    ASSERT_TRUE(s.has_value()) << s.error().ToString();
    store_ = std::move(*s);
  }

  // Creates `name` with `families` ("cf" or "cf:VERSIONS") and opens it into table_.
  void Create(const std::string& name, std::vector<FamilyOptions> families,
              std::vector<std::string> splits = {}) {
    Status s = store_->CreateTable({name, std::move(families), std::move(splits)});
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto t = store_->OpenTable(name);
    ASSERT_TRUE(t.has_value()) << t.error().ToString();
    table_ = *t;
  }

  void PutCell(const std::string& row, const std::string& fam, const std::string& q,
               const std::string& v, int64_t ts = kLatestTimestamp) {
    Put p(row);
    p.Add(fam, q, v, ts);
    Status s = table_->Apply({}, p);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // "fam:q=value@ts" per cell, rows separated by " | " ("row: cells").
  static std::string Show(const Row& r, bool with_ts = false) {
    std::string out = r.key + ":";
    for (const auto& c : r.cells) {
      out += " " + c.family + ":" + c.qualifier + "=" + c.value;
      if (with_ts) out += "@" + std::to_string(c.timestamp);
    }
    return out;
  }

  std::string ScanAll(ScanSpec spec, bool with_ts = false) {
    auto it = table_->Scan(spec);
    if (!it) return "error: " + it.error().ToString();
    std::string out;
    for (; (*it)->Valid(); (*it)->Next()) {
      if (!out.empty()) out += " | ";
      out += Show((*it)->row(), with_ts);
    }
    if (!(*it)->status().ok()) out += " error: " + (*it)->status().ToString();
    return out;
  }

  std::string ScanFilter(const std::string& filter) {
    ScanSpec s;
    s.filter = filter;
    return ScanAll(s);
  }

  smartcar::testing::TempDir dir_;
  std::unique_ptr<TableStore> store_;
  std::shared_ptr<Table> table_;
};

}  // namespace smartcar::table

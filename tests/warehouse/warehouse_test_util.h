// Fixture for warehouse tests: a temp data folder, a Warehouse on it, and helpers to write
// status logs and query single values.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/event_time.h"
#include "gen/status_simulator.h"
#include "test_util.h"
#include "warehouse/warehouse.h"

namespace smartcar::warehouse {

class WarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    w_.reset();
    WarehouseOptions options;
    options.data_dir = tmp_.file("data");
    options.threads = 2;
    auto w = Warehouse::Open(options);
    ASSERT_TRUE(w.has_value()) << w.error().ToString();
    w_ = std::move(*w);
  }

  std::string data_dir() const { return tmp_.file("data"); }

  // Loads `path` as partition `date`; fails the test on error.
  LoadReport MustLoad(const std::string& date, const std::string& path) {
    auto r = w_->Load(LoadSpec{std::string(kStatusTable), date, path});
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().ToString());
    return r ? *r : LoadReport{};
  }

  // The first value of the first row, or "<error: ...>".
  std::string Value(const std::string& sql) {
    auto r = w_->Query(sql);
    if (!r) return "<error: " + r.error().message() + ">";
    if (r->rows.empty() || r->rows[0].empty()) return "<no rows>";
    return r->rows[0][0].value_or("NULL");
  }
  int64_t Int(const std::string& sql) { return std::stoll(Value(sql)); }

  // Writes a generated status log for `date` (yyyyMMdd) and returns its path.
  std::string GenerateDay(const std::string& date, int cars, int interval_seconds, uint64_t seed,
                          const std::string& dir_name = "gen") {
    gen::StatusSimOptions sim;
    sim.day = *ParseDate8(date);
    sim.cars = cars;
    sim.interval_seconds = interval_seconds;
    sim.seed = seed;
    gen::StatusRunStats stats;
    Status s = gen::RunStatusSimulator(sim, tmp_.file(dir_name), nullptr, {}, &stats);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return stats.path;
  }

  // Writes `content` to a file in the temp folder and returns its path.
  std::string WriteTemp(const std::string& name, const std::string& content) {
    const std::string path = tmp_.file(name);
    testing::WriteFile(path, content);
    return path;
  }

  testing::TempDir tmp_;
  std::unique_ptr<Warehouse> w_;
};

// A status line for `car` at `stamp` (14 digits) with the given sensor values.
inline std::string StatusLine(const std::string& stamp, const std::string& car, int tire = 80,
                              int light = 1, char engine = 'A', char brake = 'A',
                              int battery = 90) {
  const std::string t = std::to_string(tire), l = std::to_string(light);
  return stamp + "," + car + "," + t + "," + t + "," + t + "," + t + "," + l + "," + l + "," + l +
         "," + l + "," + engine + "," + brake + "," + std::to_string(battery) + "\n";
}

}  // namespace smartcar::warehouse

// ExportSnapshot + RegisterViewProvider: how the table store's DriverCarInfo becomes a SQL view.
// A fake wide-column store stands in for src/table/ (not merged yet).
#include <gtest/gtest.h>

#include <array>
#include <map>

#include "warehouse/warehouse_test_util.h"

namespace smartcar::warehouse {
namespace {

using Cells = std::array<std::optional<std::string>, 8>;

const std::vector<std::string> kDriveColumns = {"row_key",      "date",        "car_number",
                                                "speed_pedal",  "break_pedal", "steer_angle",
                                                "direct_light", "speed",       "area_number"};

TEST_F(WarehouseTest, SnapshotViewReturnsExactlyTheStoresRows) {
  std::map<std::string, Cells> store;  // row key -> cf1 cells.
  for (int i = 0; i < 500; ++i) {
    char car[6];
    std::snprintf(car, sizeof car, "O%04d", i % 37);
    const std::string time = "20220426" + std::to_string(100000 + i);
    std::string key(time.rbegin(), time.rend());
    key += std::string("-") + car;
    Cells c = {time, car, std::to_string(i % 6),   std::to_string(i % 4),
               "L1", "N", std::to_string(i % 140), "F06"};
    if (i % 50 == 0) c[7].reset();  // A row without its area cell.
    store[key] = c;
  }
  SnapshotSpec spec;
  spec.data_dir = data_dir();
  spec.name = "DriverCarInfo";
  spec.columns = kDriveColumns;
  RegisterViewProvider(
      "fake_table", [&](const std::string&) -> Result<std::vector<ViewDefinition>> {
        auto it = store.begin();
        auto v = ExportSnapshot(spec, [&](std::vector<std::optional<std::string>>* row) {
          if (it == store.end()) return false;
          row->push_back(it->first);
          row->insert(row->end(), it->second.begin(), it->second.end());
          ++it;
          return true;
        });
        if (!v) return Err(v.error());
        return std::vector<ViewDefinition>{*v};
      });

  auto check = [&] {
    auto r = w_->Query("SELECT * FROM DriverCarInfo ORDER BY row_key");
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(r->columns, kDriveColumns);
    ASSERT_EQ(r->rows.size(), store.size());
    size_t i = 0;
    for (const auto& [key, cells] : store) {
      EXPECT_EQ(r->rows[i][0], key);
      for (size_t c = 0; c < 8; ++c) EXPECT_EQ(r->rows[i][c + 1], cells[c]) << key << " col " << c;
      ++i;
    }
  };
  check();
  // A Put on an existing row shows up in the next statement.
  store.begin()->second[6] = "133";
  check();
  EXPECT_EQ(Int("SELECT count(*) FROM DriverCarInfo WHERE area_number IS NULL"), 10);

  auto bad = ExportSnapshot(spec, [n = 0](std::vector<std::optional<std::string>>* row) mutable {
    row->assign(3, std::string("x"));
    return n++ < 1;
  });
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "snapshot row 1 has 3 values, want 9");
  spec.name = "../evil";
  EXPECT_TRUE(ExportSnapshot(spec, [](auto*) { return false; }).error().IsInvalidArgument());

  RegisterViewProvider("fake_table", [](const std::string&) -> Result<std::vector<ViewDefinition>> {
    return std::vector<ViewDefinition>{};
  });
}

}  // namespace
}  // namespace smartcar::warehouse

// DriverRow: a driving event as a DriverCarInfo row, with its cells in the order they are stored.
#include "pipeline/driver_table.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/line_codec.h"

namespace smartcar::pipeline {
namespace {

TEST(DriverRowTest, AnEventBecomesOneRowOfEightCellsInQualifierOrder) {
  DriverEvent e;
  ASSERT_TRUE(ParseDriverLine("20220426000105,B0002,2,0,L1,L,37,F04", &e).has_value());
  const table::Put put = DriverRow(e);
  EXPECT_EQ(put.row, "50100062402202-B0002");  // The pilot's key: the time's digits reversed.
  std::vector<std::string> shown;
  for (const table::Cell& c : put.cells) {
    EXPECT_EQ(c.family, kDriverFamily);
    EXPECT_EQ(c.timestamp, e.time.value);
    shown.push_back(c.qualifier + "=" + c.value);
  }
  EXPECT_EQ(shown, (std::vector<std::string>{"area_number=F04", "break_pedal=0", "car_number=B0002",
                                             "date=20220426000105", "direct_light=L", "speed=37",
                                             "speed_pedal=2", "steer_angle=L1"}));
  // Every qualifier of the table, each once.
  std::vector<std::string_view> qualifiers(kDriverQualifiers.begin(), kDriverQualifiers.end());
  std::sort(qualifiers.begin(), qualifiers.end());
  ASSERT_EQ(put.cells.size(), qualifiers.size());
  for (size_t i = 0; i < qualifiers.size(); ++i) EXPECT_EQ(put.cells[i].qualifier, qualifiers[i]);
}

// The table bolt refills the puts of its last batch: a put that held another row (longer
// values, more cells, another family) becomes exactly the event's row.
TEST(DriverRowTest, FillingAUsedPutGivesTheSameRow) {
  DriverEvent a, b;
  ASSERT_TRUE(ParseDriverLine("20220426000105,B0002,2,0,L1,L,137,F04", &a).has_value());
  ASSERT_TRUE(ParseDriverLine("20220426235959,Z0100,0,3,F,N,5,A01", &b).has_value());
  table::Put put = DriverRow(a, "other_family");
  put.cells.push_back(table::Cell{"x", "extra", 1, std::string(100, 'v')});
  FillDriverRow(b, kDriverFamily, &put);
  const table::Put want = DriverRow(b);
  EXPECT_EQ(put.row, want.row);
  EXPECT_EQ(put.cells, want.cells);
}

}  // namespace
}  // namespace smartcar::pipeline

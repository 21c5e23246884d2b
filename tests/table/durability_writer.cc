// Helper process for durability_test.cc: writes numbered batches of 100 driving-like rows
// (8 cells each) to table `dur` in DIR, printing each batch number once ApplyBatch returned OK.
//   table_durability_writer DIR
#include <cstdio>
#include <string>
#include <vector>

#include "table/table.h"

int main(int argc, char** argv) {
  using namespace smartcar::table;
  if (argc != 2) return 2;
  auto store = TableStore::Open({.data_dir = argv[1]});
  if (!store) return 1;
  if (!(*store)->Exists("dur") && !(*store)->CreateTable({"dur", {{.name = "cf1"}}, {}}).ok()) {
    return 1;
  }
  auto table = (*store)->OpenTable("dur");
  if (!table) return 1;
  for (int b = 0;; ++b) {
    std::vector<Put> batch;
    for (int r = 0; r < 100; ++r) {
      char key[32];
      std::snprintf(key, sizeof key, "b%06d-r%03d", b, r);
      Put p(key);
      for (const char* q : {"date", "car_number", "speed_pedal", "break_pedal", "steer_angle",
                            "direct_light", "speed", "area_number"}) {
        p.Add("cf1", q, std::to_string(b * 1000 + r));
      }
      batch.push_back(std::move(p));
    }
    if (!(*table)->ApplyBatch({}, batch).ok()) return 1;
    std::printf("%d\n", b);
    std::fflush(stdout);
  }
}

// Fuzzes the warehouse loader end to end (parse -> DuckDB chunks -> Parquet -> commit -> SQL):
// no crash, no UB, the load report adds up, and the table holds exactly the rows reported.
// Also fuzzes the spool-name parser with the same bytes.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "warehouse/warehouse.h"

namespace {

struct Fixture {
  std::string dir;
  std::unique_ptr<smartcar::warehouse::Warehouse> w;
  Fixture() {
    std::string tmpl = std::filesystem::temp_directory_path().string() + "/wh-fuzz-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir = tmpl;
    smartcar::warehouse::WarehouseOptions o;
    o.data_dir = dir + "/data";
    o.threads = 1;
    auto w_or = smartcar::warehouse::Warehouse::Open(o);
    if (!w_or) std::abort();
    w = std::move(*w_or);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = new Fixture();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::string date;
  if (smartcar::warehouse::IsSpoolFileName(bytes, &date) && date.size() != 8) std::abort();

  const std::string path = f->dir + "/in.txt";
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) std::abort();
  std::fwrite(data, 1, size, out);
  std::fclose(out);
  auto r = f->w->Load({std::string(smartcar::warehouse::kStatusTable), "20220426", path});
  if (!r) return 0;  // No valid line: a clean error.
  if (r->lines != r->rows + r->headers + r->blank + r->rejects) std::abort();
  auto q = f->w->Query("SELECT count(*) FROM SmartCar_Status_Info");
  if (!q || q->rows.empty() || *q->rows[0][0] != std::to_string(r->rows)) std::abort();
  return 0;
}

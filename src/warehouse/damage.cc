// WarehouseImpl::CheckPartitions: finds partitions whose Parquet data DuckDB cannot read (every
// value is read: the footer alone does not show damaged pages) and, for `smartcar repair`, sets
// them aside under `_lost/`; the hint Query() adds to DuckDB's error.
#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "warehouse/warehouse_impl.h"

namespace smartcar::warehouse {

bool LooksLikeDamagedParquet(std::string_view message) {
  const std::string lower = AsciiLower(message);
  if (lower.find("parquet") != std::string::npos || lower.find("corrupt") != std::string::npos) {
    return true;
  }
  // DuckDB's decoders report damaged bytes under these types, often without the file's name
  // ("Invalid Error: Varint-decoding found too large number").
  for (std::string_view type : {"invalid error", "io error", "invalid input error",
                                "internal error", "serialization error"}) {
    if (lower.find(type) != std::string::npos) return true;
  }
  return false;
}

std::string DamageHint(const std::vector<DamagedPartition>& damaged) {
  std::string out = "; damaged partition" + std::string(damaged.size() > 1 ? "s" : "") + ": ";
  for (size_t i = 0; i < damaged.size(); ++i) {
    const DamagedPartition& d = damaged[i];
    out += (i == 0 ? "" : ", ") + d.table + " day " + d.date + " (" + d.path + ")";
  }
  return out +
         ". `smartcar repair --data DIR` sets damaged partitions aside; then load those days "
         "again";
}

Result<std::vector<DamagedPartition>> WarehouseImpl::CheckPartitions(bool set_aside) {
  std::vector<DamagedPartition> damaged;
  for (const std::string& table : store_.ListTables()) {
    for (const std::string& date : store_.ListDates(table)) {
      DamagedPartition d;
      for (const std::string& file : store_.Files(table, date)) {
        // Hashing every column makes DuckDB decode every page of the file.
        auto r = session_->Query("SELECT count(*), sum(hash(COLUMNS(*))) FROM read_parquet(" +
                                 duck::Quote(file) + ")");
        if (!r) {
          d.error = file + ": " + r.error().message();
          break;
        }
      }
      if (d.error.empty()) continue;
      d.table = table;
      d.date = date;
      d.path = store_.PartitionDir(table, date);
      if (set_aside) {
        auto lock = LockTable(store_.root(), table);
        if (!lock) return Err(lock.error());
        auto to = store_.SetAside(table, date);
        if (!to) return Err(to.error());
        d.set_aside_to = *to;
      }
      damaged.push_back(std::move(d));
    }
  }
  return damaged;
}

}  // namespace smartcar::warehouse

// The spool sink (LoadSpoolFile) for the collector's finished status logs.
#include <filesystem>
#include <string>

#include "core/crash_point.h"
#include "warehouse/partition_store.h"
#include "warehouse/warehouse.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {

bool IsSpoolFileName(std::string_view name, std::string* date) {
  constexpr std::string_view kPrefix = "SmartCarStatusInfo_";
  if (name.rfind(kPrefix, 0) != 0) return false;
  std::string_view rest = name.substr(kPrefix.size());
  if (rest.size() < 8) return false;
  const std::string_view day = rest.substr(0, 8);
  const std::string_view ext = rest.substr(8);
  if (ext != ".txt" && ext != ".txt.gz") return false;
  if (!ValidateDate(day).ok()) return false;
  if (date != nullptr) *date = std::string(day);
  return true;
}

Result<LoadReport> LoadSpoolFile(Warehouse* warehouse, const std::string& path) {
  std::string date;
  const std::string name = fs::path(path).filename().string();
  if (!IsSpoolFileName(name, &date)) {
    return Err(Status::InvalidArgument(
        path + ": not a spool file (want SmartCarStatusInfo_<yyyyMMdd>.txt)"));
  }
  LoadSpec spec;
  spec.table = std::string(kStatusTable);
  spec.date = date;
  spec.path = path;
  auto report = warehouse->Load(spec);
  if (!report) return report;
  // Only now, with the partition committed, mark the file done (the collector's convention).
  TEST_MaybeCrashAt("before-spool-rename");
  std::error_code ec;
  fs::rename(path, path + ".COMPLETED", ec);
  if (ec) return Err(Status::IOError("rename " + path + " to .COMPLETED: " + ec.message()));
  return report;
}

}  // namespace smartcar::warehouse

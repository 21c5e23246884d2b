// The DriverCarInfo view: a read-only scan of the table's cf1 cells exported as a warehouse
// snapshot (one VARCHAR column per qualifier), and the view provider that re-exports it.
#include "pipeline/drive_info_view.h"

#include <array>
#include <optional>

#include "pipeline/smartcar_topology.h"
#include "table/table.h"
#include "warehouse/warehouse.h"

namespace smartcar::pipeline {
namespace {

constexpr const auto& kQualifiers = kDriverQualifiers;

Result<warehouse::ViewDefinition> Export(const std::string& data_dir, uint64_t* rows) {
  auto store = table::TableStore::Open({.data_dir = data_dir, .read_only = true});
  if (!store) return Err(store.error());
  auto t = (*store)->OpenTable(kDriverTable);
  if (!t) return Err(t.error());
  table::ScanSpec spec;
  spec.columns = {table::ColumnRef{kDriverFamily, "", true}};
  spec.caching = 1000;
  auto it = (*t)->Scan(spec);
  if (!it) return Err(it.error());
  warehouse::SnapshotSpec snap;
  snap.data_dir = data_dir;
  snap.name = kDriverTable;
  snap.columns = DriveInfoColumns();
  *rows = 0;
  auto view = warehouse::ExportSnapshot(snap, [&](std::vector<std::optional<std::string>>* row) {
    if (!(*it)->Valid()) return false;
    const table::Row& r = (*it)->row();
    row->assign(1 + kQualifiers.size(), std::nullopt);
    (*row)[0] = r.key;
    for (const table::Cell& c : r.cells) {
      for (size_t i = 0; i < kQualifiers.size(); ++i) {
        if (c.qualifier == kQualifiers[i]) (*row)[i + 1] = c.value;
      }
    }
    ++*rows;
    (*it)->Next();
    return true;
  });
  if (!view) return Err(view.error());
  SMARTCAR_RETURN_IF_ERROR(
      (*it)->status().WithPrefix("scanning " + std::string(kDriverTable) + ": "));
  return *view;
}

}  // namespace

const std::vector<std::string>& DriveInfoColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = {"row_key"};
    c.insert(c.end(), kQualifiers.begin(), kQualifiers.end());
    return c;
  }();
  return columns;
}

Result<uint64_t> ExportDriveInfo(const std::string& data_dir) {
  uint64_t rows = 0;
  auto view = Export(data_dir, &rows);
  if (!view) return Err(view.error());
  return rows;
}

void RegisterDriveInfoView() {
  warehouse::RegisterViewProvider(
      kDriverTable,
      [](const std::string& data_dir) -> Result<std::vector<warehouse::ViewDefinition>> {
        uint64_t rows = 0;
        auto view = Export(data_dir, &rows);
        if (!view) {
          if (view.error().IsNotFound()) return std::vector<warehouse::ViewDefinition>{};
          return Err(view.error());
        }
        return std::vector<warehouse::ViewDefinition>{*view};
      });
}

}  // namespace smartcar::pipeline

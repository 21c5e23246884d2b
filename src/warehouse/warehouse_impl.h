// WarehouseImpl: the one Warehouse implementation (internal to warehouse/).
#pragma once

#include <memory>
#include <set>
#include <string>

#include "warehouse/duck.h"
#include "warehouse/partition_store.h"
#include "warehouse/warehouse.h"

namespace smartcar::warehouse {

// True if DuckDB's `message` may come from a damaged Parquet file (damage.cc).
bool LooksLikeDamagedParquet(std::string_view message);
// "; damaged partition(s): T day D (file: error), ...; `smartcar repair` ..." (damage.cc).
std::string DamageHint(const std::vector<DamagedPartition>& damaged);

class WarehouseImpl final : public Warehouse {
 public:
  WarehouseImpl(const WarehouseOptions& options, std::unique_ptr<duck::Session> session);

  Result<LoadReport> Load(const LoadSpec& spec) override;
  Result<LoadReport> LoadDelimited(const DelimitedLoadSpec& spec) override;  // delimited.cc
  Result<LoadReport> StoreQuery(const std::string& table, const std::string& date,
                                const std::string& select_sql) override;  // delimited.cc
  Result<QueryResult> Query(std::string_view sql) override;
  Result<QueryResult> QueryWithoutRefresh(std::string_view sql) override;
  Result<std::vector<PartitionInfo>> Partitions(std::string_view table) override;
  Status DropPartition(std::string_view table, std::string_view date) override;
  Result<std::vector<std::string>> Tables() override;
  Result<QueryResult> StatusReport(const ReportOptions& options) override;         // report.cc
  Result<std::vector<DamagedPartition>> CheckPartitions(bool set_aside) override;  // damage.cc
  const std::string& root() const override { return store_.root(); }

 private:
  // (Re)creates one view per warehouse table and per registered provider's view.
  Status RefreshViews();
  // Writes the rows of `select_sql` (which has a wrk_date column) as partitions of `table`,
  // one per wrk_date value, each committed atomically.
  Status StorePartitioned(std::string_view table, const std::string& select_sql);

  WarehouseOptions options_;
  std::unique_ptr<duck::Session> session_;
  PartitionStore store_;
  std::set<std::string> views_;  // Views this object created.
};

}  // namespace smartcar::warehouse

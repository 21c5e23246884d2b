// TableBolt: every driving event becomes a row of DriverCarInfo (DriverRow, driver_table.h).
// Each row is filled into one reused Put (FillDriverRow: nothing allocated once warm) and added
// to a table::PutBatch at once, which encodes it while its cells are in the cache; the batch is
// written by size, on each tick and at each mark. Events are untracked (log_spout.cc) and acked
// at once; a mark is acked after the rows before it are written, and failed when a write since
// the last mark failed (its rows are dropped here: the failed mark makes the spout read them
// again from the last commit), and the table is reported failing (EngineHealth: the status line,
// /healthz) until a write succeeds again. Cells are stamped with the event time, so a replayed
// event rewrites identical cells (idempotent); each row is written whole, so its entry replaces
// what is at its timestamp (WriteOptions::replace: a RocksDB Put, not a Merge).
#include <string>
#include <vector>

#include "pipeline/components.h"
#include "pipeline/driver_table.h"
#include "table/table.h"

namespace smartcar::pipeline {
namespace {

class TableBolt final : public topology::Bolt {
 public:
  explicit TableBolt(const PipelineOptions& o) : o_(o) {}

  Status Prepare(const topology::TopologyContext&, topology::OutputCollector& collector) override {
    out_ = &collector;
    auto t = o_.tables->OpenTable(kDriverTable);
    if (!t) return t.error();
    table_ = std::move(*t);
    batch_ = table_->NewPutBatch();
    engine_ = std::string("table ") + kDriverTable;
    return Status::OK();
  }

  Status Execute(const topology::Tuple& input) override {
    if (input.source_stream() == kMarkStream) {
      marks_.push_back(input.AckHandle());  // Settled with the rows before it.
      return Flush();
    }
    if (input.source_stream() == kEndOfInputStream) {
      out_->Ack(input);
      return Flush();
    }
    const DriverEvent* e = input.GetAs<DriverEvent>(field::kEvent);
    out_->Ack(input);  // Untracked: the marks behind it stand for it.
    if (e == nullptr) return Status::InvalidArgument("tuple without an 'event' field");
    FillDriverRow(*e, kDriverFamily, &row_);
    if (Status s = batch_->Add(row_); !s.ok() && added_.ok()) added_ = s;  // Written as none.
    if (batch_->size() >= o_.table_batch) return Flush();
    return Status::OK();
  }

  Status Tick() override { return Flush(); }
  bool WantsTick() const override {
    return (batch_ != nullptr && batch_->size() > 0) || !added_.ok() || !marks_.empty();
  }
  void Close() override { (void)Flush(); }

 private:
  Status Flush() {
    // A row the batch refused (a table without the family) fails the batch's rows with it.
    const size_t rows = batch_ != nullptr ? batch_->size() : 0;  // None if Prepare failed.
    Status s = !added_.ok() ? added_
               : rows == 0  ? Status::OK()
                            : table_->Write(kWrite, batch_.get());
    if (s.ok() && o_.counters) o_.counters->stored += rows;
    if (!s.ok()) failed_ = true;
    if (o_.health != nullptr && (rows > 0 || !added_.ok())) {
      if (s.ok()) {
        o_.health->Recovered(engine_);
      } else {
        o_.health->Failed(engine_, s);
      }
    }
    if (batch_ != nullptr) batch_->Clear();
    added_ = Status::OK();
    for (const auto& mark : marks_) {
      if (failed_) {
        out_->Fail(mark);
      } else {
        out_->Ack(mark);
      }
    }
    if (!marks_.empty()) failed_ = false;
    marks_.clear();
    return s;
  }

  static constexpr table::WriteOptions kWrite{.replace = true};

  PipelineOptions o_;
  topology::OutputCollector* out_ = nullptr;
  std::shared_ptr<table::Table> table_;
  std::string engine_;                      // How EngineHealth names the table.
  std::unique_ptr<table::PutBatch> batch_;  // The rows since the last write.
  Status added_;                            // The first Add the batch refused since then.
  table::Put row_{std::string()};           // Refilled for each row.
  std::vector<topology::Tuple> marks_;      // At most the one being settled.
  bool failed_ = false;                     // A write failed since the last mark settled.
};

}  // namespace

std::unique_ptr<topology::Bolt> MakeTableBolt(const PipelineOptions& options) {
  return std::make_unique<TableBolt>(options);
}

}  // namespace smartcar::pipeline

// TableBolt: every driving event becomes a row of DriverCarInfo (DriverRow, driver_table.h).
// Puts are batched (by size, on each tick and at each mark) and the batch's inputs, a mark
// among them, are acked only after ApplyBatch succeeded (failed otherwise: the spout reads
// again from the last commit). Cells are stamped with the event time, so a replayed event
// rewrites identical cells (idempotent).
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
    return Status::OK();
  }

  Status Execute(const topology::Tuple& input) override {
    if (input.source_stream() == kMarkStream) {
      inputs_.push_back(input.AckHandle());  // Settled with the rows before it.
      return Flush();
    }
    if (input.source_stream() == kEndOfInputStream) {
      out_->Ack(input);
      return Flush();
    }
    const DriverEvent* e = input.GetAs<DriverEvent>(field::kEvent);
    if (e == nullptr) {
      out_->Ack(input);
      return Status::InvalidArgument("tuple without an 'event' field");
    }
    puts_.push_back(DriverRow(*e));
    inputs_.push_back(input.AckHandle());
    if (puts_.size() >= o_.table_batch) return Flush();
    return Status::OK();
  }

  Status Tick() override { return Flush(); }
  void Close() override { (void)Flush(); }

 private:
  Status Flush() {
    if (inputs_.empty()) return Status::OK();
    Status s = puts_.empty() ? Status::OK() : table_->ApplyBatch(table::WriteOptions{}, puts_);
    for (const auto& t : inputs_) {
      if (s.ok()) {
        out_->Ack(t);
      } else {
        out_->Fail(t);
      }
    }
    if (s.ok() && o_.counters) o_.counters->stored += puts_.size();
    puts_.clear();
    inputs_.clear();
    return s;
  }

  PipelineOptions o_;
  topology::OutputCollector* out_ = nullptr;
  std::shared_ptr<table::Table> table_;
  std::vector<table::Put> puts_;
  std::vector<topology::Tuple> inputs_;
};

}  // namespace

std::unique_ptr<topology::Bolt> MakeTableBolt(const PipelineOptions& options) {
  return std::make_unique<TableBolt>(options);
}

}  // namespace smartcar::pipeline

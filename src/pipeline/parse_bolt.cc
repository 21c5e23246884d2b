// ParseBolt: driving-log line → DriverEvent with the core codec. Header lines are dropped;
// malformed lines go to the dead-letter file ("<topic>/<partition>@<offset>\t<reason>\t<line>"),
// so a bad line never blocks its partition. End-of-input and marks are passed on; a mark is
// failed instead when a reject before it could not be kept (the spout then reads again from the
// last commit).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/escape.h"
#include "core/line_codec.h"
#include "pipeline/components.h"

namespace smartcar::pipeline {
namespace {

class ParseBolt final : public topology::Bolt {
 public:
  explicit ParseBolt(const PipelineOptions& o) : o_(o) {}
  ~ParseBolt() override {
    if (dead_fd_ >= 0) close(dead_fd_);
  }

  void DeclareOutputFields(topology::OutputFieldsDeclarer& d) const override {
    d.Declare(topology::Fields{field::kCarNumber, field::kEvent, field::kEpoch, field::kPartition,
                               field::kOffset});
    d.DeclareStream(kEndOfInputStream, topology::Fields{field::kFrom, field::kEpoch});
    d.DeclareStream(kMarkStream, topology::Fields{field::kEpoch});
  }

  Status Prepare(const topology::TopologyContext&, topology::OutputCollector& collector) override {
    out_ = &collector;
    return Status::OK();
  }

  Status Execute(const topology::Tuple& input) override {
    // The spout's rebalance epoch travels with every tuple (see log_spout.cc).
    const int64_t* epoch_field = input.GetAs<int64_t>(field::kEpoch);
    const int64_t epoch = epoch_field != nullptr ? *epoch_field : 0;
    if (input.source_stream() == kMarkStream) {
      const bool fail = failed_epoch_ == epoch;  // (an older epoch's failure is moot)
      failed_epoch_ = -1;
      if (fail) {
        out_->Fail(input);
        return Status::OK();
      }
      Status s = out_->Emit(kMarkStream, {&input}, {topology::Value{epoch}});
      if (s.ok()) {
        out_->Ack(input);
      } else {
        out_->Fail(input);
      }
      return s;
    }
    if (input.source_stream() == kEndOfInputStream) {
      out_->Ack(input);
      return out_->Emit(kEndOfInputStream, {},
                        {topology::Value{std::string(component::kParse)}, topology::Value{epoch}});
    }
    const std::string* line = input.GetAs<std::string>(field::kLine);
    if (line == nullptr) {
      out_->Ack(input);
      return Status::InvalidArgument("tuple without a 'line' field");
    }
    DriverEvent e;
    auto r = ParseDriverLine(*line, &e);
    if (!r) {
      Status s = DeadLetter(input, *line, r.error());
      if (s.ok()) {
        out_->Ack(input);
      } else {
        failed_epoch_ = epoch;  // Read again: the reject must be kept before the record goes.
        out_->Fail(input);      // (anchored inputs: a custom topology)
      }
      return s;
    }
    if (*r == LineKind::kRecord) {
      if (o_.counters) {
        o_.counters->parsed++;
        o_.counters->area_events[static_cast<size_t>(PipelineCounters::AreaSlot(e.area_number))]
            .fetch_add(1, std::memory_order_relaxed);
      }
      const int64_t* partition = input.GetAs<int64_t>(field::kPartition);
      const int64_t* offset = input.GetAs<int64_t>(field::kOffset);
      Status s =
          out_->Emit(input, {topology::Value{std::string(e.car_number.view())},
                             topology::Value{topology::Object::Make(e)}, topology::Value{epoch},
                             topology::Value{partition != nullptr ? *partition : -1},
                             topology::Value{offset != nullptr ? *offset : -1}});
      if (!s.ok()) {
        failed_epoch_ = epoch;
        out_->Fail(input);
        return s;
      }
    }
    out_->Ack(input);
    return Status::OK();
  }

 private:
  Status DeadLetter(const topology::Tuple& input, const std::string& line, const Status& why) {
    if (o_.counters) o_.counters->rejected++;
    if (o_.dead_letter_path.empty()) return Status::OK();
    if (dead_fd_ < 0) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(o_.dead_letter_path).parent_path(),
                                          ec);
      dead_fd_ = open(o_.dead_letter_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (dead_fd_ < 0) {
        return Status::IOError("cannot open dead-letter file '" + o_.dead_letter_path +
                               "': " + std::strerror(errno));
      }
    }
    const int64_t* p = input.GetAs<int64_t>(field::kPartition);
    const int64_t* off = input.GetAs<int64_t>(field::kOffset);
    const std::string text = o_.topic + "/" + std::to_string(p ? *p : -1) + "@" +
                             std::to_string(off ? *off : -1) + "\t" + EscapeBytes(why.message()) +
                             "\t" + EscapeBytes(line) + "\n";
    if (write(dead_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      return Status::IOError("cannot write dead-letter file '" + o_.dead_letter_path + "'");
    }
    return Status::OK();
  }

  PipelineOptions o_;
  topology::OutputCollector* out_ = nullptr;
  int dead_fd_ = -1;
  int64_t failed_epoch_ = -1;  // An input of this epoch failed since the last mark: fail it.
};

}  // namespace

std::unique_ptr<topology::Bolt> MakeParseBolt(const PipelineOptions& options) {
  return std::make_unique<ParseBolt>(options);
}

}  // namespace smartcar::pipeline

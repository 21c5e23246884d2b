// Fuzzes the Flux YAML topology loader: any input gives a topology or a Status, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "topology/flux.h"

namespace {

using namespace smartcar::topology;

class NullSpout : public Spout {
 public:
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"a", "b"}); }
  smartcar::Status Open(const TopologyContext&, SpoutOutputCollector&) override {
    return smartcar::Status::OK();
  }
  smartcar::Status NextTuple() override { return smartcar::Status::OK(); }
};

class NullBolt : public Bolt {
 public:
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"a"}); }
  smartcar::Status Prepare(const TopologyContext&, OutputCollector&) override {
    return smartcar::Status::OK();
  }
  smartcar::Status Execute(const Tuple&) override { return smartcar::Status::OK(); }
};

const ComponentRegistry& Registry() {
  static ComponentRegistry* r = [] {
    auto* reg = new ComponentRegistry();
    (void)reg->RegisterSpout("S", [](const ComponentConfig&) {
      return smartcar::Result<std::unique_ptr<Spout>>(std::make_unique<NullSpout>());
    });
    (void)reg->RegisterBolt(
        "B", [](const ComponentConfig& c) -> smartcar::Result<std::unique_ptr<Bolt>> {
          auto n = c.GetInt("n", 0);
          if (!n) return smartcar::Err(n.error());
          return std::make_unique<NullBolt>();
        });
    return reg;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto t =
      LoadFluxTopology(std::string_view(reinterpret_cast<const char*>(data), size), Registry());
  (void)t;
  return 0;
}

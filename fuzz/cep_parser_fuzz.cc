// Fuzzes the EPL front end: lexer, parser and analyzer must never crash on any text, and a rule
// that compiles must run over a few events, clock moves and a flush without crashing.
#include <cstdint>
#include <string_view>

#include "cep/engine.h"
#include "core/line_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  smartcar::Result<smartcar::cep::CompiledRule> rule = smartcar::cep::Compile(text);
  if (!rule) return 0;
  smartcar::cep::Engine engine(smartcar::cep::EngineOptions{1000},
                               [](const smartcar::cep::OutputEvent&) {});
  if (!engine.Deploy("fuzz", *rule).ok()) return 0;
  static constexpr std::string_view kLines[] = {
      "20220426000000,W0003,3,0,L1,N,125,B09", "20220426000002,O0012,5,0,F,N,180,F06",
      "20220426000031,W0003,0,2,R3,R,0,A01", "20220426000001,A0001,1,0,F,L,40,C02"};
  int64_t clock = 0;
  for (std::string_view line : kLines) {
    smartcar::DriverEvent e;
    if (smartcar::ParseDriverLine(line, &e)) engine.Send(e);
    clock += 7000;
    (void)engine.AdvanceTime(clock);
  }
  engine.AdvanceWatermark(smartcar::EventTimeMs{1650931300000});
  engine.Flush();
  (void)engine.Replace("fuzz", *rule);
  return 0;
}

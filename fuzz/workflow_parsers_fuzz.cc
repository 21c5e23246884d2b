// Fuzzes the workflow stage's parsers: a workflow file (YAML), a cron expression, a day run's
// JSON document (stored in the coordinator) and ${variable} substitution. None may crash; a
// parsed workflow's actions come dependencies first; a decoded run encodes to what decodes back
// to the same document. The first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "workflow/cron.h"
#include "workflow/workflow.h"

using namespace smartcar::workflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 20000) return 0;
  const std::string in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto wf = ParseWorkflow(in, "fuzz.yaml");
      if (!wf) break;
      std::set<std::string> seen;
      for (const Action& a : wf->actions) {
        for (const std::string& d : a.depends_on) {
          if (seen.count(d) == 0) std::abort();  // A dependency after its dependent.
        }
        seen.insert(a.name);
      }
      break;
    }
    case 1: {
      auto c = CronSpec::Parse(in);
      if (c) {
        for (int d = 1; d <= 31; ++d) (void)c->MatchesDay(2020, 2, d);
        for (int h = 0; h < 24; ++h) (void)c->MatchesTime(h, 59);
      }
      break;
    }
    case 2: {
      auto run = DayRunFromJson(in);
      if (!run) break;
      const std::string again = DayRunToJson(*run);
      auto back = DayRunFromJson(again);
      if (!back || DayRunToJson(*back) != again) std::abort();
      break;
    }
    case 3: {
      const std::map<std::string, std::string> vars = {{"working_day", "20200322"}, {"data", "/d"}};
      auto s = Substitute(in, vars);
      if (s && in.find("${") == std::string::npos && *s != in) std::abort();
      break;
    }
  }
  return 0;
}

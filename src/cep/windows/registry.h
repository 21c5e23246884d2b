// The table of data windows (`cep/windows/registry.cc`): name, arity, factory and usage
// string. The usage string feeds error messages and `smartcar rules --help`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cep/event_type.h"
#include "cep/parser/ast.h"
#include "cep/windows/window.h"
#include "core/status.h"

namespace smartcar::cep {

using WindowMaker = Result<std::shared_ptr<const WindowFactory>> (*)(const ast::View& view,
                                                                     const EventType& type);

struct WindowEntry {
  std::string_view ns;    // "win" or "std"
  std::string_view name;  // "time_batch"; Esper 8 spells it "#time_batch"
  int min_args;
  int max_args;
  std::string_view usage;  // "win:time_batch(period)"
  WindowMaker make;
};

const std::vector<WindowEntry>& WindowRegistry();

// Checks name, arity and parameters of `view` over events of `type`. Errors name the view, the
// position and the usage: "line 3 column 20: win:length expects 1 parameter, usage:
// win:length(count)".
Result<std::shared_ptr<const WindowFactory>> MakeWindow(const ast::View& view,
                                                        const EventType& type);

// A window that retains nothing and never removes (no view, and win:keepall).
std::shared_ptr<const WindowFactory> KeepAllFactory();

// "usage: win:time(period); win:length(count); ..." for help texts.
std::string WindowUsages();

// Parameter readers shared by the window makers (errors carry the parameter's position).
Result<int64_t> PeriodParam(const ast::View& view, size_t i);  // time period or seconds
Result<int64_t> CountParam(const ast::View& view, size_t i);   // integer > 0
Result<int> FieldParam(const ast::View& view, size_t i, const EventType& type);
// A field holding event time (time or long), for the ext_timed views.
Result<int> TimestampFieldParam(const ast::View& view, size_t i, const EventType& type);

}  // namespace smartcar::cep

// Groupings decide which task(s) of a subscribing bolt receive each tuple of a stream.
//
// One file per grouping under groupings/, all listed in the table in groupings/registry.cc.
// A Grouping instance belongs to one (source task, subscription) pair and is used only from the
// source task's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "topology/tuple.h"

namespace smartcar::topology {

enum class GroupingType { kShuffle, kFields, kAll, kGlobal, kLocalOrShuffle, kDirect };

// A subscription's grouping as declared: its type and arguments (field names for kFields).
struct GroupingSpec {
  GroupingType type = GroupingType::kShuffle;
  std::vector<std::string> args;
};

// What a grouping instance knows when it is created.
struct GroupingContext {
  int source_task = 0;
  Fields source_fields;           // Fields of the subscribed stream.
  std::vector<int> target_tasks;  // Task ids of the subscriber, ascending.
};

class Grouping {
 public:
  virtual ~Grouping() = default;
  // Appends to `out` the indices (into GroupingContext::target_tasks) that receive `values`.
  virtual void ChooseTasks(const Values& values, std::vector<size_t>* out) = 0;
};

// One row of the registry table.
struct GroupingInfo {
  GroupingType type;
  std::string_view name;   // Upper case, as in Flux YAML: "FIELDS".
  std::string_view usage;  // For error messages.
  // Checks `spec.args` against the stream's fields; nullptr when any args are fine.
  Status (*validate)(const GroupingSpec& spec, const Fields& source_fields);
  std::unique_ptr<Grouping> (*create)(const GroupingSpec& spec, const GroupingContext& ctx);
};

// All groupings, in declaration order.
const std::vector<GroupingInfo>& Groupings();
// The registry row for `type` (always exists).
const GroupingInfo& GroupingInfoFor(GroupingType type);
// Looks a grouping up by name, case-insensitively. NotFound lists the valid names.
Result<GroupingType> ParseGroupingType(std::string_view name);
// "SHUFFLE, FIELDS, ALL, GLOBAL, LOCAL_OR_SHUFFLE, DIRECT".
std::string GroupingNames();
// Checks `spec` against the fields of the stream it subscribes.
Status ValidateGrouping(const GroupingSpec& spec, const Fields& source_fields);
// Creates the grouping instance for one source task. REQUIRES: ValidateGrouping(spec) is OK.
std::unique_ptr<Grouping> CreateGrouping(const GroupingSpec& spec, const GroupingContext& ctx);

}  // namespace smartcar::topology

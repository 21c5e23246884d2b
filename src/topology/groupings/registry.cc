// The table of groupings: name, usage, argument check and factory.
#include <algorithm>
#include <cctype>

#include "topology/groupings/groupings.h"

namespace smartcar::topology {
namespace {

Status NoArgs(const GroupingSpec& spec, const Fields& /*fields*/) {
  if (!spec.args.empty()) {
    return Status::InvalidArgument(std::string(GroupingInfoFor(spec.type).name) +
                                   " grouping takes no args");
  }
  return Status::OK();
}

}  // namespace

const std::vector<GroupingInfo>& Groupings() {
  static const std::vector<GroupingInfo> kTable = {
      {GroupingType::kShuffle, "SHUFFLE", "SHUFFLE: spread evenly over the tasks", NoArgs,
       groupings::NewShuffle},
      {GroupingType::kFields, "FIELDS",
       "FIELDS, args: [field, ...]: same field values go to the same task",
       groupings::ValidateFields, groupings::NewFields},
      {GroupingType::kAll, "ALL", "ALL: every task gets a copy", NoArgs, groupings::NewAll},
      {GroupingType::kGlobal, "GLOBAL", "GLOBAL: all tuples go to the lowest task", NoArgs,
       groupings::NewGlobal},
      {GroupingType::kLocalOrShuffle, "LOCAL_OR_SHUFFLE",
       "LOCAL_OR_SHUFFLE: tasks in this process (all of them), shuffled", NoArgs,
       groupings::NewLocalOrShuffle},
      {GroupingType::kDirect, "DIRECT", "DIRECT: the emitter picks the task with EmitDirect",
       NoArgs, groupings::NewDirect},
  };
  return kTable;
}

const GroupingInfo& GroupingInfoFor(GroupingType type) {
  for (const GroupingInfo& g : Groupings()) {
    if (g.type == type) return g;
  }
  return Groupings().front();
}

std::string GroupingNames() {
  std::string out;
  for (const GroupingInfo& g : Groupings()) {
    if (!out.empty()) out += ", ";
    out += g.name;
  }
  return out;
}

Result<GroupingType> ParseGroupingType(std::string_view name) {
  for (const GroupingInfo& g : Groupings()) {
    if (std::equal(name.begin(), name.end(), g.name.begin(), g.name.end(), [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) == b;
        })) {
      return g.type;
    }
  }
  return Err(Status::NotFound("unknown grouping type '" + std::string(name) +
                              "'; expected one of " + GroupingNames()));
}

Status ValidateGrouping(const GroupingSpec& spec, const Fields& source_fields) {
  return GroupingInfoFor(spec.type).validate(spec, source_fields);
}

std::unique_ptr<Grouping> CreateGrouping(const GroupingSpec& spec, const GroupingContext& ctx) {
  return GroupingInfoFor(spec.type).create(spec, ctx);
}

}  // namespace smartcar::topology

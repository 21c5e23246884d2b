// Factories of the built-in groupings, one per file, collected in registry.cc.
#pragma once

#include "topology/grouping.h"

namespace smartcar::topology::groupings {

std::unique_ptr<Grouping> NewShuffle(const GroupingSpec& spec, const GroupingContext& ctx);
std::unique_ptr<Grouping> NewFields(const GroupingSpec& spec, const GroupingContext& ctx);
Status ValidateFields(const GroupingSpec& spec, const Fields& source_fields);
std::unique_ptr<Grouping> NewAll(const GroupingSpec& spec, const GroupingContext& ctx);
std::unique_ptr<Grouping> NewGlobal(const GroupingSpec& spec, const GroupingContext& ctx);
std::unique_ptr<Grouping> NewLocalOrShuffle(const GroupingSpec& spec, const GroupingContext& ctx);
std::unique_ptr<Grouping> NewDirect(const GroupingSpec& spec, const GroupingContext& ctx);

}  // namespace smartcar::topology::groupings

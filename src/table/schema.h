// A table's schema file (<data>/table/<name>/schema): descriptor and enabled state as text, one
// fact a line, written atomically (temp file + rename).
#pragma once

#include <string>

#include "core/status.h"
#include "table/table.h"

namespace smartcar::table {

struct StoredSchema {
  TableDescriptor descriptor;
  bool enabled = true;
};

Status WriteSchema(const std::string& path, const StoredSchema& schema);
Result<StoredSchema> ReadSchema(const std::string& path);

// InvalidArgument naming the problem: table name ([A-Za-z0-9_.-], not starting with '.' or '-'),
// families (non-empty printable, no ':' or spaces, distinct, VERSIONS >= 1, TTL >= 0) and
// split keys (non-empty, strictly increasing).
Status ValidateDescriptor(const TableDescriptor& desc);
Status ValidateTableName(std::string_view name);

}  // namespace smartcar::table

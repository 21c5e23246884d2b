// Delimited text as Sqoop reads and writes it, and PostgreSQL's COPY text encoding (internal to
// rdbms/; exposed for tests and the fuzz target).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rdbms/sqoop.h"

namespace smartcar::rdbms {

// Splits one record into *fields (cleared first), removing enclosures and escapes. The views
// point into `record`, or into *scratch when a field had to be unescaped: both must outlive
// them. *enclosed[i] tells whether field i was enclosed (an enclosed field is never read as
// NULL). Returns false when the record ends inside an open enclosure: the caller appends '\n'
// and the next line and calls again (a value may span lines when enclosed).
bool SplitFields(std::string_view record, const TextFormat& format,
                 std::vector<std::string_view>* fields, std::vector<bool>* enclosed,
                 std::string* scratch);

// Appends `value` to *out escaped for COPY's text format: '\\', '\t', '\n' and '\r' become
// backslash sequences (the delimiter is a tab, NULL is "\N").
void AppendCopyText(std::string_view value, std::string* out);

// Parses a "flag" character as Sqoop accepts it: one character, or an escape such as "\t",
// "\001", "\x01", "\0" (none). InvalidArgument naming `flag` otherwise.
Result<char> ParseDelimiterFlag(std::string_view text, std::string_view flag);

}  // namespace smartcar::rdbms

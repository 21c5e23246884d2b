// The HBase filter language (org.apache.hadoop.hbase.filter.ParseFilter), e.g.
//   RowFilter(=,'regexstring:62402202') AND
//   SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')
// Grammar: expr := term (OR term)*; term := unary (AND unary)*;
//          unary := SKIP unary | WHILE unary | '(' expr ')' | Name '(' args ')'.
// Arguments are quoted strings ('' for a quote), integers, true/false and the operators
// < <= = != > >=. Errors carry the 1-based column and a caret line:
//   "column 11: expected a comparison operator, found 'x'\n<text>\n          ^"
#pragma once

#include <memory>
#include <string_view>

#include "core/status.h"
#include "table/filter/filter.h"

namespace smartcar::table::filter {

// Parses `text` into a ready-to-use filter. InvalidArgument with position on any error.
Result<std::unique_ptr<Filter>> ParseFilter(std::string_view text);

}  // namespace smartcar::table::filter

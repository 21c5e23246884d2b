// How cells are laid out in RocksDB (docs/TABLE.md "Encoding").
//
// One entry per (row, family, timestamp) holding every cell written at that timestamp:
//   key   = esc(row) esc(family) be64(~timestamp)
//   value = { qualifier varint32 len(value) value }*
//   qualifier = varint32 len(q) q, or for a well-known qualifier (the pilot's DriverCarInfo
//               columns, cell_encoding.cc) the two bytes 0x80|index 0x00: a varint with a
//               trailing zero byte, which no writer emits for a length (PutVarint32 is
//               canonical), so entries written before the codes existed read unchanged.
// esc() doubles 0x00 as 0x00 0xff and ends with 0x00 0x01, so keys sort by row bytes, then
// family, then newest timestamp first, and esc(row) is a prefix shared by all of a row's
// entries (the prefix bloom filter's domain). Two puts at the same timestamp are combined by
// a concatenating merge operator; on decode a later occurrence of a qualifier wins.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "table/cell.h"

namespace smartcar::table::rocks {

// Appends esc(s) to *out.
void AppendEscaped(std::string_view s, std::string* out);
// Reads one escaped component from the front of *in into *out and advances *in. False if
// malformed.
bool ReadEscaped(std::string_view* in, std::string* out);
// The length of esc(row) at the front of `key`, or 0 if malformed.
size_t RowPrefixLength(std::string_view key);

// key = esc(row) esc(family) be64(~ts).
std::string EncodeKey(std::string_view row, std::string_view family, int64_t ts);
// Appends that key to *out (a reused buffer on the write path).
void AppendKey(std::string_view row, std::string_view family, int64_t ts, std::string* out);
// esc(row): the prefix of every key of `row`.
std::string EncodeRowPrefix(std::string_view row);
struct DecodedKey {
  std::string row;
  std::string family;
  int64_t timestamp = 0;
};
bool DecodeKey(std::string_view key, DecodedKey* out);

// Appends one (qualifier, value) pair to an entry value.
void AppendCellValue(std::string_view qualifier, std::string_view value, std::string* out);
// Appends the cells of entry `value` (family and timestamp given) to *cells, sorted by qualifier,
// a repeated qualifier keeping its last value. False if malformed.
bool DecodeEntry(std::string_view value, const std::string& family, int64_t ts,
                 std::vector<Cell>* cells);

}  // namespace smartcar::table::rocks

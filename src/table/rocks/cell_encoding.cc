// The RocksDB key and entry encodings of cell_encoding.h: escaped row and family, inverted
// big-endian timestamp, (qualifier, value) pairs with well-known qualifiers as two-byte codes;
// in a merged entry the last value of a qualifier wins.
#include "table/rocks/cell_encoding.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "core/coding.h"

namespace smartcar::table::rocks {
namespace {

// Part of the on-disk format: append only, never reorder (an entry stores the index). The
// qualifiers of the pilot's DriverCarInfo rows, 75 of a row's ~120 value bytes written out.
constexpr std::string_view kWellKnownQualifiers[] = {"date",        "car_number",  "speed_pedal",
                                                     "break_pedal", "steer_angle", "direct_light",
                                                     "speed",       "area_number"};
constexpr size_t kWellKnownCount = std::size(kWellKnownQualifiers);
static_assert(kWellKnownCount <= 128, "a code is 7 bits");

// The index of `q` in kWellKnownQualifiers, or -1.
int WellKnownIndex(std::string_view q) {
  for (size_t i = 0; i < kWellKnownCount; ++i) {
    if (kWellKnownQualifiers[i] == q) return static_cast<int>(i);
  }
  return -1;
}

bool GetLengthPrefixed(std::string_view* in, std::string_view* out) {
  uint32_t n = 0;
  if (!GetVarint32(in, &n) || in->size() < n) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

// A qualifier: a well-known code (0x80 | index, 0x00) or length-prefixed bytes.
bool GetQualifier(std::string_view* in, std::string_view* out) {
  if (in->size() >= 2 && ((*in)[0] & 0x80) != 0 && (*in)[1] == '\0') {
    const size_t index = static_cast<unsigned char>((*in)[0]) & 0x7f;
    if (index >= kWellKnownCount) return false;
    *out = kWellKnownQualifiers[index];
    in->remove_prefix(2);
    return true;
  }
  return GetLengthPrefixed(in, out);
}

}  // namespace

void AppendEscaped(std::string_view s, std::string* out) {
  // In runs between 0x00 bytes (row keys seldom have any): one append per run, not per byte.
  while (!s.empty()) {
    const void* zero = std::memchr(s.data(), '\0', s.size());
    if (zero == nullptr) break;
    const size_t n = static_cast<size_t>(static_cast<const char*>(zero) - s.data()) + 1;
    out->append(s.data(), n);
    out->push_back('\xff');
    s.remove_prefix(n);
  }
  out->append(s);
  out->append("\0\x01", 2);
}

bool ReadEscaped(std::string_view* in, std::string* out) {
  // RowPrefixLength finds the end of the first escaped component (of any key, not only a row's)
  // and rejects a malformed one; what is left is undoing the escapes, a run at a time.
  const size_t n = RowPrefixLength(*in);
  if (n == 0) return false;
  std::string_view s = in->substr(0, n - 2);  // Without the 0x00 0x01 terminator.
  out->clear();
  while (const void* zero = std::memchr(s.data(), '\0', s.size())) {
    const size_t k = static_cast<size_t>(static_cast<const char*>(zero) - s.data()) + 1;
    out->append(s.data(), k);  // Up to and with the 0x00; its 0xff is skipped.
    s.remove_prefix(k + 1);
  }
  out->append(s);
  in->remove_prefix(n);
  return true;
}

size_t RowPrefixLength(std::string_view key) {
  // Called for every key a flush or compaction writes (the prefix bloom): memchr finds each 0x00.
  const char* p = key.data();
  const char* const end = p + key.size();
  while (p != end) {
    p = static_cast<const char*>(std::memchr(p, '\0', static_cast<size_t>(end - p)));
    if (p == nullptr || p + 1 == end) return 0;
    if (p[1] == '\x01') return static_cast<size_t>(p + 2 - key.data());
    if (p[1] != '\xff') return 0;
    p += 2;
  }
  return 0;
}

std::string EncodeRowPrefix(std::string_view row) {
  std::string out;
  out.reserve(row.size() + 2);
  AppendEscaped(row, &out);
  return out;
}

void AppendKey(std::string_view row, std::string_view family, int64_t ts, std::string* out) {
  AppendEscaped(row, out);
  AppendEscaped(family, out);
  PutFixed64BE(out, ~static_cast<uint64_t>(ts));
}

std::string EncodeKey(std::string_view row, std::string_view family, int64_t ts) {
  std::string out;
  out.reserve(row.size() + family.size() + 12);
  AppendKey(row, family, ts, &out);
  return out;
}

bool DecodeKey(std::string_view key, DecodedKey* out) {
  if (!ReadEscaped(&key, &out->row) || !ReadEscaped(&key, &out->family) || key.size() != 8) {
    return false;
  }
  out->timestamp = static_cast<int64_t>(~DecodeFixed64BE(key.data()));
  return true;
}

void AppendCellValue(std::string_view qualifier, std::string_view value, std::string* out) {
  if (const int index = WellKnownIndex(qualifier); index >= 0) {
    out->push_back(static_cast<char>(0x80 | index));
    out->push_back('\0');
  } else {
    PutVarint32(out, static_cast<uint32_t>(qualifier.size()));
    out->append(qualifier);
  }
  PutVarint32(out, static_cast<uint32_t>(value.size()));
  out->append(value);
}

bool DecodeEntry(std::string_view value, const std::string& family, int64_t ts,
                 std::vector<Cell>* cells) {
  const size_t first = cells->size();
  bool sorted = true;
  while (!value.empty()) {
    std::string_view q, v;
    if (!GetQualifier(&value, &q) || !GetLengthPrefixed(&value, &v)) return false;
    if (cells->size() > first && !(cells->back().qualifier < q)) sorted = false;
    cells->push_back(Cell{family, std::string(q), ts, std::string(v)});
  }
  if (sorted) return true;
  // Merged puts: order by qualifier, the last written value of a qualifier wins.
  auto begin = cells->begin() + static_cast<std::ptrdiff_t>(first);
  std::stable_sort(begin, cells->end(),
                   [](const Cell& a, const Cell& b) { return a.qualifier < b.qualifier; });
  std::vector<Cell> dedup;
  for (auto it = begin; it != cells->end(); ++it) {
    if (!dedup.empty() && dedup.back().qualifier == it->qualifier) {
      dedup.back() = std::move(*it);
    } else {
      dedup.push_back(std::move(*it));
    }
  }
  cells->erase(begin, cells->end());
  for (auto& c : dedup) cells->push_back(std::move(c));
  return true;
}

}  // namespace smartcar::table::rocks

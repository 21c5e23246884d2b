// The table schema file's writer and reader (split keys in hex), table-name and descriptor
// validation, and HBase's HexStringSplit and UniformSplit pre-split key generators.
#include "table/schema.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace smartcar::table {
namespace {

std::string ToHex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool FromHex(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace

Status ValidateTableName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("Table name must not be empty");
  if (name.front() == '.' || name.front() == '-') {
    return Status::InvalidArgument("Illegal first character in table name '" + std::string(name) +
                                   "'");
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      return Status::InvalidArgument("Illegal character '" + std::string(1, c) +
                                     "' in table name '" + std::string(name) +
                                     "': use [A-Za-z0-9_.-]");
    }
  }
  return Status::OK();
}

Status ValidateDescriptor(const TableDescriptor& desc) {
  SMARTCAR_RETURN_IF_ERROR(ValidateTableName(desc.name));
  if (desc.families.empty()) {
    return Status::InvalidArgument("Table '" + desc.name + "' must have at least one family");
  }
  std::set<std::string> seen;
  for (const auto& f : desc.families) {
    if (f.name.empty()) return Status::InvalidArgument("Family name must not be empty");
    for (char c : f.name) {
      if (c <= ' ' || c > '~' || c == ':') {
        return Status::InvalidArgument("Illegal character in family name '" + f.name + "'");
      }
    }
    if (!seen.insert(f.name).second) {
      return Status::InvalidArgument("Family '" + f.name + "' is given twice");
    }
    if (f.max_versions < 1) {
      return Status::InvalidArgument("Family '" + f.name + "': VERSIONS must be >= 1");
    }
    if (f.ttl_seconds < 0) {
      return Status::InvalidArgument("Family '" + f.name + "': TTL must be >= 0");
    }
  }
  for (size_t i = 0; i < desc.split_keys.size(); ++i) {
    if (desc.split_keys[i].empty()) return Status::InvalidArgument("Split key must not be empty");
    if (i > 0 && !(desc.split_keys[i - 1] < desc.split_keys[i])) {
      return Status::InvalidArgument("Split keys must be sorted and distinct");
    }
  }
  return Status::OK();
}

Status WriteSchema(const std::string& path, const StoredSchema& s) {
  std::ostringstream out;
  out << "name " << s.descriptor.name << "\n";
  out << "state " << (s.enabled ? "ENABLED" : "DISABLED") << "\n";
  for (const auto& f : s.descriptor.families) {
    out << "family " << f.name << " " << f.max_versions << " " << f.ttl_seconds << "\n";
  }
  for (const auto& k : s.descriptor.split_keys) out << "split " << ToHex(k) << "\n";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << out.str();
    f.flush();
    if (!f) return Status::IOError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
  return Status::OK();
}

Result<StoredSchema> ReadSchema(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Err(Status::NotFound("cannot read " + path));
  StoredSchema s;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    bool ok = true;
    if (kind == "name") {
      ok = static_cast<bool>(in >> s.descriptor.name);
    } else if (kind == "state") {
      std::string st;
      ok = static_cast<bool>(in >> st);
      s.enabled = st == "ENABLED";
    } else if (kind == "family") {
      FamilyOptions fo;
      ok = static_cast<bool>(in >> fo.name >> fo.max_versions >> fo.ttl_seconds);
      s.descriptor.families.push_back(fo);
    } else if (kind == "split") {
      std::string hex, key;
      ok = static_cast<bool>(in >> hex) && FromHex(hex, &key);
      s.descriptor.split_keys.push_back(key);
    } else if (!kind.empty()) {
      ok = false;
    }
    if (!ok) return Err(Status::Corruption(path + ": line " + std::to_string(n) + " is malformed"));
  }
  if (Status st = ValidateDescriptor(s.descriptor); !st.ok()) {
    return Err(Status::Corruption(path + ": " + st.message()));
  }
  return s;
}

Result<std::vector<std::string>> HexStringSplit(int n) {
  if (n < 2) return Err(Status::InvalidArgument("HexStringSplit needs at least 2 regions"));
  // HBase: range ["00000000", "ffffffff"], size (max - min + 1) / n, keys min + size * i.
  const uint64_t size = (uint64_t{0xffffffff} + 1) / static_cast<uint64_t>(n);
  std::vector<std::string> keys;
  for (int i = 1; i < n; ++i) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(size * i));
    keys.emplace_back(buf);
  }
  return keys;
}

Result<std::vector<std::string>> UniformSplit(int n) {
  if (n < 2) return Err(Status::InvalidArgument("UniformSplit needs at least 2 regions"));
  std::vector<std::string> keys;
  __extension__ using U128 = unsigned __int128;
  const U128 range = static_cast<U128>(1) << 64;
  for (int i = 1; i < n; ++i) {
    const auto v =
        static_cast<uint64_t>(range * static_cast<unsigned>(i) / static_cast<unsigned>(n));
    std::string k(8, '\0');
    for (int b = 0; b < 8; ++b) k[b] = static_cast<char>(v >> (56 - 8 * b));
    // HBase trims trailing zero bytes of each key.
    while (k.size() > 1 && k.back() == '\0') k.pop_back();
    keys.push_back(k);
  }
  return keys;
}

}  // namespace smartcar::table

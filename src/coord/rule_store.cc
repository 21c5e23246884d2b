// RuleStore on the node tree: versions are children named v<10 digits>, created with Create so
// two deploys racing for the same number cannot both win (the loser takes the next one).
#include "coord/rule_store.h"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/json_integer.h"

namespace smartcar::coord {
namespace {

std::string RulePath(const std::string& name) { return std::string(RuleStore::kRoot) + "/" + name; }

std::string VersionName(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "v%010lld", static_cast<long long>(v));
  return buf;
}

int64_t ParseVersionName(const std::string& n) {
  if (n.size() != 11 || n[0] != 'v') return -1;
  int64_t v = 0;
  for (size_t i = 1; i < n.size(); ++i) {
    if (n[i] < '0' || n[i] > '9') return -1;
    v = v * 10 + (n[i] - '0');
  }
  return v;
}

Result<RuleVersion> DecodeJson(const std::string& name, int64_t version, const std::string& data) {
  try {
    const auto j = nlohmann::json::parse(data);
    RuleVersion r;
    r.name = name;
    r.version = version;
    r.text = j.at("text").get<std::string>();
    r.author = j.value("author", std::string());
    r.time_ms = j.contains("time_ms") ? JsonIntegerOrThrow<int64_t>(j.at("time_ms"), "time_ms") : 0;
    r.checksum = j.value("checksum", std::string());
    r.message = j.value("message", std::string());
    return r;
  } catch (const std::exception& e) {
    return Err(Status::Corruption("rule '" + name + "' version " + std::to_string(version) +
                                  " is not valid: " + e.what()));
  }
}

}  // namespace

std::string RuleStore::EncodeVersion(const RuleVersion& r) {
  const nlohmann::json j{{"text", r.text},
                         {"author", r.author},
                         {"time_ms", r.time_ms},
                         {"checksum", r.checksum},
                         {"message", r.message}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<RuleVersion> RuleStore::DecodeVersion(const std::string& name, int64_t version,
                                             const std::string& data) {
  return DecodeJson(name, version, data);
}

Status RuleStore::CheckName(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') {
    return Status::InvalidArgument("rule name '" + name +
                                   "' must be 1-100 characters and not start with '.'");
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) {
      return Status::InvalidArgument("rule name '" + name + "': character '" + std::string(1, c) +
                                     "' not allowed (A-Z a-z 0-9 _ - .)");
    }
  }
  return Status::OK();
}

std::string RuleStore::Checksum(const std::string& text) {
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size()));
  char buf[24];
  std::snprintf(buf, sizeof buf, "crc32:%08lx", static_cast<unsigned long>(crc));
  return buf;
}

Result<std::vector<int64_t>> RuleStore::Versions(const std::string& name) {
  auto kids = c_->Children(RulePath(name));
  if (!kids) return Err(kids.error());
  std::vector<int64_t> out;
  for (const std::string& k : *kids) {
    const int64_t v = ParseVersionName(k);
    if (v > 0) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status RuleStore::Touch() {
  auto v = c_->Set(kRoot, "");
  if (v || !v.error().IsNotFound()) return v ? Status::OK() : v.error();
  Status s = c_->Create(kRoot, "");
  return s.ok() || (s.code() == Status::Code::kAborted) ? Status::OK() : s;
}

Result<RuleVersion> RuleStore::Deploy(const std::string& name, const std::string& text,
                                      const std::string& author, const std::string& message,
                                      bool* unchanged) {
  SMARTCAR_RETURN_IF_ERROR(CheckName(name));
  if (unchanged != nullptr) *unchanged = false;
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto versions = Versions(name);
    if (!versions && !versions.error().IsNotFound()) return Err(versions.error());
    int64_t next = 1;
    if (versions && !versions->empty()) {
      auto latest = Get(name, versions->back());
      if (!latest) return Err(latest.error());
      if (latest->text == text) {
        if (unchanged != nullptr) *unchanged = true;
        // Touch anyway: a deploy that stored this version and lost its answer (a connection
        // loss) before moving /rules is being retried, and runners must hear of it.
        SMARTCAR_RETURN_IF_ERROR(Touch());
        return latest;
      }
      next = versions->back() + 1;
    }
    RuleVersion r;
    r.name = name;
    r.version = next;
    r.text = text;
    r.author = author;
    r.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    r.checksum = Checksum(text);
    r.message = message;
    const nlohmann::json j{{"text", r.text},
                           {"author", r.author},
                           {"time_ms", r.time_ms},
                           {"checksum", r.checksum},
                           {"message", r.message}};
    Status s = c_->Create(RulePath(name) + "/" + VersionName(next),
                          j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if ((s.code() == Status::Code::kAborted)) continue;  // Another deploy took this number.
    SMARTCAR_RETURN_IF_ERROR(s);
    SMARTCAR_RETURN_IF_ERROR(Touch());
    return r;
  }
  return Err(Status::Aborted("deploy of rule '" + name + "': too many concurrent deploys"));
}

Result<std::vector<std::string>> RuleStore::Names() {
  auto kids = c_->Children(kRoot);
  if (!kids) {
    if (kids.error().IsNotFound()) return std::vector<std::string>{};
    return Err(kids.error());
  }
  return kids;
}

Result<std::vector<RuleVersion>> RuleStore::Latest() {
  auto names = Names();
  if (!names) return Err(names.error());
  std::vector<RuleVersion> out;
  for (const std::string& n : *names) {
    auto r = Get(n, 0);
    if (!r) {
      if (r.error().IsNotFound()) continue;  // Deleted meanwhile, or no version yet.
      return Err(r.error());
    }
    out.push_back(std::move(*r));
  }
  return out;
}

Result<RuleVersion> RuleStore::Get(const std::string& name, int64_t version) {
  SMARTCAR_RETURN_IF_ERROR(CheckName(name));
  if (version <= 0) {
    auto versions = Versions(name);
    if (!versions) {
      if (versions.error().IsNotFound()) {
        return Err(Status::NotFound("no rule '" + name + "' in the store"));
      }
      return Err(versions.error());
    }
    if (versions->empty()) return Err(Status::NotFound("rule '" + name + "' has no version"));
    version = versions->back();
  }
  auto node = c_->Get(RulePath(name) + "/" + VersionName(version));
  if (!node) {
    if (node.error().IsNotFound()) {
      return Err(Status::NotFound("rule '" + name + "' has no version " + std::to_string(version) +
                                  " (see `smartcar rules history " + name + "`)"));
    }
    return Err(node.error());
  }
  return DecodeVersion(name, version, node->data);
}

Result<std::vector<RuleVersion>> RuleStore::History(const std::string& name) {
  SMARTCAR_RETURN_IF_ERROR(CheckName(name));
  auto versions = Versions(name);
  if (!versions) {
    if (versions.error().IsNotFound()) {
      return Err(Status::NotFound("no rule '" + name + "' in the store"));
    }
    return Err(versions.error());
  }
  std::vector<RuleVersion> out;
  for (const int64_t v : *versions) {
    auto r = Get(name, v);
    if (!r) return Err(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

Result<RuleVersion> RuleStore::Rollback(const std::string& name, int64_t to,
                                        const std::string& author) {
  if (to <= 0) return Err(Status::InvalidArgument("--to must be a version number (1, 2, ...)"));
  auto old = Get(name, to);
  if (!old) return Err(old.error());
  return Deploy(name, old->text, author, "rollback to version " + std::to_string(to));
}

Status RuleStore::Delete(const std::string& name) {
  SMARTCAR_RETURN_IF_ERROR(CheckName(name));
  Status s = c_->Delete(RulePath(name));
  if (s.IsNotFound()) return Status::NotFound("no rule '" + name + "' in the store");
  SMARTCAR_RETURN_IF_ERROR(s);
  return Touch();
}

namespace {

// The lines of `text` without their '\n' (a final '\n' ends the last line; "" has none).
std::vector<std::string_view> TextLines(std::string_view text) {
  std::vector<std::string_view> out;
  if (text.empty()) return out;
  if (text.back() == '\n') text.remove_suffix(1);
  for (size_t from = 0;;) {
    const size_t nl = text.find('\n', from);
    out.push_back(text.substr(from, nl == std::string_view::npos ? nl : nl - from));
    if (nl == std::string_view::npos) break;
    from = nl + 1;
  }
  return out;
}

void AddLine(char mark, std::string_view line, std::string* out) {
  out->push_back(mark);
  out->append(line);
  out->push_back('\n');
}

}  // namespace

std::string RuleDiff(std::string_view a_text, std::string_view b_text) {
  const std::vector<std::string_view> a = TextLines(a_text), b = TextLines(b_text);
  const size_t n = a.size(), m = b.size();
  std::string out;
  if (n > 0 && m > 0 && n * m > (size_t{4} << 20)) {
    for (const std::string_view l : a) AddLine('-', l, &out);
    for (const std::string_view l : b) AddLine('+', l, &out);
    return out;
  }
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      AddLine(' ', a[i++], &out);
      ++j;
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      AddLine('+', b[j++], &out);
    } else {
      AddLine('-', a[i++], &out);
    }
  }
  return out;
}

}  // namespace smartcar::coord

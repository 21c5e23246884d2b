// EventTimeIndex: blocks of offsets with their event-time range, its text file, and how a
// reader extends it.
#include "pipeline/event_time_index.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/file.h"

namespace smartcar::pipeline {
namespace {

constexpr std::string_view kMagic = "smartcar event-time index v1";

bool ParseInt(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<EventTimeIndex> EventTimeIndex::Parse(std::string_view text, std::string_view topic,
                                             int64_t block_records) {
  EventTimeIndex index{std::string(topic), block_records};
  size_t line_no = 0;
  auto bad = [&](const std::string& why) {
    return Err(
        Status::InvalidArgument("event-time index line " + std::to_string(line_no) + ": " + why));
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line_no == 1) {
      const std::string want = std::string(kMagic) + " topic=" + std::string(topic);
      if (line != want) return bad("expected '" + want + "'");
      continue;
    }
    if (line.empty()) continue;
    int64_t v[6];
    size_t n = 0;
    for (; n < 6 && !line.empty(); ++n) {
      const size_t sp = line.find(' ');
      if (!ParseInt(line.substr(0, sp), &v[n])) return bad("not six integers");
      line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    }
    if (n != 6 || !line.empty()) return bad("not six integers");
    if (v[0] < 0 || v[0] > INT32_MAX) return bad("bad partition");
    PartitionTimeIndex::Block b{v[1], v[2], v[3], v[4], v[5]};
    PartitionTimeIndex& part = index.partition(static_cast<int32_t>(v[0]));
    if (b.base < 0 || b.end <= b.base ||
        (!part.blocks_.empty() && b.base != part.blocks_.back().end)) {
      return bad("blocks of a partition must be contiguous and in offset order");
    }
    part.blocks_.push_back(b);
  }
  if (line_no == 0) return bad("empty");
  return index;
}

std::string EventTimeIndex::Serialize() const {
  std::string s = std::string(kMagic) + " topic=" + topic_ + "\n";
  for (const auto& [p, part] : parts_) {
    for (const PartitionTimeIndex::Block& b : part.blocks_) {
      s += std::to_string(p) + " " + std::to_string(b.base) + " " + std::to_string(b.end) + " " +
           std::to_string(b.min_ms) + " " + std::to_string(b.max_ms) + " " +
           std::to_string(b.first_append_ms) + "\n";
    }
  }
  return s;
}

Result<EventTimeIndex> EventTimeIndex::Load(const std::string& path, std::string_view topic) {
  auto text = ReadFileToString(path, "event-time index");
  if (!text) {
    if (text.error().IsNotFound()) return EventTimeIndex(std::string(topic));
    return Err(text.error());
  }
  auto index = Parse(*text, topic);
  if (!index) return Err(index.error().WithPrefix(path + ": "));
  return index;
}

Status EventTimeIndex::Save(const std::string& path) const {
  std::error_code ec;
  const std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  return WriteFileAtomically(path, Serialize());
}

bool EventTimeIndex::changed() const {
  for (const auto& [p, part] : parts_) {
    if (part.changed()) return true;
  }
  return false;
}

int64_t PartitionTimeIndex::StartFor(int64_t from_ms) const {
  for (const Block& b : blocks_) {
    if (b.min_ms <= b.max_ms && b.max_ms >= from_ms) return b.base;
  }
  return indexed_end();
}

const PartitionTimeIndex::Block* PartitionTimeIndex::BlockFor(int64_t offset) const {
  for (const Block& b : blocks_) {
    if (offset >= b.base && offset < b.end) return &b;
  }
  return blocks_.empty() ? nullptr : &blocks_.back();
}

void PartitionTimeIndex::Observe(int64_t offset, int64_t append_ms,
                                 std::optional<int64_t> event_ms) {
  if (!open_) {
    // The next record from the indexed end on starts a block at the indexed end (offsets may
    // skip: Kafka's transaction markers), or, with nothing indexed, at the reader's first record.
    if (!blocks_.empty() && offset < indexed_end()) return;
    open_ =
        Block{blocks_.empty() ? offset : indexed_end(), offset, INT64_MAX, INT64_MIN, append_ms};
  } else if (offset < open_->end) {
    return;  // Already in the open block.
  }
  Block& b = *open_;
  b.end = offset + 1;
  if (event_ms) {
    b.min_ms = std::min(b.min_ms, *event_ms);
    b.max_ms = std::max(b.max_ms, *event_ms);
  }
  if (b.end - b.base >= block_records_) {
    blocks_.push_back(b);
    open_.reset();
    changed_ = true;
  }
}

void PartitionTimeIndex::Trim(int64_t earliest) {
  auto keep = std::find_if(blocks_.begin(), blocks_.end(),
                           [&](const Block& b) { return b.end > earliest; });
  if (keep == blocks_.begin()) return;
  blocks_.erase(blocks_.begin(), keep);
  open_.reset();
  changed_ = true;
}

void PartitionTimeIndex::Clear() {
  changed_ = changed_ || !blocks_.empty();
  blocks_.clear();
  open_.reset();
}

}  // namespace smartcar::pipeline

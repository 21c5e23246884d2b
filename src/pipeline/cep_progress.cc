// CepProgress: the rule engine's closed-through event time per partition and lane, and the
// offsets a restart must replay (see the header).
#include "pipeline/cep_progress.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace smartcar::pipeline {
namespace {

constexpr std::string_view kMetadataVersion = "smartcar-cep/1";

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string CepProgress::EncodeMetadata(const Restored& r) {
  std::string out(kMetadataVersion);
  out += " tasks=" + std::to_string(r.tasks) + " closed=";
  for (size_t i = 0; i < r.lane.size(); ++i) {
    if (i > 0) out += ',';
    out += r.lane[i] ? std::to_string(*r.lane[i]) : "-";
  }
  return out;
}

std::optional<CepProgress::Restored> CepProgress::DecodeMetadata(std::string_view m) {
  if (!m.starts_with(kMetadataVersion)) return std::nullopt;
  m.remove_prefix(kMetadataVersion.size());
  constexpr std::string_view kTasks = " tasks=", kClosed = " closed=";
  if (!m.starts_with(kTasks)) return std::nullopt;
  m.remove_prefix(kTasks.size());
  const size_t sp = m.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  auto tasks = ParseInt(m.substr(0, sp));
  m.remove_prefix(sp);
  if (!tasks || *tasks < 1 || *tasks > 1'000'000 || !m.starts_with(kClosed)) return std::nullopt;
  m.remove_prefix(kClosed.size());
  Restored r;
  r.tasks = static_cast<int>(*tasks);
  for (;;) {
    const size_t comma = m.find(',');
    const std::string_view item = m.substr(0, comma);
    if (item == "-") {
      r.lane.push_back(std::nullopt);
    } else {
      auto v = ParseInt(item);
      if (!v) return std::nullopt;
      r.lane.push_back(*v);
    }
    if (comma == std::string_view::npos) break;
    m.remove_prefix(comma + 1);
  }
  if (r.lane.size() != static_cast<size_t>(r.tasks)) return std::nullopt;
  return r;
}

void CepProgress::StartEpoch(int64_t epoch) {
  std::lock_guard<std::mutex> l(mu_);
  epoch_ = epoch;
  lanes_.clear();
  restored_.clear();
}

void CepProgress::SetRestored(int64_t epoch, int32_t partition, const std::string& metadata) {
  std::lock_guard<std::mutex> l(mu_);
  if (epoch != epoch_) return;
  lanes_.erase(partition);
  auto r = DecodeMetadata(metadata);
  if (r) {
    restored_[partition] = std::move(*r);
  } else {
    restored_.erase(partition);
  }
}

std::optional<int64_t> CepProgress::RestoredLocked(int32_t partition, int task) const {
  auto it = restored_.find(partition);
  if (it == restored_.end()) return std::nullopt;
  const Restored& r = it->second;
  if (r.tasks == tasks_ && task >= 0 && task < tasks_) return r.lane[static_cast<size_t>(task)];
  // Another number of tasks wrote it: cars map to other lanes; every lane starts at the least
  // closed-through (exact unless a lane had been idle, see docs/TOPOLOGY.md).
  std::optional<int64_t> least;
  for (const auto& w : r.lane) {
    if (!w) return std::nullopt;
    least = least ? std::min(*least, *w) : *w;
  }
  return least;
}

std::optional<int64_t> CepProgress::RestoredClosedThrough(int64_t epoch, int32_t partition,
                                                          int task) const {
  std::lock_guard<std::mutex> l(mu_);
  if (epoch != epoch_) return std::nullopt;
  return RestoredLocked(partition, task);
}

void CepProgress::Record(int64_t epoch, int task, int32_t partition,
                         std::span<const Entry> entries) {
  std::lock_guard<std::mutex> l(mu_);
  if (epoch != epoch_) return;
  auto [it, fresh] = lanes_[partition].try_emplace(task);
  Lane& lane = it->second;
  if (fresh) lane.closed = RestoredLocked(partition, task);
  for (const Entry& e : entries) {
    if (!lane.entries.empty() && e.offset < lane.entries.back().offset) lane.ascending = false;
    lane.entries.push_back(e);
  }
}

CepProgress::Commit CepProgress::ForCommit(int32_t partition, int64_t acked) {
  std::lock_guard<std::mutex> l(mu_);
  Commit c;
  c.offset = acked;
  std::map<int, Lane>& lanes = lanes_[partition];
  Restored out;
  out.tasks = tasks_;
  bool any_closed = false;
  for (int task = 0; task < tasks_; ++task) {
    auto it = lanes.find(task);
    if (it == lanes.end()) {
      // No input of this partition reached the lane since the restore: it keeps its restore.
      out.lane.push_back(RestoredLocked(partition, task));
      any_closed = any_closed || out.lane.back().has_value();
      continue;
    }
    Lane& lane = it->second;
    while (lane.scanned < lane.entries.size() && lane.entries[lane.scanned].offset < acked) {
      lane.closed = lane.entries[lane.scanned].closed_after;
      ++lane.scanned;
    }
    if (lane.closed) {
      const int64_t floor = *lane.closed > std::numeric_limits<int64_t>::min() / 2 + hold_ms_
                                ? *lane.closed - hold_ms_
                                : std::numeric_limits<int64_t>::min() / 2;
      while (lane.scanned > 0 && lane.entries.front().event_time <= floor) {
        lane.entries.pop_front();
        --lane.scanned;
      }
    }
    if (lane.entries.empty()) {
      lane.ascending = true;
    } else if (lane.ascending) {  // (A scan of every entry held was a tenth of the spout's CPU.)
      c.offset = std::min(c.offset, lane.entries.front().offset);
    } else {
      for (const Entry& e : lane.entries) c.offset = std::min(c.offset, e.offset);
    }
    out.lane.push_back(lane.closed);
    any_closed = any_closed || lane.closed.has_value();
  }
  if (any_closed) c.metadata = EncodeMetadata(out);
  return c;
}

size_t CepProgress::HeldEntries() const {
  std::lock_guard<std::mutex> l(mu_);
  size_t n = 0;
  for (const auto& [p, lanes] : lanes_) {
    for (const auto& [t, lane] : lanes) n += lane.entries.size();
  }
  return n;
}

}  // namespace smartcar::pipeline

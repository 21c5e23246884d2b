// The embedded engine's encodings: big-endian tagged keys, topic metadata, and record batches (a
// fixed header with a CRC-32 of the body, then varint-prefixed records).
#include "queue/embedded/record_batch.h"
#include "core/coding.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace smartcar::queue::embedded {
namespace {

void PutBytes(std::string* dst, std::string_view s) {
  PutVarint32(dst, static_cast<uint32_t>(s.size()));
  dst->append(s);
}

bool GetBytes(std::string_view* in, std::string* out) {
  uint32_t n;
  if (!GetVarint32(in, &n) || in->size() < n) return false;
  out->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

bool SkipBytes(std::string_view* in) {
  uint32_t n;
  if (!GetVarint32(in, &n) || in->size() < n) return false;
  in->remove_prefix(n);
  return true;
}

uint32_t Crc(std::string_view s) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

std::string PartitionKeyPart(char tag, uint32_t topic_id, int32_t partition) {
  std::string k;
  k.reserve(17);
  k.push_back(tag);
  PutFixed32BE(&k, topic_id);
  PutFixed32BE(&k, static_cast<uint32_t>(partition));
  return k;
}

}  // namespace

std::string TopicKey(std::string_view name) {
  std::string k(1, kTopicTag);
  k.append(name);
  return k;
}

std::string RecordFamilyName(int32_t partition) {
  return "records-" + std::to_string(RecordFamilyIndex(partition));
}

std::string FamilyMarkKey() { return PartitionKeyPart(kFamilyMarkTag, 0, 0); }

std::string PartitionPrefix(uint32_t topic_id, int32_t partition) {
  return PartitionKeyPart(kRecordTag, topic_id, partition);
}

std::string RecordKey(uint32_t topic_id, int32_t partition, int64_t last_offset) {
  std::string k = PartitionKeyPart(kRecordTag, topic_id, partition);
  PutFixed64BE(&k, static_cast<uint64_t>(last_offset));
  return k;
}

std::string StartKey(uint32_t topic_id, int32_t partition) {
  return PartitionKeyPart(kStartTag, topic_id, partition);
}

std::string ProducerStateKey(uint32_t topic_id, std::string_view key) {
  std::string k(1, kStateTag);
  PutFixed32BE(&k, topic_id);
  k.append(key);
  return k;
}

std::string CommitKey(std::string_view group, uint32_t topic_id, int32_t partition) {
  std::string k(1, kCommitTag);
  k.append(group);
  k.push_back('\0');
  PutFixed32BE(&k, topic_id);
  PutFixed32BE(&k, static_cast<uint32_t>(partition));
  return k;
}

std::string EncodeTopicMeta(const TopicMeta& m) {
  std::string v;
  PutFixed32BE(&v, m.id);
  PutFixed32BE(&v, static_cast<uint32_t>(m.config.partitions));
  PutFixed32BE(&v, static_cast<uint32_t>(m.config.replication_factor));
  PutFixed64BE(&v, static_cast<uint64_t>(m.config.retention_ms));
  PutFixed64BE(&v, static_cast<uint64_t>(m.config.retention_bytes));
  return v;
}

Status DecodeTopicMeta(std::string_view in, TopicMeta* out) {
  if (in.size() != 28) return Status::Corruption("topic metadata has a bad size");
  out->id = DecodeFixed32BE(in.data());
  out->config.partitions = static_cast<int32_t>(DecodeFixed32BE(in.data() + 4));
  out->config.replication_factor = static_cast<int16_t>(DecodeFixed32BE(in.data() + 8));
  out->config.retention_ms = static_cast<int64_t>(DecodeFixed64BE(in.data() + 12));
  out->config.retention_bytes = static_cast<int64_t>(DecodeFixed64BE(in.data() + 20));
  if (out->config.partitions < 1) return Status::Corruption("topic metadata: partitions < 1");
  return Status::OK();
}

// Value: base_offset:8 count:4 max_timestamp:8 crc32(body):4 body; body is, per record,
// timestamp:8 key value header_count (key value)* with varint-prefixed byte strings.
void EncodeBatch(int64_t base_offset, std::span<const Record* const> records, std::string* out) {
  const size_t start = out->size();
  int64_t max_ts = 0;
  for (const Record* r : records) max_ts = std::max(max_ts, r->timestamp_ms);
  PutFixed64BE(out, static_cast<uint64_t>(base_offset));
  PutFixed32BE(out, static_cast<uint32_t>(records.size()));
  PutFixed64BE(out, static_cast<uint64_t>(max_ts));
  PutFixed32BE(out, 0);  // CRC, patched below.
  const size_t body = out->size();
  for (const Record* r : records) {
    PutFixed64BE(out, static_cast<uint64_t>(r->timestamp_ms));
    PutBytes(out, r->key);
    PutBytes(out, r->value);
    PutVarint32(out, static_cast<uint32_t>(r->headers.size()));
    for (const Header& h : r->headers) {
      PutBytes(out, h.key);
      PutBytes(out, h.value);
    }
  }
  const uint32_t crc = Crc(std::string_view(*out).substr(body));
  std::string crc_bytes;
  PutFixed32BE(&crc_bytes, crc);
  std::memcpy(out->data() + start + 20, crc_bytes.data(), 4);
}

Status DecodeBatchHeader(std::string_view value, BatchHeader* out) {
  if (value.size() < kBatchHeaderSize) return Status::Corruption("record batch is truncated");
  out->base_offset = static_cast<int64_t>(DecodeFixed64BE(value.data()));
  out->count = DecodeFixed32BE(value.data() + 8);
  out->max_timestamp_ms = static_cast<int64_t>(DecodeFixed64BE(value.data() + 12));
  if (out->base_offset < 0 || out->base_offset > INT64_MAX - static_cast<int64_t>(out->count)) {
    return Status::Corruption("record batch has a bad base offset " +
                              std::to_string(out->base_offset));
  }
  return Status::OK();
}

Status DecodeBatch(std::string_view value, const std::string& topic, PartitionId partition,
                   int64_t from, int64_t to, size_t* budget, std::vector<ConsumedRecord>* out) {
  BatchHeader h;
  SMARTCAR_RETURN_IF_ERROR(DecodeBatchHeader(value, &h));
  std::string_view in = value.substr(kBatchHeaderSize);
  if (Crc(in) != DecodeFixed32BE(value.data() + 20)) {
    return Status::Corruption("record batch at offset " + std::to_string(h.base_offset) + " of " +
                              topic + "/" + std::to_string(partition.value) +
                              " fails its checksum");
  }
  for (uint32_t i = 0; i<h.count&& * budget> 0; ++i) {
    const int64_t offset = h.base_offset + i;
    if (offset >= to) break;
    if (in.size() < 8) return Status::Corruption("record batch is truncated");
    const int64_t ts = static_cast<int64_t>(DecodeFixed64BE(in.data()));
    in.remove_prefix(8);
    if (offset < from) {
      uint32_t n_headers;
      bool ok = SkipBytes(&in) && SkipBytes(&in) && GetVarint32(&in, &n_headers);
      for (uint32_t j = 0; ok && j < n_headers; ++j) ok = SkipBytes(&in) && SkipBytes(&in);
      if (!ok) return Status::Corruption("record batch is truncated");
      continue;
    }
    ConsumedRecord& r = out->emplace_back();
    r.topic = topic;
    r.partition = partition;
    r.offset = Offset(offset);
    r.timestamp_ms = ts;
    uint32_t n_headers;
    bool ok = GetBytes(&in, &r.key) && GetBytes(&in, &r.value) && GetVarint32(&in, &n_headers);
    for (uint32_t j = 0; ok && j < n_headers; ++j) {
      Header& hd = r.headers.emplace_back();
      ok = GetBytes(&in, &hd.key) && GetBytes(&in, &hd.value);
    }
    if (!ok) return Status::Corruption("record batch is truncated");
    --*budget;
  }
  return Status::OK();
}

}  // namespace smartcar::queue::embedded

// jemalloc's options for the `smartcar` binary, compiled in only when it links jemalloc (the
// MALLOC_CONF environment variable still overrides them). jemalloc keeps the pages a thread
// frees for reuse and returns them to the system only as they age (10 s by default, on the
// allocating threads' own calls). RocksDB's memtables, compaction buffers and the topology's
// batches are freed in bursts of tens of MB, so the process's resident memory carried up to
// 80 MiB of such pages over the live data: twenty pilot days peaked at 191 MiB with the
// table's index and filter unpinned, 173 MiB with this (docs/BENCHMARKS.md, session 29).
// A background thread returns them after about a second instead.
extern "C" {
// NOLINTNEXTLINE(readability-identifier-naming): the name jemalloc looks up.
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000";
}

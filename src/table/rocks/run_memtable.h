// A RocksDB memtable of sorted runs, for tables written in sorted batches.
//
// RocksDB's skip list places every key on its own: the pipeline's batches of driving rows (each
// sorted by row key, rows of a reversed-time key scattered between the older rows of the
// memtable) spent most of the table thread in skip-list inserts. This memtable appends instead:
// a key not smaller than the previous one extends the current run, any other key starts a new
// run. Reads merge the runs (a binary search per run, then a heap), and flushes read them merged.
// Small runs (single puts from the shell) are merged pairwise as they come, so a memtable holds
// a few dozen runs at most. Readers take no lock: runs only grow at their end, and a run that is
// replaced (merged, or moved to a larger array) is freed only once no reader is left.
#pragma once

#include <rocksdb/memtablerep.h>

#include <memory>

namespace smartcar::table::rocks {

std::shared_ptr<rocksdb::MemTableRepFactory> NewSortedRunsMemTableFactory();

// The memtable itself, for tests and the fuzz target: `allocator` may be null if no iterator is
// ever asked for with an arena.
std::unique_ptr<rocksdb::MemTableRep> NewSortedRunsMemTable(
    const rocksdb::MemTableRep::KeyComparator& compare, rocksdb::Allocator* allocator);

}  // namespace smartcar::table::rocks

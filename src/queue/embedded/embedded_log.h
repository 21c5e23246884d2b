// Factory of the embedded (RocksDB) engine. Use queue/log.h's OpenLog(); this header exists so
// log.cc can reach the engine without seeing RocksDB.
#pragma once

#include <memory>

#include "queue/log.h"

namespace smartcar::queue::embedded {

Result<std::unique_ptr<Log>> OpenEmbeddedLog(const QueueOptions& options);

}  // namespace smartcar::queue::embedded

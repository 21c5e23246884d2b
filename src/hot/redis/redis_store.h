// The Redis hot store: a pool of hiredis connections to one server, or to the master that
// Sentinel names. Writes are one MULTI/EXEC pipeline per batch; failed round trips reconnect with
// exponential backoff (asking Sentinel again) and retry until options.write_timeout_ms.
#pragma once

#include <memory>

#include "hot/hot_store.h"

namespace smartcar::hot {

// Connects (through Sentinel when options.sentinels is set), authenticates and PINGs before
// returning. InvalidArgument for a wrong password / ACL user or a master name no sentinel
// knows; IOError when nothing answers within options.open_timeout_ms.
Result<std::unique_ptr<HotStore>> OpenRedisStore(const HotOptions& options);

}  // namespace smartcar::hot

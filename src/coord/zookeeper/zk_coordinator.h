// The ZooKeeper coordination engine (the Debian multi-threaded C client, libzookeeper_mt).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "coord/coordinator.h"

namespace smartcar::coord {

// "host:port[,host:port...][/chroot]" split into the host list and the chroot ("/smartcar" when
// none is given). InvalidArgument naming the bad part.
struct ZooKeeperAddress {
  std::string hosts;
  std::string chroot;
};
Result<ZooKeeperAddress> ParseZooKeeperAddress(std::string_view text);

Result<std::unique_ptr<Coordinator>> OpenZooKeeperCoordinator(const CoordOptions& options);

// Tests only: makes the server end `c`'s session (what a long partition does), so the engine's
// expiry handling can be exercised.
Status ExpireZooKeeperSessionForTesting(Coordinator* c);

}  // namespace smartcar::coord

// Fuzzes the coordination stage's decoders: the embedded engine's `.node` file, a rule version's
// JSON, a member document, a --zookeeper address and a node path. None may crash; what a decoder
// accepts must encode to something it decodes back to the same value. The first byte picks the
// decoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "coord/coordinator.h"
#include "coord/embedded/embedded_coordinator.h"
#include "coord/membership.h"
#include "coord/rule_store.h"
#include "coord/zookeeper/zk_coordinator.h"

using namespace smartcar::coord;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      Node n;
      std::string owner;
      if (!DecodeNodeFile(in, "f", &n, &owner).ok()) return 0;
      Node again;
      std::string owner2;
      if (!DecodeNodeFile(EncodeNodeFile(n, owner), "f", &again, &owner2).ok() ||
          again.data != n.data || again.version != n.version || again.mtime_ms != n.mtime_ms ||
          owner2 != owner || again.ephemeral != n.ephemeral) {
        std::abort();
      }
      break;
    }
    case 1: {
      auto r = RuleStore::DecodeVersion("r", 1, in);
      if (!r) return 0;
      auto again = RuleStore::DecodeVersion("r", 1, RuleStore::EncodeVersion(*r));
      // Invalid UTF-8 is replaced on output, so compare only what survives unchanged.
      if (!again || again->time_ms != r->time_ms) std::abort();
      break;
    }
    case 2: {
      auto m = MemberFromJson(in);
      if (!m) return 0;
      auto again = MemberFromJson(MemberToJson(*m));
      if (!again || again->pid != m->pid || again->started_ms != m->started_ms) std::abort();
      break;
    }
    case 3: {
      auto a = ParseZooKeeperAddress(in);
      if (a && (a->hosts.empty() || !CheckPath(a->chroot).ok())) std::abort();
      break;
    }
    case 4: {
      if (CheckPath(in).ok() && in != "/" &&
          CheckPath(ParentOf(in)).code() != smartcar::Status::Code::kOk) {
        std::abort();
      }
      break;
    }
  }
  return 0;
}

// OpenCoordinator (the engine choice) and the path helpers every engine shares.
#include "coord/coordinator.h"

#include "coord/embedded/embedded_coordinator.h"
#include "coord/zookeeper/zk_coordinator.h"

namespace smartcar::coord {

const char* SessionStateName(SessionState s) {
  switch (s) {
    case SessionState::kConnected:
      return "connected";
    case SessionState::kSuspended:
      return "suspended";
    case SessionState::kExpired:
      return "expired";
  }
  return "?";
}

Status CheckPath(const std::string& path) {
  if (path == "/") return Status::OK();
  if (path.empty() || path[0] != '/' || path.back() == '/') {
    return Status::InvalidArgument("coordination path '" + path +
                                   "' must start with '/' and not end with '/'");
  }
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view name(path.data() + start, end - start);
    if (name.empty() || name[0] == '.') {
      return Status::InvalidArgument("coordination path '" + path +
                                     "': empty name or a name starting with '.'");
    }
    for (const char c : name) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
      if (!ok) {
        return Status::InvalidArgument("coordination path '" + path + "': character '" +
                                       std::string(1, c) + "' not allowed (A-Z a-z 0-9 _ - .)");
      }
    }
    start = end + 1;
  }
  return Status::OK();
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == 0 || slash == std::string::npos) return "/";
  return path.substr(0, slash);
}

std::string JoinPath(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

Result<std::unique_ptr<Coordinator>> OpenCoordinator(const CoordOptions& options) {
  if (!options.zookeeper.empty()) return OpenZooKeeperCoordinator(options);
  return OpenEmbeddedCoordinator(options);
}

}  // namespace smartcar::coord

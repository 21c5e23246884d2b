// Address parsing (HOST:PORT, and redis:// URLs with the password redacted from messages),
// ValidateHotOptions, and OpenHotStore: the one place that picks Redis or the embedded engine.
#include "hot/hot_store.h"

#include <charconv>

#include "hot/embedded/embedded_store.h"
#include "hot/redis/redis_store.h"

namespace smartcar::hot {

Result<Endpoint> ParseEndpoint(std::string_view text, std::string_view what) {
  const auto bad = [&](std::string_view why) {
    return Err(Status::InvalidArgument(std::string(what) + " '" + std::string(text) +
                                       "': " + std::string(why)));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected HOST:PORT");
  Endpoint e;
  e.host = std::string(text.substr(0, colon));
  if (e.host.empty()) return bad("empty host");
  const std::string_view port = text.substr(colon + 1);
  int p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || p < 1 || p > 65535) {
    return bad("port must be a number in 1..65535");
  }
  e.port = p;
  return e;
}

std::string RedactRedisAddress(std::string_view text) {
  constexpr std::string_view kScheme = "redis://";
  if (!text.starts_with(kScheme)) return std::string(text);
  const size_t at = text.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  const std::string_view userinfo = text.substr(kScheme.size(), at - kScheme.size());
  const size_t colon = userinfo.find(':');
  const std::string user(colon == std::string_view::npos ? userinfo : userinfo.substr(0, colon));
  return std::string(kScheme) + user + ":***" + std::string(text.substr(at));
}

Result<RedisAddress> ParseRedisAddress(std::string_view text, std::string_view what) {
  constexpr std::string_view kScheme = "redis://";
  RedisAddress a;
  std::string_view hostport = text;
  if (text.starts_with(kScheme)) {
    hostport = text.substr(kScheme.size());
    if (const size_t at = hostport.rfind('@'); at != std::string_view::npos) {
      const std::string_view userinfo = hostport.substr(0, at);
      const size_t colon = userinfo.find(':');
      if (colon == std::string_view::npos) {
        a.password = std::string(userinfo);  // redis://PASSWORD@host (redis-cli accepts it).
      } else {
        a.username = std::string(userinfo.substr(0, colon));
        a.password = std::string(userinfo.substr(colon + 1));
      }
      hostport = hostport.substr(at + 1);
    }
    if (const size_t slash = hostport.find('/'); slash != std::string_view::npos) {
      const std::string_view db = hostport.substr(slash + 1);
      if (!db.empty() && db != "0") {
        return Err(Status::InvalidArgument(std::string(what) + " '" + RedactRedisAddress(text) +
                                           "': only database 0 is supported"));
      }
      hostport = hostport.substr(0, slash);
    }
  }
  auto ep = ParseEndpoint(hostport, what);
  if (!ep) {
    return Err(Status::InvalidArgument(std::string(what) + " '" + RedactRedisAddress(text) +
                                       "': expected HOST:PORT or redis://[USER:PASSWORD@]HOST:PORT"));
  }
  a.endpoint = *std::move(ep);
  return a;
}

Result<std::vector<Endpoint>> ParseEndpointList(std::string_view text, std::string_view what) {
  std::vector<Endpoint> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    auto e = ParseEndpoint(text.substr(start, comma - start), what);
    if (!e) return Err(e.error());
    out.push_back(*std::move(e));
    start = comma + 1;
  }
  return out;
}

Status ValidateHotOptions(const HotOptions& o) {
  if (o.ttl_ms <= 0) return Status::InvalidArgument("hot store: ttl must be > 0 ms");
  const bool redis = o.redis.has_value() || !o.sentinels.empty();
  if (!redis) {
    if (o.data_dir.empty()) return Status::InvalidArgument("hot store: empty data_dir");
    return Status::OK();
  }
  if (!o.sentinels.empty() && o.master_name.empty()) {
    return Status::InvalidArgument("hot store: sentinels given without a master name");
  }
  if (o.sentinels.empty() && !o.master_name.empty()) {
    return Status::InvalidArgument("hot store: master name given without sentinels");
  }
  if (!o.username.empty() && o.password.empty()) {
    return Status::InvalidArgument("hot store: ACL user '" + o.username + "' needs a password");
  }
  if (o.connect_timeout_ms <= 0 || o.command_timeout_ms <= 0 || o.open_timeout_ms <= 0 ||
      o.write_timeout_ms <= 0) {
    return Status::InvalidArgument("hot store: timeouts must be > 0 ms");
  }
  if (o.backoff_initial_ms <= 0 || o.backoff_max_ms < o.backoff_initial_ms) {
    return Status::InvalidArgument("hot store: need 0 < backoff_initial_ms <= backoff_max_ms");
  }
  if (o.pool_size < 1) return Status::InvalidArgument("hot store: pool_size must be >= 1");
  if (o.wait_replicas < 0 || o.wait_timeout_ms <= 0) {
    return Status::InvalidArgument("hot store: need wait_replicas >= 0 and wait_timeout_ms > 0");
  }
  if (o.db < 0) return Status::InvalidArgument("hot store: db must be >= 0");
  if (o.tls) {
    return Status::NotSupported(
        "hot store: TLS to Redis needs hiredis_ssl (hiredis >= 1.0); Debian 12 ships hiredis "
        "0.14 without it. Use a TLS tunnel (stunnel) or a local replica.");
  }
  return Status::OK();
}

Result<std::unique_ptr<HotStore>> OpenHotStore(const HotOptions& options) {
  if (Status s = ValidateHotOptions(options); !s.ok()) return Err(std::move(s));
  if (options.redis.has_value() || !options.sentinels.empty()) return OpenRedisStore(options);
  return OpenEmbeddedStore(options);
}

}  // namespace smartcar::hot

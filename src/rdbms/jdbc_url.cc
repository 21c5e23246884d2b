// ParseJdbcUrl: a PostgreSQL JDBC URL (what Sqoop's --connect takes) → libpq connection
// parameters. Grammar of pgJDBC: jdbc:postgresql:[//host[:port][,host[:port]...]/]database[?props]
#include <charconv>
#include <string>
#include <string_view>

#include "rdbms/sqoop.h"

namespace smartcar::rdbms {
namespace {

// %XX-decodes a URL component. InvalidArgument for a truncated or non-hex escape.
Result<std::string> PercentDecode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    unsigned value = 0;
    if (i + 3 > s.size() ||
        std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16).ptr != s.data() + i + 3) {
      return Err(
          Status::InvalidArgument("bad %-escape in the " + std::string(what) + " of --connect"));
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

Status ParsePort(std::string_view port) {
  int value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || p != port.data() + port.size() || value < 1 ||
      value > 65535) {
    return Status::InvalidArgument("--connect: port '" + std::string(port) +
                                   "' is not a number from 1 to 65535");
  }
  return Status::OK();
}

// host[:port] or [v6]:port → (host, port); port may be empty.
Status SplitHostPort(std::string_view hp, std::string* host, std::string* port) {
  if (!hp.empty() && hp.front() == '[') {
    const size_t close = hp.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("--connect: '[' without ']' in host '" + std::string(hp) +
                                     "'");
    }
    *host = std::string(hp.substr(1, close - 1));
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return Status::InvalidArgument("--connect: junk after ']' in host '" + std::string(hp) +
                                       "'");
      }
      *port = std::string(rest.substr(1));
    }
  } else {
    const size_t colon = hp.rfind(':');
    *host = std::string(hp.substr(0, colon));
    if (colon != std::string_view::npos) *port = std::string(hp.substr(colon + 1));
  }
  if (host->empty()) return Status::InvalidArgument("--connect: empty host name");
  if (!port->empty()) return ParsePort(*port);
  return Status::OK();
}

}  // namespace

Result<ConnectParams> ParseJdbcUrl(std::string_view url) {
  ConnectParams params;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    params.emplace_back("dbname", std::string(url));  // libpq expands a URI given as dbname.
    return params;
  }
  constexpr std::string_view kJdbc = "jdbc:";
  if (url.rfind(kJdbc, 0) != 0) {
    return Err(Status::InvalidArgument(
        "--connect '" + std::string(url) +
        "' is not a JDBC URL: expected jdbc:postgresql://HOST:PORT/DATABASE"));
  }
  std::string_view rest = url.substr(kJdbc.size());
  const size_t colon = rest.find(':');
  const std::string_view driver = rest.substr(0, colon);
  if (driver != "postgresql") {
    return Err(Status::InvalidArgument("--connect: the '" + std::string(driver) +
                                       "' JDBC driver is not supported; only jdbc:postgresql "
                                       "(PostgreSQL through libpq)"));
  }
  rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  std::string_view props;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    props = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view database = rest;
  if (rest.rfind("//", 0) == 0) {
    rest = rest.substr(2);
    const size_t slash = rest.find('/');
    const std::string_view hosts = rest.substr(0, slash);
    database = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    std::string host_list, port_list;
    size_t start = 0;
    while (start <= hosts.size() && !hosts.empty()) {
      const size_t comma = hosts.find(',', start);
      const std::string_view one = hosts.substr(start, comma - start);
      std::string host, port;
      SMARTCAR_RETURN_IF_ERROR(SplitHostPort(one, &host, &port));
      if (!host_list.empty()) {
        host_list += ',';
        port_list += ',';
      }
      host_list += host;
      port_list += port.empty() ? "5432" : port;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (!host_list.empty()) {
      params.emplace_back("host", host_list);
      params.emplace_back("port", port_list);
    }
  } else if (rest.rfind("/", 0) == 0) {
    database = rest.substr(1);
  }
  if (!database.empty()) {
    auto db = PercentDecode(database, "database");
    if (!db) return Err(db.error());
    params.emplace_back("dbname", *db);
  }
  // Properties: the ones that mean something to libpq; others are refused by name so a typo
  // does not silently connect differently.
  size_t start = 0;
  while (!props.empty() && start <= props.size()) {
    const size_t amp = props.find('&', start);
    const std::string_view kv = props.substr(start, amp - start);
    start = amp == std::string_view::npos ? props.size() + 1 : amp + 1;
    if (kv.empty()) continue;
    const size_t eq = kv.find('=');
    const std::string key(kv.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? "" : kv.substr(eq + 1), key);
    if (!value) return Err(value.error());
    if (key == "user") {
      params.emplace_back("user", *value);
    } else if (key == "password") {
      params.emplace_back("password", *value);
    } else if (key == "sslmode") {
      params.emplace_back("sslmode", *value);
    } else if (key == "ssl") {
      params.emplace_back("sslmode", *value == "false" ? "disable" : "require");
    } else if (key == "connectTimeout" || key == "loginTimeout") {
      params.emplace_back("connect_timeout", *value);
    } else if (key == "ApplicationName" || key == "applicationName") {
      params.emplace_back("application_name", *value);
    } else if (key == "currentSchema") {
      params.emplace_back("options", "-c search_path=" + *value);
    } else if (key == "targetServerType") {
      params.emplace_back("target_session_attrs",
                          *value == "primary" || *value == "master" ? "read-write" : "any");
    } else {
      return Err(Status::InvalidArgument(
          "--connect: JDBC property '" + key +
          "' is not supported (supported: user, password, ssl, sslmode, connectTimeout, "
          "loginTimeout, ApplicationName, currentSchema, targetServerType)"));
    }
  }
  return params;
}

}  // namespace smartcar::rdbms

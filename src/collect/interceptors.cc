// The built-in interceptors (Flume's timestamp, host, static, regex_filter; the pilot's
// CollectDayInterceptor; and `parse`, which validates lines with core/ codecs).
#include <fcntl.h>
#include <netdb.h>
#include <unistd.h>

#include <re2/re2.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "collect/interceptor.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/event_time.h"
#include "core/line_codec.h"

namespace smartcar::collect {
namespace {

// Adds the time of interception (epoch ms) as a header, like Flume's TimestampInterceptor.
class TimestampInterceptor final : public Interceptor {
 public:
  TimestampInterceptor(std::string header, bool preserve)
      : header_(std::move(header)), preserve_(preserve) {}
  Status Intercept(EventBatch* batch) override {
    const std::string now = std::to_string(WallClockMs());
    for (Event& e : *batch) {
      if (preserve_ && e.header(header_) != nullptr) continue;
      e.set_header(header_, now);
    }
    return Status::OK();
  }

 private:
  std::string header_;
  bool preserve_;
};

// Adds a fixed header (Flume's StaticInterceptor), e.g. logType = car-batch-log.
class StaticInterceptor final : public Interceptor {
 public:
  StaticInterceptor(std::string key, std::string value, bool preserve)
      : key_(std::move(key)), value_(std::move(value)), preserve_(preserve) {}
  Status Intercept(EventBatch* batch) override {
    for (Event& e : *batch) {
      if (preserve_ && e.header(key_) != nullptr) continue;
      e.set_header(key_, value_);
    }
    return Status::OK();
  }

 private:
  std::string key_, value_;
  bool preserve_;
};

// Keeps (or with excludeEvents, drops) events whose body matches a regular expression somewhere
// (Java's find(), as Flume). The pilot's `^\d{14}` drops the header lines.
class RegexFilterInterceptor final : public Interceptor {
 public:
  RegexFilterInterceptor(std::unique_ptr<RE2> re, bool exclude)
      : re_(std::move(re)), exclude_(exclude) {}
  Status Intercept(EventBatch* batch) override {
    size_t kept = 0;
    for (size_t i = 0; i < batch->size(); ++i) {
      const bool match = RE2::PartialMatch((*batch)[i].body, *re_);
      if (match != exclude_) {
        if (kept != i) (*batch)[kept] = std::move((*batch)[i]);
        ++kept;
      }
    }
    batch->resize(kept);
    return Status::OK();
  }

 private:
  std::unique_ptr<RE2> re_;
  bool exclude_;
};

// The pilot's CollectDayInterceptor: appends ",<yyyyMMdd>" (the collection day) to each body.
// The day comes from the `timestamp` header when present (so replays are stable), else now.
class CollectDayInterceptor final : public Interceptor {
 public:
  Status Intercept(EventBatch* batch) override {
    for (Event& e : *batch) {
      int64_t ms = 0;
      const std::string* ts = e.header("timestamp");
      if (ts == nullptr ||
          std::from_chars(ts->data(), ts->data() + ts->size(), ms).ec != std::errc())
        ms = WallClockMs();
      e.body += ',';
      e.body += FormatDate8(EventTimeMs{ms});
    }
    return Status::OK();
  }
};

// Validates each body with the core codec of `format`; rejects go to a dead-letter file as
// "<file>:<line>\t<reason>\t<line text>" and are dropped from the batch. Header lines are
// dropped and counted. The dead-letter file is synced before the batch moves on.
class ParseInterceptor final : public Interceptor {
 public:
  ParseInterceptor(bool driver, std::string dead_letter_path, bool drop_headers)
      : driver_(driver), path_(std::move(dead_letter_path)), drop_headers_(drop_headers) {}
  ~ParseInterceptor() override {
    if (fd_ >= 0) close(fd_);
  }

  Status Intercept(EventBatch* batch) override {
    std::string rejects;
    size_t kept = 0;
    for (size_t i = 0; i < batch->size(); ++i) {
      Event& e = (*batch)[i];
      Result<LineKind> r;
      if (driver_) {
        DriverEvent d;
        r = ParseDriverLine(e.body, &d);
      } else {
        StatusEvent s;
        r = ParseStatusLine(e.body, &s);
      }
      if (!r) {
        rejects += e.file ? *e.file : std::string("-");
        rejects += ':' + std::to_string(e.line) + '\t' + EscapeBytes(r.error().message()) + '\t' +
                   EscapeBytes(e.body) + '\n';
        continue;
      }
      if (*r == LineKind::kHeader && drop_headers_) continue;
      if (kept != i) (*batch)[kept] = std::move(e);
      ++kept;
    }
    batch->resize(kept);
    if (rejects.empty()) return Status::OK();
    if (fd_ < 0) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
      fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd_ < 0)
        return Status::IOError("cannot open dead-letter file '" + path_ +
                               "': " + std::strerror(errno));
    }
    if (write(fd_, rejects.data(), rejects.size()) != static_cast<ssize_t>(rejects.size()) ||
        fdatasync(fd_) != 0) {
      return Status::IOError("cannot write dead-letter file '" + path_ +
                             "': " + std::strerror(errno));
    }
    return Status::OK();
  }

 private:
  bool driver_;
  std::string path_;
  bool drop_headers_;
  int fd_ = -1;
};

std::string HostName(bool use_ip) {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  if (!use_ip) return name;
  addrinfo hints = {};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  if (getaddrinfo(name, nullptr, &hints, &res) != 0 || res == nullptr) return name;
  char ip[64] = {};
  getnameinfo(res->ai_addr, res->ai_addrlen, ip, sizeof(ip), nullptr, 0, NI_NUMERICHOST);
  freeaddrinfo(res);
  return ip[0] ? ip : name;
}

}  // namespace

Result<std::unique_ptr<Interceptor>> MakeInterceptor(const std::string& type, ComponentParams* p,
                                                     const InterceptorEnv& env) {
  if (type == "timestamp" || type == "org.apache.flume.interceptor.TimestampInterceptor$Builder") {
    auto preserve = p->Bool("preserveExisting", false);
    if (!preserve) return Err(preserve.error());
    return std::unique_ptr<Interceptor>(
        new TimestampInterceptor(p->String("headerName", "timestamp"), *preserve));
  }
  if (type == "host" || type == "org.apache.flume.interceptor.HostInterceptor$Builder") {
    auto preserve = p->Bool("preserveExisting", false);
    auto use_ip = p->Bool("useIP", true);
    if (!preserve) return Err(preserve.error());
    if (!use_ip) return Err(use_ip.error());
    const std::string host = env.host_name.empty() ? HostName(*use_ip) : env.host_name;
    return std::unique_ptr<Interceptor>(
        new StaticInterceptor(p->String("hostHeader", "host"), host, *preserve));
  }
  if (type == "static" || type == "org.apache.flume.interceptor.StaticInterceptor$Builder") {
    auto preserve = p->Bool("preserveExisting", true);
    if (!preserve) return Err(preserve.error());
    return std::unique_ptr<Interceptor>(
        new StaticInterceptor(p->String("key", "key"), p->String("value", "value"), *preserve));
  }
  if (type == "regex_filter" ||
      type == "org.apache.flume.interceptor.RegexFilteringInterceptor$Builder") {
    const std::string regex = p->String("regex", ".*");
    auto exclude = p->Bool("excludeEvents", false);
    if (!exclude) return Err(exclude.error());
    auto filter = NewRegexFilter(regex, *exclude);
    if (!filter) return Err(p->Error("regex", filter.error().message()));
    return filter;
  }
  if (type == "collect_day" || type.find("CollectDayInterceptor") != std::string::npos) {
    return std::unique_ptr<Interceptor>(new CollectDayInterceptor());
  }
  if (type == "parse") {
    auto format = p->Enum("format", "driver", {"driver", "status"});
    if (!format) return Err(format.error());
    auto drop = p->Bool("dropHeaders", true);
    if (!drop) return Err(drop.error());
    std::string path = p->String("deadLetter", "dead-letter/" + *format + ".log");
    if (!path.empty() && path[0] != '/')
      path = (std::filesystem::path(env.data_dir) / path).string();
    return std::unique_ptr<Interceptor>(new ParseInterceptor(*format == "driver", path, *drop));
  }
  return Err(Status::InvalidArgument(
      "line " + std::to_string(p->type_line()) + ": " + p->prefix() +
      ".type: unknown interceptor type '" + type +
      "' (built in: timestamp, host, static, regex_filter, collect_day, parse)"));
}

Result<std::unique_ptr<Interceptor>> NewRegexFilter(const std::string& regex, bool exclude) {
  auto re = std::make_unique<RE2>(regex, RE2::Quiet);
  if (!re->ok()) {
    return Err(Status::InvalidArgument("'" + regex +
                                       "' is not a valid regular expression: " + re->error()));
  }
  return std::unique_ptr<Interceptor>(new RegexFilterInterceptor(std::move(re), exclude));
}

}  // namespace smartcar::collect

// NewStderrInfoLog: a rocksdb::Logger that prints WARN and above to stderr with the database's
// name, and writes no file.
#include "storage/rocks_logger.h"

#include <rocksdb/env.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string_view>

namespace smartcar::storage {
namespace {

class StderrLogger final : public rocksdb::Logger {
 public:
  explicit StderrLogger(std::string name)
      : rocksdb::Logger(rocksdb::InfoLogLevel::ERROR_LEVEL), name_(std::move(name)) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char buf[1024];
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    if (n < 0) return;
    std::string_view text(buf, std::min(static_cast<size_t>(n), sizeof buf - 1));
    // Opening a new database (create_if_missing) logs a benign "Error when reading <dir> dir
    // NotFound" before it creates the folder.
    if (text.find("dir NotFound") != std::string_view::npos) return;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    std::fprintf(stderr, "rocksdb %s: %.*s%s\n", name_.c_str(), static_cast<int>(text.size()),
                 text.data(), static_cast<size_t>(n) >= sizeof buf ? "..." : "");
  }
  // The header (options, build) is INFO: not printed.
  void LogHeader(const char*, va_list) override {}

 private:
  std::string name_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewStderrInfoLog(std::string name) {
  return std::make_shared<StderrLogger>(std::move(name));
}

}  // namespace smartcar::storage

// An Interceptor sees every batch between a source and its channels: it may add headers,
// rewrite bodies or drop events (filters; the parse interceptor moves rejects to a dead-letter
// file). Interceptors run in the order configured.
#pragma once

#include <memory>
#include <string>

#include "collect/component_params.h"
#include "collect/event.h"
#include "core/status.h"

namespace smartcar::collect {

class Interceptor {
 public:
  virtual ~Interceptor() = default;
  // Processes *batch in place. An error stops the batch (it is retried, not committed).
  virtual Status Intercept(EventBatch* batch) = 0;
};

struct InterceptorEnv {
  std::string data_dir;   // Where relative dead-letter paths go.
  std::string host_name;  // For the host interceptor.
};

// Builds the interceptor named by `type`: timestamp, host, static, regex_filter, collect_day
// (also the pilot's `…CollectDayInterceptor$Builder`), parse. Unknown types are an error that
// names the type and its line.
Result<std::unique_ptr<Interceptor>> MakeInterceptor(const std::string& type,
                                                     ComponentParams* params,
                                                     const InterceptorEnv& env);

// Flume's regex_filter built in code: keeps the events whose body matches `regex` somewhere
// (drops them instead when `exclude`). InvalidArgument when `regex` is not valid.
Result<std::unique_ptr<Interceptor>> NewRegexFilter(const std::string& regex, bool exclude);

}  // namespace smartcar::collect

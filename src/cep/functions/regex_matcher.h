// RegexMatcher: EPL's REGEXP (a whole-string match, as Java's String.matches), kept behind a
// small interface so <regex> is included in one translation unit only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar::cep {

class RegexMatcher {
 public:
  // InvalidArgument with the library's reason for a malformed pattern.
  static Result<std::shared_ptr<const RegexMatcher>> Compile(const std::string& pattern);
  ~RegexMatcher();
  bool Matches(const std::string& text) const;

 private:
  struct Impl;
  explicit RegexMatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace smartcar::cep

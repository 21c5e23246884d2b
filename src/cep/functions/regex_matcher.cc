// GCC 12 reports false -Wmaybe-uninitialized warnings inside <regex> at -O2 with sanitizers;
// this is the only file that includes it.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no such warning (the fuzz build).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "cep/functions/regex_matcher.h"

#include <regex>

namespace smartcar::cep {

struct RegexMatcher::Impl {
  std::regex re;
};

RegexMatcher::RegexMatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegexMatcher::~RegexMatcher() = default;

Result<std::shared_ptr<const RegexMatcher>> RegexMatcher::Compile(const std::string& pattern) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->re = std::regex(pattern, std::regex::ECMAScript);
    return std::shared_ptr<const RegexMatcher>(new RegexMatcher(std::move(impl)));
  } catch (const std::regex_error& e) {
    return Err(Status::InvalidArgument(e.what()));
  }
}

bool RegexMatcher::Matches(const std::string& text) const {
  try {
    return std::regex_match(text, impl_->re);
  } catch (const std::regex_error&) {
    return false;  // e.g. the matcher's complexity limit on huge inputs
  }
}

}  // namespace smartcar::cep
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

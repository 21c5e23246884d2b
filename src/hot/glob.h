// Redis-style glob patterns (KEYS / SCAN MATCH): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes.
#pragma once

#include <string>
#include <string_view>

namespace smartcar::hot {

// Whether `text` matches `pattern`, with Redis's semantics (stringmatchlen): a malformed
// pattern (unclosed `[`, trailing `\`) is read literally where Redis does, never an error.
bool GlobMatch(std::string_view pattern, std::string_view text);

// `literal` with `*?[]\` escaped so it matches only itself (for prefixing a pattern).
std::string GlobEscape(std::string_view literal);

// The longest literal prefix of `pattern` (before its first special character), for range scans.
std::string GlobLiteralPrefix(std::string_view pattern);

}  // namespace smartcar::hot

// EscapeBytes: one printable line from arbitrary bytes, for error messages and dead-letter files.
#pragma once

#include <string>
#include <string_view>

namespace smartcar {

// `bytes` with control bytes (0x00-0x1f, 0x7f) written as \xNN and a backslash as \\, so a
// message or a dead-letter line stays one printable line (a NUL no longer cuts it short) and
// the original bytes stay recoverable (UnescapeBytes). UTF-8 (bytes >= 0x80) is kept as is.
std::string EscapeBytes(std::string_view bytes);
// The inverse of EscapeBytes; an escape it did not write is kept verbatim.
std::string UnescapeBytes(std::string_view text);

}  // namespace smartcar

// GlobMatch: Redis's KEYS / SCAN MATCH glob semantics (stringmatchlen) as an iterative matcher
// with one backtrack point for `*`; GlobEscape and GlobLiteralPrefix for prefixes and range scans.
#include "hot/glob.h"

#include <utility>

namespace smartcar::hot {
namespace {

// Iterative matcher with one backtrack point for `*` (linear in practice, no recursion).
bool Match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      const char c = p[pi];
      if (c == '*') {
        while (pi < p.size() && p[pi] == '*') ++pi;
        if (pi == p.size()) return true;
        star_p = pi;
        star_s = si;
        continue;
      }
      if (c == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (c == '[') {
        size_t q = pi + 1;
        bool negate = false;
        if (q < p.size() && p[q] == '^') {
          negate = true;
          ++q;
        }
        bool matched = false;
        const unsigned char ch = static_cast<unsigned char>(s[si]);
        while (q < p.size() && p[q] != ']') {
          if (p[q] == '\\' && q + 1 < p.size()) {
            ++q;
            if (static_cast<unsigned char>(p[q]) == ch) matched = true;
            ++q;
          } else if (q + 2 < p.size() && p[q + 1] == '-' && p[q + 2] != ']') {
            unsigned char lo = static_cast<unsigned char>(p[q]);
            unsigned char hi = static_cast<unsigned char>(p[q + 2]);
            if (lo > hi) std::swap(lo, hi);
            if (ch >= lo && ch <= hi) matched = true;
            q += 3;
          } else {
            if (static_cast<unsigned char>(p[q]) == ch) matched = true;
            ++q;
          }
        }
        // An unclosed class ends at the end of the pattern (as Redis does).
        if (negate) matched = !matched;
        if (matched) {
          pi = q < p.size() ? q + 1 : q;
          ++si;
          continue;
        }
      } else {
        char lit = c;
        size_t next = pi + 1;
        if (c == '\\' && pi + 1 < p.size()) {
          lit = p[pi + 1];
          next = pi + 2;
        }
        if (lit == s[si]) {
          pi = next;
          ++si;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool IsSpecial(char c) { return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\'; }

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) { return Match(pattern, text); }

std::string GlobEscape(std::string_view literal) {
  std::string out;
  out.reserve(literal.size());
  for (char c : literal) {
    if (IsSpecial(c)) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string GlobLiteralPrefix(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out.push_back(pattern[++i]);
    } else if (c == '*' || c == '?' || c == '[' || c == '\\') {
      break;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace smartcar::hot

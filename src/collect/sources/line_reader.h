// How the file sources (TAILDIR, SPOOLDIR) read a file's lines: pread from a byte position, in
// chunks sized to the lines a batch still takes. Each call read 1 MiB and a batch of a thousand
// ~85-byte driving lines used 85 KB of it, so every byte was read a dozen times (the kernel's copy
// was 2.6 % of a pilot day's samples).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar::collect {

// The longest line a source reads.
inline constexpr size_t kMaxLineBytes = 1 << 20;

// Bytes to read for `lines` more lines of a file whose lines so far took `bytes` for `count`
// (128 a line before the first): a quarter more than their mean, and a page.
inline size_t LineChunkBytes(uint64_t bytes, uint64_t count, size_t lines) {
  const uint64_t mean = count > 0 ? std::max<uint64_t>(1, bytes / count) : 128;
  const uint64_t want = static_cast<uint64_t>(lines) * (mean + mean / 4) + 4096;
  return static_cast<size_t>(std::min<uint64_t>(want, kMaxLineBytes));
}

// What ReadLinesAt did.
struct LinesRead {
  uint64_t bytes = 0;  // Of the lines passed to on_line, their newlines included.
  size_t lines = 0;
};

// Passes up to `max_lines` whole lines of `fd` between byte `pos` and `size` to
// on_line(std::string_view body) (the '\n' and one '\r' before it dropped). A last line without
// a newline is passed only when `final_line_ok` and it ends at `size`; otherwise it waits.
// `bytes_before`/`lines_before` (the file's lines read so far) size the chunks; `buf` is reused.
// IOError for a failed read, Corruption (naming `path` and the byte) for a line longer than
// kMaxLineBytes; `*read` counts the lines passed before either.
template <class OnLine>
Status ReadLinesAt(int fd, const std::string& path, uint64_t pos, uint64_t size, size_t max_lines,
                   bool final_line_ok, uint64_t bytes_before, uint64_t lines_before,
                   std::string* buf, LinesRead* read, OnLine&& on_line) {
  *read = LinesRead{};
  size_t chunk = 0;  // 0: sized from the mean line; grows while one line does not fit.
  while (read->lines < max_lines && pos < size) {
    if (chunk == 0) {
      chunk = LineChunkBytes(bytes_before + read->bytes, lines_before + read->lines,
                             max_lines - read->lines);
    }
    const uint64_t left = size - pos;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(left, chunk));
    buf->resize(want);
    const ssize_t n = pread(fd, buf->data(), want, static_cast<off_t>(pos));
    if (n < 0) return Status::IOError("cannot read '" + path + "': " + std::strerror(errno));
    if (n == 0) break;  // The file shrank since its size was taken.
    const size_t got = static_cast<size_t>(n);
    const bool at_end = pos + got == size;
    size_t start = 0;
    while (read->lines < max_lines && start < got) {
      const void* hit = std::memchr(buf->data() + start, '\n', got - start);
      size_t end, next;
      if (hit != nullptr) {
        end = static_cast<size_t>(static_cast<const char*>(hit) - buf->data());
        next = end + 1;
      } else if (at_end && final_line_ok) {
        end = next = got;
      } else {
        break;
      }
      size_t stop = end;
      if (stop > start && (*buf)[stop - 1] == '\r') --stop;
      on_line(std::string_view(buf->data() + start, stop - start));
      ++read->lines;
      start = next;
    }
    pos += start;
    read->bytes += start;
    if (start > 0) {
      chunk = 0;
      continue;
    }
    // Not one whole line in the chunk: read more of the line, up to kMaxLineBytes.
    if (got < want || want == left) break;  // It waits for the rest of the file.
    if (chunk >= kMaxLineBytes) {
      return Status::Corruption("'" + path + "' has a line longer than 1 MiB at byte " +
                                std::to_string(pos));
    }
    chunk = std::min(chunk * 2, kMaxLineBytes);
  }
  return Status::OK();
}

}  // namespace smartcar::collect

// LineReader over zlib's gzread, which gunzips gzip files and reads plain ones as they are;
// lines are cut from a 64 KiB buffer that doubles when a line does not fit.
#include "core/line_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace smartcar {
namespace {

class GzLineReader final : public LineReader {
 public:
  GzLineReader(gzFile file, std::string path)
      : file_(file), path_(std::move(path)), buf_(1 << 16) {}
  ~GzLineReader() override { gzclose(file_); }

  bool Next(std::string_view* line) override {
    while (true) {
      const void* hit = std::memchr(buf_.data() + begin_, '\n', end_ - begin_);
      if (hit != nullptr) {
        const char* nl = static_cast<const char*>(hit);
        *line = std::string_view(buf_.data() + begin_,
                                 static_cast<size_t>(nl - (buf_.data() + begin_)));
        begin_ = static_cast<size_t>(nl - buf_.data()) + 1;
        ++line_number_;
        return true;
      }
      if (eof_) {
        if (begin_ == end_) return false;
        *line = std::string_view(buf_.data() + begin_, end_ - begin_);
        begin_ = end_;
        ++line_number_;
        return true;
      }
      Fill();
    }
  }

  uint64_t line_number() const override { return line_number_; }
  const Status& status() const override { return status_; }

 private:
  void Fill() {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);  // A line longer than the buffer.
    const int n = gzread(file_, buf_.data() + end_, static_cast<unsigned>(buf_.size() - end_));
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(file_, &errnum);
      status_ = Status::IOError(path_ + ": " + (msg ? msg : "read error"));
      eof_ = true;
      return;
    }
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
  }

  gzFile file_;
  std::string path_;
  std::vector<char> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  Status status_;
};

}  // namespace

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Err(Status::IOError("cannot open '" + path + "': " + std::strerror(errno)));
  }
  gzbuffer(f, 1 << 17);
  return std::unique_ptr<LineReader>(new GzLineReader(f, path));
}

}  // namespace smartcar

// ReadLinesAt, the file sources' line reading: chunks sized to the lines wanted, lines longer than
// a chunk read whole, the 1 MiB limit, partial last lines, and '\r\n'.
#include "collect/sources/line_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace smartcar::collect {
namespace {

class LineReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = dir_.file("f.log"); }
  void TearDown() override {
    if (fd_ >= 0) close(fd_);
  }

  void Write(const std::string& text) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << text;
    if (fd_ >= 0) close(fd_);
    fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
    size_ = text.size();
  }

  // Reads up to `max` lines from `pos` as a source would, with no lines read before.
  Status Read(uint64_t pos, size_t max, bool final_line_ok, std::vector<std::string>* lines,
              LinesRead* read) {
    lines->clear();
    return ReadLinesAt(fd_, path_, pos, size_, max, final_line_ok, 0, 0, &buf_, read,
                       [&](std::string_view body) { lines->emplace_back(body); });
  }

  ::smartcar::testing::TempDir dir_;
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string buf_;
};

// A batch of a thousand driving lines reads about their bytes, not a fixed 1 MiB.
TEST_F(LineReaderTest, ChunksAreSizedToTheLinesABatchStillTakes) {
  EXPECT_EQ(LineChunkBytes(85'000, 1'000, 1'000), 1'000u * (85 + 21) + 4096);
  EXPECT_EQ(LineChunkBytes(0, 0, 10), 10u * (128 + 32) + 4096);  // No line read yet.
  EXPECT_EQ(LineChunkBytes(85, 1, 100'000), kMaxLineBytes);      // Never more than 1 MiB.
}

// A line far longer than the chunk its neighbours size is read whole, between them.
TEST_F(LineReaderTest, ALineLongerThanTheChunkIsReadWhole) {
  const std::string longer(300'000, 'x');
  Write("a\nb\n" + longer + "\r\nc\n");
  std::vector<std::string> lines;
  LinesRead read;
  ASSERT_TRUE(Read(0, 2, false, &lines, &read).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read.bytes, 4u);
  EXPECT_EQ(read.lines, 2u);
  // A chunk sized for ten short lines (5.7 KB) holds a little of the long one: it grows until the
  // line fits.
  ASSERT_TRUE(Read(4, 10, false, &lines, &read).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{longer, "c"}));  // '\r' dropped.
  EXPECT_EQ(read.bytes, longer.size() + 2 + 2);
}

TEST_F(LineReaderTest, ALineOverOneMebibyteIsCorruptionNamingTheFileAndByte) {
  Write("ok\n" + std::string(kMaxLineBytes + 10, 'y') + "\n");
  std::vector<std::string> lines;
  LinesRead read;
  Status s = Read(0, 5, false, &lines, &read);
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find(path_), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("at byte 3"), std::string::npos) << s.ToString();
  EXPECT_EQ(lines, (std::vector<std::string>{"ok"}));  // The lines before it are kept.
  EXPECT_EQ(read.bytes, 3u);
}

// A last line without its newline waits (a file still being written) unless the file is
// finished (spooling directory).
TEST_F(LineReaderTest, APartialLastLineWaitsUnlessTheFileIsFinished) {
  Write("one\ntw");
  std::vector<std::string> lines;
  LinesRead read;
  ASSERT_TRUE(Read(0, 10, false, &lines, &read).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"one"}));
  EXPECT_EQ(read.bytes, 4u);
  ASSERT_TRUE(Read(4, 10, false, &lines, &read).ok());
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(read.bytes, 0u);
  ASSERT_TRUE(Read(0, 10, true, &lines, &read).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "tw"}));
  EXPECT_EQ(read.bytes, 6u);
}

// Many small chunks: every line comes once, in order, whatever the batch size.
TEST_F(LineReaderTest, EveryLineComesOnceInOrderAcrossBatches) {
  std::string text;
  std::vector<std::string> want;
  for (int i = 0; i < 5000; ++i) {
    want.push_back(std::string(static_cast<size_t>(i % 300), 'a' + i % 26) + std::to_string(i));
    text += want.back() + "\n";
  }
  Write(text);
  for (size_t batch : {1u, 7u, 1000u}) {
    std::vector<std::string> got, lines;
    uint64_t pos = 0;
    LinesRead read;
    do {
      ASSERT_TRUE(Read(pos, batch, false, &lines, &read).ok());
      ASSERT_LE(read.lines, batch);
      got.insert(got.end(), lines.begin(), lines.end());
      pos += read.bytes;
    } while (read.lines > 0);
    EXPECT_EQ(got, want) << "batch " << batch;
    EXPECT_EQ(pos, text.size());
  }
}

}  // namespace
}  // namespace smartcar::collect

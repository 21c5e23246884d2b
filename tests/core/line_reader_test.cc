#include "core/line_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <vector>

#include "test_util.h"

namespace smartcar {
namespace {

std::vector<std::string> ReadAll(const std::string& path) {
  auto r = LineReader::Open(path);
  EXPECT_TRUE(r.has_value());
  std::vector<std::string> lines;
  std::string_view line;
  while ((*r)->Next(&line)) {
    lines.emplace_back(line);
    EXPECT_EQ((*r)->line_number(), lines.size());
  }
  EXPECT_TRUE((*r)->status().ok());
  return lines;
}

TEST(LineReaderTest, PlainFileWithAndWithoutFinalNewline) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("a.txt"), "one\ntwo\n\nfour");
  EXPECT_EQ(ReadAll(dir.file("a.txt")), (std::vector<std::string>{"one", "two", "", "four"}));
  testing::WriteFile(dir.file("b.txt"), "one\n");
  EXPECT_EQ(ReadAll(dir.file("b.txt")), (std::vector<std::string>{"one"}));
  testing::WriteFile(dir.file("c.txt"), "");
  EXPECT_TRUE(ReadAll(dir.file("c.txt")).empty());
}

TEST(LineReaderTest, LinesLongerThanTheBuffer) {
  testing::TempDir dir;
  const std::string big(300000, 'x');
  testing::WriteFile(dir.file("big.txt"), "a\n" + big + "\nb\n");
  EXPECT_EQ(ReadAll(dir.file("big.txt")), (std::vector<std::string>{"a", big, "b"}));
}

TEST(LineReaderTest, GzipFile) {
  testing::TempDir dir;
  gzFile f = gzopen(dir.file("x.gz").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::string content;
  for (int i = 0; i < 50000; ++i) content += "line " + std::to_string(i) + "\n";
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
  auto lines = ReadAll(dir.file("x.gz"));
  ASSERT_EQ(lines.size(), 50000u);
  EXPECT_EQ(lines[49999], "line 49999");
}

TEST(LineReaderTest, MissingFileNamesThePath) {
  auto r = LineReader::Open("/nonexistent/dir/file.log");
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().IsIOError());
  EXPECT_NE(r.error().message().find("/nonexistent/dir/file.log"), std::string::npos);
}

}  // namespace
}  // namespace smartcar

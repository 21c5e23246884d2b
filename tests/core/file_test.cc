// ReadFileToString: whole files byte for byte, and errors that name the file and the reason.
#include "core/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace smartcar {
namespace {

TEST(FileTest, ReadsEveryByte) {
  testing::TempDir dir;
  std::string bytes(200'000, 'x');  // Larger than one read.
  bytes[7] = '\0';
  bytes[100'000] = '\n';
  bytes.back() = '\xff';
  std::ofstream(dir.file("f"), std::ios::binary) << bytes;
  auto r = ReadFileToString(dir.file("f"));
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(*r, bytes);
  std::ofstream(dir.file("empty"), std::ios::binary).flush();
  auto e = ReadFileToString(dir.file("empty"));
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->empty());
}

TEST(FileTest, MissingFileIsNotFoundAndNamed) {
  testing::TempDir dir;
  auto r = ReadFileToString(dir.file("nope.epl"), "rule file");
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().IsNotFound());
  EXPECT_EQ(r.error().message(),
            "cannot read rule file '" + dir.file("nope.epl") + "': it does not exist");
}

TEST(FileTest, FolderAndUnreadableAreIOErrors) {
  testing::TempDir dir;
  auto folder = ReadFileToString(dir.path().string());
  ASSERT_FALSE(folder.has_value());
  EXPECT_FALSE(folder.error().IsNotFound());
  EXPECT_NE(folder.error().message().find("it is a folder"), std::string::npos);
  if (geteuid() != 0) {  // root reads anything.
    std::ofstream(dir.file("secret")) << "pw";
    chmod(dir.file("secret").c_str(), 0);
    auto denied = ReadFileToString(dir.file("secret"), "password file");
    ASSERT_FALSE(denied.has_value());
    EXPECT_NE(denied.error().message().find("cannot read password file"), std::string::npos);
    EXPECT_NE(denied.error().message().find("Permission denied"), std::string::npos);
  }
}

TEST(FileTest, CountNewlinesFromAnOffset) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 30'000; ++i) text += "line " + std::to_string(i) + "\n";  // several blocks
  testing::WriteFile(dir.file("f"), text);
  EXPECT_EQ(*CountNewlines(dir.file("f")), 30'000u);
  EXPECT_EQ(*CountNewlines(dir.file("f"), text.size() - 7), 1u);  // "line 29999\n"'s end
  EXPECT_EQ(*CountNewlines(dir.file("f"), text.size()), 0u);
  EXPECT_EQ(*CountNewlines(dir.file("f"), text.size() + 10), 0u);
  auto missing = CountNewlines(dir.file("none"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find(dir.file("none")), std::string::npos);
}

TEST(FileTest, LastLinesReadsBackwards) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 30'000; ++i) text += "line " + std::to_string(i) + "\n";
  testing::WriteFile(dir.file("f"), text);
  EXPECT_EQ(*LastLines(dir.file("f"), 2), (std::vector<std::string>{"line 29998", "line 29999"}));
  auto many = LastLines(dir.file("f"), 20'000);  // across block boundaries
  ASSERT_TRUE(many.has_value());
  ASSERT_EQ(many->size(), 20'000u);
  for (size_t i = 0; i < many->size(); ++i) {
    ASSERT_EQ((*many)[i], "line " + std::to_string(10'000 + i)) << i;
  }
  EXPECT_EQ(LastLines(dir.file("f"), 50'000)->size(), 30'000u);  // the whole file
  EXPECT_EQ(LastLines(dir.file("f"), 0)->size(), 0u);
  testing::WriteFile(dir.file("open"), "a\n\nb\nhalf");  // a last line without its end
  EXPECT_EQ(*LastLines(dir.file("open"), 3), (std::vector<std::string>{"", "b", "half"}));
  EXPECT_EQ(*LastLines(dir.file("open"), 9), (std::vector<std::string>{"a", "", "b", "half"}));
  testing::WriteFile(dir.file("empty"), "");
  EXPECT_TRUE(LastLines(dir.file("empty"), 5)->empty());
  // A line longer than one block comes back whole.
  const std::string longline(200'000, 'y');
  testing::WriteFile(dir.file("long"), "first\n" + longline + "\n");
  EXPECT_EQ(*LastLines(dir.file("long"), 1), (std::vector<std::string>{longline}));
  EXPECT_EQ(*LastLines(dir.file("long"), 2), (std::vector<std::string>{"first", longline}));
  EXPECT_FALSE(LastLines(dir.file("none"), 1).has_value());
}

}  // namespace
}  // namespace smartcar

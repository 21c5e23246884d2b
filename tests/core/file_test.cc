// ReadFileToString: whole files byte for byte, and errors that name the file and the reason.
#include "core/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

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

}  // namespace
}  // namespace smartcar

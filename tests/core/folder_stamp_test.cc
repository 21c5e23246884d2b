// FolderStamp: a listing is reused only while the folder certainly has the same entries.
#include "core/folder_stamp.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace smartcar {
namespace {

TEST(FolderStampTest, UnchangedOnlyWhileNoEntryChangedAndTheTimeIsTrusted) {
  smartcar::testing::TempDir dir;
  const std::string d = dir.file("d");
  EXPECT_FALSE(FolderStamp().Unchanged(d));         // Empty.
  EXPECT_FALSE(FolderStamp::Take(d).Unchanged(d));  // No folder.
  std::filesystem::create_directories(d);
  smartcar::testing::WriteFile(d + "/a", "x");
  EXPECT_FALSE(FolderStamp::Take(d).Unchanged(d));  // Changed just now: not trusted yet.
  ASSERT_TRUE(::smartcar::testing::SetFileTime(d, -60));
  FolderStamp old = FolderStamp::Take(d);
  EXPECT_TRUE(old.Unchanged(d));
  smartcar::testing::WriteFile(d + "/a", "grown");  // Writing a file leaves the folder as it was.
  EXPECT_TRUE(old.Unchanged(d));
  smartcar::testing::WriteFile(d + "/b", "new");  // A new entry.
  EXPECT_FALSE(old.Unchanged(d));
  ASSERT_TRUE(
      ::smartcar::testing::SetFileTime(d, 3600));  // A time ahead of the clock is never trusted.
  EXPECT_FALSE(FolderStamp::Take(d).Unchanged(d));
}

}  // namespace
}  // namespace smartcar

// RuleFolder: what a rules folder deploys and hot-reloads — new, changed, broken and removed
// files, each reported once.
#include "cep/rule_folder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace smartcar::cep {
namespace {

constexpr const char* kRule = "select carNumber, avg(speed) from DriverCarInfo group by carNumber";

TEST(RuleFolderTest, ReportsEachChangeOnce) {
  smartcar::testing::TempDir dir;
  RuleFolder folder(dir.str());
  auto empty = folder.Poll();
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message().find("no rule files (*.epl) in '" + dir.str() + "'"),
            std::string::npos);

  smartcar::testing::WriteFile(dir.file("a.epl"), kRule);
  smartcar::testing::WriteFile(dir.file("notes.txt"), "not a rule");
  auto first = folder.Poll();
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].name, "a.epl");
  EXPECT_TRUE((*first)[0].rule.has_value());
  EXPECT_TRUE((*first)[0].error.ok());

  auto same = folder.Poll();
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(same->empty());  // Nothing changed.

  smartcar::testing::WriteFile(dir.file("b.epl"), "select speeed from DriverCarInfo");
  auto broken = folder.Poll();
  ASSERT_TRUE(broken.has_value());
  ASSERT_EQ(broken->size(), 1u);
  EXPECT_FALSE((*broken)[0].rule.has_value());
  EXPECT_NE((*broken)[0].error.message().find(dir.file("b.epl") + ": line 1 column 8"),
            std::string::npos)
      << (*broken)[0].error.message();
  auto quiet = folder.Poll();
  ASSERT_TRUE(quiet.has_value());
  EXPECT_TRUE(quiet->empty());  // A broken file is reported once, until it changes.

  smartcar::testing::WriteFile(dir.file("b.epl"), std::string(kRule) + " having avg(speed) > 80");
  std::filesystem::remove(dir.file("a.epl"));
  auto next = folder.Poll();
  ASSERT_TRUE(next.has_value());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].name, "b.epl");
  EXPECT_TRUE((*next)[0].rule.has_value()) << (*next)[0].error.ToString();
  EXPECT_EQ((*next)[1].name, "a.epl");
  EXPECT_TRUE((*next)[1].removed);

  auto listed = ListRuleFiles(dir.str());
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(*listed, std::vector<std::string>{dir.file("b.epl")});
}

// Between changes of the folder the files are not listed again, but a file edited in place (which
// leaves the folder's time as it was) is still seen.
TEST(RuleFolderTest, AFileEditedInPlaceIsSeenWhileTheFolderIsUnchanged) {
  smartcar::testing::TempDir dir;
  smartcar::testing::WriteFile(dir.file("a.epl"), kRule);
  ASSERT_TRUE(smartcar::testing::SetFileTime(dir.str(), -60));
  RuleFolder folder(dir.str());
  auto first = folder.Poll();
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_EQ(first->size(), 1u);
  smartcar::testing::WriteFile(dir.file("a.epl"), std::string(kRule) + " having avg(speed) > 80");
  auto edited = folder.Poll();
  ASSERT_TRUE(edited.has_value());
  ASSERT_EQ(edited->size(), 1u);
  EXPECT_EQ((*edited)[0].name, "a.epl");
  EXPECT_TRUE((*edited)[0].rule.has_value()) << (*edited)[0].error.ToString();
  smartcar::testing::WriteFile(dir.file("b.epl"), kRule);  // A new file changes the folder.
  auto added = folder.Poll();
  ASSERT_TRUE(added.has_value());
  ASSERT_EQ(added->size(), 1u);
  EXPECT_EQ((*added)[0].name, "b.epl");
}

}  // namespace
}  // namespace smartcar::cep

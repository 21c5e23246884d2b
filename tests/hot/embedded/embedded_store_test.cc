// Embedded-engine specifics: on-disk persistence, cleanup of expired keys, locking.
#include "hot/embedded/embedded_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "test_util.h"

namespace smartcar::hot {
namespace {

using ::smartcar::testing::TempDir;
using ::testing::HasSubstr;

TEST(EmbeddedStoreTest, IsTheDefaultEngine) {
  TempDir dir;
  HotOptions o;
  o.data_dir = dir.file("hot");
  auto s = OpenHotStore(o);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ((*s)->Describe(), "embedded " + o.data_dir);
}

TEST(EmbeddedStoreTest, SecondOpenOfTheSameFolderIsAClearError) {
  TempDir dir;
  HotOptions o;
  o.data_dir = dir.file("hot");
  auto first = OpenHotStore(o);
  ASSERT_TRUE(first.has_value());
  auto second = OpenHotStore(o);
  ASSERT_FALSE(second.has_value());
  EXPECT_TRUE(second.error().IsIOError());
  EXPECT_THAT(second.error().message(), HasSubstr(o.data_dir));
}

TEST(EmbeddedStoreTest, ReadOnlyOpenWorksWhileAWriterHoldsTheStore) {
  TempDir dir;
  HotOptions o;
  o.data_dir = dir.file("hot");
  o.read_only = true;
  auto missing = OpenHotStore(o);
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(missing.error().IsNotFound());
  o.read_only = false;
  auto writer = OpenHotStore(o);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->SetAdd("20220426", "O0010").ok());
  o.read_only = true;
  auto reader = OpenHotStore(o);
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  EXPECT_EQ((*reader)->Members("20220426").value(), std::vector<std::string>{"O0010"});
  EXPECT_EQ((*reader)->SetAdd("20220426", "x").code(), Status::Code::kNotSupported);
  EXPECT_EQ((*reader)->Delete("20220426").code(), Status::Code::kNotSupported);
}

TEST(EmbeddedStoreTest, UnwritableFolderIsAClearError) {
  TempDir dir;
  testing::WriteFile(dir.file("file"), "x");
  HotOptions o;
  o.data_dir = dir.file("file") + "/hot";
  auto s = OpenHotStore(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_THAT(s.error().message(), HasSubstr("cannot create"));
}

TEST(EmbeddedStoreTest, ExpiredKeysAreGoneAfterReopen) {
  TempDir dir;
  HotOptions o;
  o.data_dir = dir.file("hot");
  o.ttl_ms = 200;
  {
    auto s = OpenHotStore(o);
    ASSERT_TRUE(s.has_value());
    HotWriteBatch b;
    for (int i = 0; i < 100; ++i) b.SetAdd("day", "car" + std::to_string(i));
    b.Put("day:car1", "{}");
    ASSERT_TRUE((*s)->Write(b).ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  o.ttl_ms = 60000;
  auto s = OpenHotStore(o);  // Sweeps expired keys.
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ((*s)->Keys("*").value(), std::vector<std::string>{});
  // A fresh set under the same key does not resurrect the expired members.
  ASSERT_TRUE((*s)->SetAdd("day", "new").ok());
  EXPECT_EQ((*s)->Members("day").value(), std::vector<std::string>{"new"});
}

TEST(EmbeddedStoreTest, PutReplacesASet) {
  TempDir dir;
  HotOptions o;
  o.data_dir = dir.file("hot");
  auto s = OpenHotStore(o);
  ASSERT_TRUE(s.has_value());
  ASSERT_TRUE((*s)->SetAdd("k", "a").ok());
  HotWriteBatch b;
  b.Put("k", "v");  // As Redis SET: replaces a value of any type.
  ASSERT_TRUE((*s)->Write(b).ok());
  EXPECT_EQ((*s)->Get("k").value(), std::optional<std::string>("v"));
  ASSERT_TRUE((*s)->Delete("k").ok());
  ASSERT_TRUE((*s)->SetAdd("k", "b").ok());
  EXPECT_EQ((*s)->Members("k").value(), std::vector<std::string>{"b"});
}

}  // namespace
}  // namespace smartcar::hot

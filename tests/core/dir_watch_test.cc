// DirWatch: a change in a watched folder, or Wake(), ends a wait; nothing does not.
#include "core/dir_watch.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "test_util.h"

namespace smartcar {
namespace {

TEST(DirWatchTest, AFileCreatedInAWatchedFolderEndsTheWait) {
  testing::TempDir dir;
  DirWatch w;
  ASSERT_TRUE(w.available());
  ASSERT_TRUE(w.Add(dir.str()));
  EXPECT_FALSE(w.Wait(20));  // Nothing happened.
  std::thread writer([&] { std::ofstream(dir.path() / "a.log") << "line\n"; });
  EXPECT_TRUE(w.Wait(60000));
  writer.join();
}

TEST(DirWatchTest, WritesEndTheWaitOnlyWhenAsked) {
  testing::TempDir dir;
  const auto file = dir.path() / "a.log";
  std::ofstream out(file);
  out << "first\n" << std::flush;
  DirWatch entries;
  DirWatch writes(DirWatch::kEveryWrite);
  ASSERT_TRUE(entries.Add(dir.str()));
  ASSERT_TRUE(writes.Add(dir.str()));
  (void)entries.Wait(0);  // Whatever was pending.
  (void)writes.Wait(0);
  out << "second\n" << std::flush;  // Appended; the file stays open.
  EXPECT_TRUE(writes.Wait(60000));
  EXPECT_FALSE(entries.Wait(20));
  out.close();  // Closed after writing: an entry event.
  EXPECT_TRUE(entries.Wait(60000));
}

TEST(DirWatchTest, WakeEndsAWaitInAnotherThread) {
  DirWatch w;
  std::thread waker([&] { w.Wake(); });
  EXPECT_TRUE(w.Wait(60000));
  waker.join();
  EXPECT_FALSE(w.Wait(0));  // The wake was consumed.
}

TEST(DirWatchTest, AMissingFolderCannotBeWatched) {
  testing::TempDir dir;
  DirWatch w;
  EXPECT_FALSE(w.Add((dir.path() / "not-yet").string()));
  EXPECT_TRUE(w.Add(dir.str()));
}

}  // namespace
}  // namespace smartcar

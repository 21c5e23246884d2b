// Sources on their own: TAILDIR (rotation, truncation, partial lines, restart), spooldir
// (completion marking, delete policy, restart mid-file, changed files), exec.
#include "collect/sources/sources.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "test_util.h"

namespace smartcar::collect {
namespace {

namespace fs = std::filesystem;

ComponentParams Params(std::map<std::string, std::string> kv) {
  std::map<std::string, PropertyValue> m;
  int line = 1;
  for (auto& [k, v] : kv) m[k] = PropertyValue{v, line++};
  return ComponentParams("a.sources.s", std::move(m), 1);
}

void Append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

std::vector<std::string> Bodies(const EventBatch& b) {
  std::vector<std::string> out;
  for (const auto& e : b) out.push_back(e.body);
  return out;
}

// Reads everything available now, committing each batch.
std::vector<std::string> ReadAll(Source* s, size_t batch = 3) {
  std::vector<std::string> out;
  EventBatch b;
  while (true) {
    EXPECT_TRUE(s->Next(batch, &b).ok());
    if (b.empty()) break;
    for (const auto& e : b) out.push_back(e.body);
    EXPECT_TRUE(s->Commit().ok());
  }
  return out;
}

std::unique_ptr<Source> Taildir(const ::smartcar::testing::TempDir& dir,
                                std::map<std::string, std::string> more = {}) {
  more.insert({{"filegroups", "g"},
               {"filegroups.g", dir.file("logs") + "/app\\.log.*"},
               {"positionFile", "pos.json"}});
  auto p = Params(std::move(more));
  SourceEnv env{dir.str(), nullptr};
  auto s = MakeTaildirSource(&p, env);
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return std::move(*s);
}

TEST(TaildirSourceTest, PartialLinesWaitForTheirNewline) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("logs"));
  const std::string log = dir.file("logs/app.log");
  Append(log, "one\ntw");
  auto s = Taildir(dir);
  EXPECT_EQ(ReadAll(s.get()), (std::vector<std::string>{"one"}));
  Append(log, "o\nthree\r\n");
  EXPECT_EQ(ReadAll(s.get()), (std::vector<std::string>{"two", "three"}));
  EXPECT_TRUE(s->Idle());
}

TEST(TaildirSourceTest, RestartResumesAfterTheLastCommittedBatch) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("logs"));
  const std::string log = dir.file("logs/app.log");
  Append(log, "1\n2\n3\n4\n5\n");
  {
    auto s = Taildir(dir);
    EventBatch b;
    ASSERT_TRUE(s->Next(2, &b).ok());
    ASSERT_TRUE(s->Commit().ok());  // 1, 2 committed.
    ASSERT_TRUE(s->Next(2, &b).ok());
    EXPECT_EQ(Bodies(b), (std::vector<std::string>{"3", "4"}));
    // Not committed: a crash here re-delivers 3 and 4.
  }
  auto s = Taildir(dir);
  EXPECT_EQ(ReadAll(s.get()), (std::vector<std::string>{"3", "4", "5"}));
  EventBatch b;
  ASSERT_TRUE(s->Next(2, &b).ok());
  EXPECT_TRUE(b.empty());
}

// Flume's cachePatternMatching: the folder is listed again only when its modification time
// changed (or was too recent to trust); a file's growth is seen either way.
TEST(TaildirSourceTest, TheFolderIsListedAgainWhenItChanges) {
  ::smartcar::testing::TempDir dir;
  const std::string logs = dir.file("logs");
  fs::create_directories(logs);
  Append(logs + "/app.log", "a\n");
  ASSERT_TRUE(::smartcar::testing::SetFileTime(logs, -60));
  auto cached = Taildir(dir);
  auto uncached = Taildir(dir, {{"cachePatternMatching", "false"}, {"positionFile", "pos2.json"}});
  EXPECT_EQ(ReadAll(cached.get()), (std::vector<std::string>{"a"}));
  EXPECT_EQ(ReadAll(uncached.get()), (std::vector<std::string>{"a"}));
  // A new file whose creation left the folder's time as the listing saw it (as a change within
  // one tick of a coarse clock would): the cached listing does not look, the other does.
  Append(logs + "/app.log.1", "b\n");
  ASSERT_TRUE(::smartcar::testing::SetFileTime(logs, -60));
  Append(logs + "/app.log", "c\n");
  EXPECT_EQ(ReadAll(cached.get()), (std::vector<std::string>{"c"}));
  std::vector<std::string> all = ReadAll(uncached.get());  // In the order of their inodes.
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::string>{"b", "c"}));
  // A change moves the folder's time: the cached listing finds the new files.
  Append(logs + "/app.log.2", "d\n");
  std::vector<std::string> got = ReadAll(cached.get());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"b", "d"}));
  // A listing less than two seconds after the folder's time is not trusted (here the time is
  // in the future: it never will be): the folder is listed again though its time stays.
  ASSERT_TRUE(::smartcar::testing::SetFileTime(logs, 3600));
  EXPECT_TRUE(ReadAll(cached.get()).empty());
  Append(logs + "/app.log.3", "e\n");
  ASSERT_TRUE(::smartcar::testing::SetFileTime(logs, 3600));
  EXPECT_EQ(ReadAll(cached.get()), (std::vector<std::string>{"e"}));
  auto bad = Params(
      {{"filegroups", "g"}, {"filegroups.g", logs + "/x"}, {"cachePatternMatching", "maybe"}});
  EXPECT_FALSE(MakeTaildirSource(&bad, SourceEnv{dir.str(), nullptr}).has_value());
}

// Flume's writePosInterval: a commit rewrites the position file only when the interval has
// passed since its last write; going idle and closing write what was committed since.
TEST(TaildirSourceTest, ThePositionFileIsWrittenPerIntervalAndAtClose) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("logs"));
  Append(dir.file("logs/app.log"), "1\n2\n3\n4\n5\n6\n");
  const std::string pos = dir.file("pos.json");
  auto position = [&] { return ::smartcar::testing::ReadFile(pos); };
  EventBatch b;
  {
    auto s = Taildir(dir, {{"writePosInterval", "3600000"}});
    ASSERT_TRUE(s->Next(2, &b).ok());
    ASSERT_TRUE(s->Commit().ok());  // The first commit writes: 1, 2.
    const std::string after_first = position();
    EXPECT_NE(after_first.find("\"pos\":4"), std::string::npos) << after_first;
    ASSERT_TRUE(s->Next(2, &b).ok());
    ASSERT_TRUE(s->Commit().ok());  // Within the hour: the file stays.
    EXPECT_EQ(position(), after_first);
    s->WaitForInput(1);  // Idle within the hour: the file stays too.
    EXPECT_EQ(position(), after_first);
  }  // Closing writes 3, 4.
  EXPECT_NE(position().find("\"pos\":8"), std::string::npos) << position();
  {
    auto s = Taildir(dir, {{"writePosInterval", "100"}});
    ASSERT_TRUE(s->Next(2, &b).ok());
    ASSERT_TRUE(s->Commit().ok());  // The first commit writes: 5, 6.
    EXPECT_NE(position().find("\"pos\":12"), std::string::npos) << position();
    Append(dir.file("logs/app.log"), "7\n");
    ASSERT_TRUE(s->Next(2, &b).ok());
    ASSERT_TRUE(s->Commit().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    s->WaitForInput(1);  // Idle once the interval has passed: 7 written, the source still open.
    EXPECT_NE(position().find("\"pos\":14"), std::string::npos) << position();
  }
  auto s = Taildir(dir, {{"writePosInterval", "0"}});
  Append(dir.file("logs/app.log"), "8\n");
  ASSERT_TRUE(s->Next(2, &b).ok());
  ASSERT_TRUE(s->Commit().ok());  // Interval 0: every commit writes.
  EXPECT_NE(position().find("\"pos\":16"), std::string::npos) << position();
  auto p =
      Params({{"filegroups", "g"}, {"filegroups.g", dir.str() + "/x"}, {"writePosInterval", "-5"}});
  auto bad = MakeTaildirSource(&p, SourceEnv{dir.str(), nullptr});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("writePosInterval"), std::string::npos)
      << bad.error().ToString();
}

TEST(TaildirSourceTest, RollbackRedeliversTheSameLines) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("logs"));
  Append(dir.file("logs/app.log"), "a\nb\nc\n");
  auto s = Taildir(dir);
  EventBatch b;
  ASSERT_TRUE(s->Next(2, &b).ok());
  ASSERT_TRUE(s->Rollback().ok());
  ASSERT_TRUE(s->Next(2, &b).ok());
  EXPECT_EQ(Bodies(b), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(b[1].line, 2u);
}

TEST(TaildirSourceTest, FollowsRotationWithoutLoss) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("logs"));
  const std::string log = dir.file("logs/app.log");
  Append(log, "a1\na2\n");
  auto s = Taildir(dir);
  EXPECT_EQ(ReadAll(s.get()), (std::vector<std::string>{"a1", "a2"}));
  // The writer adds a line, the file is rotated (renamed), a new file starts.
  Append(log, "a3\n");
  fs::rename(log, dir.file("logs/app.log.1"));
  Append(log, "b1\n");
  auto got = ReadAll(s.get());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"a3", "b1"}));
  // Rotated out of the pattern entirely (e.g. moved to an archive folder): still drained.
  Append(log, "b2\n");
  fs::rename(log, dir.file("archived.log"));
  Append(log, "c1\n");
  got = ReadAll(s.get());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"b2", "c1"}));
}

TEST(TaildirSourceTest, TruncationStartsOver) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("logs"));
  const std::string log = dir.file("logs/app.log");
  Append(log, "old line one\nold line two\n");
  auto s = Taildir(dir);
  EXPECT_EQ(ReadAll(s.get()).size(), 2u);
  fs::resize_file(log, 0);
  Append(log, "new\n");
  EXPECT_EQ(ReadAll(s.get()), (std::vector<std::string>{"new"}));
}

TEST(TaildirSourceTest, CorruptPositionFileIsReported) {
  ::smartcar::testing::TempDir dir;
  ::smartcar::testing::WriteFile(dir.file("pos.json"), "[{\"inode\": ");
  auto p = Params(
      {{"filegroups", "g"}, {"filegroups.g", dir.str() + "/x"}, {"positionFile", "pos.json"}});
  SourceEnv env{dir.str(), nullptr};
  auto s = MakeTaildirSource(&p, env);
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message().find("position file '" + dir.file("pos.json") + "' is not valid"),
            std::string::npos);
}

std::unique_ptr<Source> Spool(const ::smartcar::testing::TempDir& dir,
                              const std::string& policy = "never") {
  auto p = Params({{"spoolDir", dir.file("spool")}, {"deletePolicy", policy}});
  SourceEnv env{dir.str(), nullptr};
  auto s = MakeSpoolDirSource(&p, env);
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return std::move(*s);
}

TEST(SpoolDirSourceTest, MarksCompletedOnlyAfterTheLastCommit) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("spool"));
  ::smartcar::testing::WriteFile(dir.file("spool/day1.txt"), "1\n2\n3\n4");  // No final newline.
  auto s = Spool(dir);
  EventBatch b;
  ASSERT_TRUE(s->Next(3, &b).ok());
  ASSERT_TRUE(s->Commit().ok());
  ASSERT_TRUE(s->Next(3, &b).ok());
  EXPECT_EQ(Bodies(b), (std::vector<std::string>{"4"}));
  EXPECT_TRUE(fs::exists(dir.file("spool/day1.txt")));  // Not committed yet.
  ASSERT_TRUE(s->Commit().ok());
  EXPECT_FALSE(fs::exists(dir.file("spool/day1.txt")));
  EXPECT_TRUE(fs::exists(dir.file("spool/day1.txt.COMPLETED")));
  EXPECT_TRUE(s->Idle());
}

TEST(SpoolDirSourceTest, DeletePolicyImmediateAndOldestFirst) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("spool"));
  ::smartcar::testing::WriteFile(dir.file("spool/b.txt"), "b\n");
  ::smartcar::testing::WriteFile(dir.file("spool/a.txt"), "a\n");
  fs::last_write_time(dir.file("spool/a.txt"),
                      fs::last_write_time(dir.file("spool/b.txt")) + std::chrono::seconds(5));
  auto s = Spool(dir, "immediate");
  EXPECT_EQ(ReadAll(s.get()), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(
      fs::is_empty(dir.file("spool")) ||
      (std::distance(fs::directory_iterator(dir.file("spool")), fs::directory_iterator()) == 1));
  EXPECT_FALSE(fs::exists(dir.file("spool/a.txt")));
  EXPECT_FALSE(fs::exists(dir.file("spool/a.txt.COMPLETED")));
}

TEST(SpoolDirSourceTest, RestartResumesMidFile) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("spool"));
  ::smartcar::testing::WriteFile(dir.file("spool/day.txt"), "1\n2\n3\n4\n5\n");
  {
    auto s = Spool(dir);
    EventBatch b;
    ASSERT_TRUE(s->Next(2, &b).ok());
    ASSERT_TRUE(s->Commit().ok());
    ASSERT_TRUE(s->Next(2, &b).ok());  // Uncommitted.
  }
  auto s = Spool(dir);
  EXPECT_EQ(ReadAll(s.get(), 10), (std::vector<std::string>{"3", "4", "5"}));
  EXPECT_TRUE(fs::exists(dir.file("spool/day.txt.COMPLETED")));
}

TEST(SpoolDirSourceTest, AFileChangedWhileReadIsAnErrorNamingIt) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("spool"));
  ::smartcar::testing::WriteFile(dir.file("spool/day.txt"), "1\n2\n3\n");
  auto s = Spool(dir);
  EventBatch b;
  ASSERT_TRUE(s->Next(1, &b).ok());
  ASSERT_TRUE(s->Commit().ok());
  Append(dir.file("spool/day.txt"), "late\n");
  Status st = s->Next(1, &b);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("'" + dir.file("spool/day.txt") + "' changed while being read"),
            std::string::npos)
      << st.message();
  EXPECT_FALSE(fs::exists(dir.file("spool/day.txt.COMPLETED")));
}

TEST(SpoolDirSourceTest, MissingFolderIsAConfigError) {
  ::smartcar::testing::TempDir dir;
  auto p = Params({{"spoolDir", dir.file("nope")}});
  SourceEnv env{dir.str(), nullptr};
  auto s = MakeSpoolDirSource(&p, env);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message(),
            "line 1: a.sources.s.spoolDir: '" + dir.file("nope") + "' is not a folder");
}

TEST(ExecSourceTest, ReadsACommandAndWarnsAboutTailF) {
  ::smartcar::testing::TempDir dir;
  std::vector<std::string> warnings;
  auto p = Params({{"command", "printf 'x\\ny\\nz'"}});
  SourceEnv env{dir.str(), &warnings};
  auto s = MakeExecSource(&p, env);
  ASSERT_TRUE(s.has_value());
  std::vector<std::string> got;
  EventBatch b;
  for (int i = 0; i < 2000 && !(*s)->Idle(); ++i) {
    ASSERT_TRUE((*s)->Next(10, &b).ok());
    for (const auto& e : b) got.push_back(e.body);
    ASSERT_TRUE((*s)->Commit().ok());
    if (b.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"x", "y", "z"}));
  ASSERT_EQ(warnings.size(), 1u);
  auto p2 = Params({{"command", "tail -F /var/log/x.log"}});
  ASSERT_TRUE(MakeExecSource(&p2, env).has_value());
  EXPECT_NE(warnings.back().find("use type = TAILDIR"), std::string::npos);
}

}  // namespace
}  // namespace smartcar::collect

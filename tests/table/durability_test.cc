// Durability: a writer process is killed with SIGKILL mid-stream; after reopening, every batch
// it acknowledged (printed after ApplyBatch returned OK, WAL on, no fsync) is complete.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "table/table.h"
#include "test_util.h"

extern char** environ;

namespace smartcar::table {
namespace {

TEST(DurabilityTest, KillNineLosesNoAcknowledgedBatch) {
  smartcar::testing::TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const std::string data = dir.str();
  char* argv[] = {const_cast<char*>(SMARTCAR_DURABILITY_WRITER), const_cast<char*>(data.c_str()),
                  nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, SMARTCAR_DURABILITY_WRITER, &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);

  FILE* in = fdopen(fds[0], "r");
  ASSERT_NE(in, nullptr);
  int last_acked = -1, n = 0;
  // Let it write a while, then kill it in the middle of the stream.
  while (last_acked < 150 && std::fscanf(in, "%d", &n) == 1) last_acked = n;
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  while (std::fscanf(in, "%d", &n) == 1) last_acked = n;  // Acks already in the pipe count too.
  std::fclose(in);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  ASSERT_GE(last_acked, 150);

  auto store = TableStore::Open({.data_dir = data});
  ASSERT_TRUE(store.has_value());
  auto table = (*store)->OpenTable("dur");
  ASSERT_TRUE(table.has_value()) << table.error().ToString();
  auto total = (*table)->Count({});
  ASSERT_TRUE(total.has_value());
  // Every acknowledged batch is complete; an unacknowledged one is all or nothing.
  EXPECT_GE(*total, static_cast<uint64_t>(last_acked + 1) * 100);
  EXPECT_EQ(*total % 100, 0u);
  for (int b = 0; b <= last_acked; ++b) {
    char start[16], stop[16];
    std::snprintf(start, sizeof start, "b%06d-", b);
    std::snprintf(stop, sizeof stop, "b%06d.", b);
    ScanSpec s;
    s.start_row = start;
    s.stop_row = stop;
    ASSERT_EQ(*(*table)->Count(s), 100u) << "batch " << b;
  }
  auto row = (*table)->Get({.row = "b000150-r099"});
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(row->cells.size(), 8u);
  EXPECT_EQ(row->cells[0].value, "150099");
}

}  // namespace
}  // namespace smartcar::table

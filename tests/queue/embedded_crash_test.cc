// A producer process killed with SIGKILL mid-stream: after reopening, every record whose Append
// returned success is readable, and no record is torn.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "queue_test_util.h"

namespace smartcar::queue {
namespace {

TEST(EmbeddedCrashTest, AcknowledgedRecordsSurviveSigkill) {
  smartcar::testing::TempDir dir;
  const std::string data = dir.file("log");
  {
    QueueOptions o;
    o.data_dir = data;
    o.retention_check_interval_ms = 0;
    auto log = OpenLog(o);
    ASSERT_TRUE(log.has_value());
    TopicConfig c;
    c.partitions = 4;
    ASSERT_TRUE((*log)->CreateTopic({"crash", c}).ok());
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(QUEUE_CRASH_CHILD, QUEUE_CRASH_CHILD, data.c_str(), "crash", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  FILE* in = fdopen(fds[0], "r");
  ASSERT_NE(in, nullptr);
  long acked = 0;  // Records [0, acked) were acknowledged.
  char line[128];
  int acks = 0;
  while (acks < 40 && std::fgets(line, sizeof line, in) != nullptr) {
    long first = 0;
    size_t count = 0;
    if (std::sscanf(line, "ACK %ld %zu", &first, &count) == 2) {
      acked = first + static_cast<long>(count);
      ++acks;
    }
  }
  kill(pid, SIGKILL);  // Mid-stream: the child is inside its next Append.
  int status = 0;
  waitpid(pid, &status, 0);
  std::fclose(in);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early, status " << status;
  ASSERT_EQ(acks, 40);

  QueueOptions o;
  o.data_dir = data;
  o.retention_check_interval_ms = 0;
  auto log = OpenLog(o);
  ASSERT_TRUE(log.has_value()) << log.error().ToString();
  auto d = (*log)->DescribeTopic("crash");
  ASSERT_TRUE(d.has_value());
  int64_t total = 0;
  for (const auto& p : d->partitions) total += p.latest.value;
  ASSERT_GE(total, acked);
  ConsumerOptions co;
  co.reset = OffsetReset::kEarliest;
  auto c = (*log)->NewConsumer(co);
  ASSERT_TRUE(c.has_value());
  AssignOptions all;
  for (int p = 0; p < 4; ++p) all.partitions.push_back({"crash", PartitionId(p)});
  ASSERT_TRUE((*c)->Assign(all).ok());
  std::set<long> seen;
  const std::string padding(80, 'x');
  while (static_cast<int64_t>(seen.size()) < total) {
    auto r = (*c)->Poll({10000, 1000});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();  // A torn batch fails its CRC here.
    ASSERT_FALSE(r->empty());
    for (const ConsumedRecord& rec : *r) {
      long seq = -1;
      char pad[100] = {};
      ASSERT_EQ(std::sscanf(rec.value.c_str(), "seq:%ld:%99s", &seq, pad), 2) << rec.value;
      ASSERT_EQ(std::string(pad), padding) << "torn record " << rec.value;
      ASSERT_EQ(rec.key, "car-" + std::to_string(seq % 100));
      EXPECT_TRUE(seen.insert(seq).second) << "duplicate " << seq;
    }
  }
  for (long s = 0; s < acked; ++s) {
    ASSERT_TRUE(seen.count(s) != 0) << "acknowledged record " << s << " is missing";
  }
}

}  // namespace
}  // namespace smartcar::queue

// The collector killed with SIGKILL at random moments while the generator writes, restarted each
// time, then drained: every generated line is in the durable log at least once, and duplicates
// stay within one batch per crash.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "core/event_time.h"
#include "gen/driver_simulator.h"
#include "queue/log.h"
#include "test_util.h"

namespace smartcar::collect {
namespace {

constexpr int kBatch = 100;
constexpr int kCrashes = 20;

pid_t StartCollector(const std::string& conf, const std::string& data) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    dup2(devnull, STDOUT_FILENO);
    execl(SMARTCAR_BINARY, SMARTCAR_BINARY, "collect", "--conf", conf.c_str(), "--name", "a",
          "--data", data.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Every record value of SmartCar-Topic in DATA/queue, with its count; *total = all records.
std::map<std::string, int> LogContents(const std::string& data, uint64_t* total) {
  std::map<std::string, int> got;
  *total = 0;
  queue::QueueOptions qo;
  qo.data_dir = data + "/queue";
  auto log = queue::OpenLog(qo);
  EXPECT_TRUE(log.has_value()) << log.error().ToString();
  if (!log) return got;
  auto desc = (*log)->DescribeTopic("SmartCar-Topic");
  EXPECT_TRUE(desc.has_value());
  if (!desc) return got;
  auto consumer = (*log)->NewConsumer({});
  EXPECT_TRUE(consumer.has_value());
  queue::AssignOptions assign;
  for (const auto& p : desc->partitions)
    assign.partitions.push_back({"SmartCar-Topic", p.partition});
  EXPECT_TRUE((*consumer)->Assign(assign).ok());
  for (const auto& p : desc->partitions) {
    EXPECT_TRUE(
        (*consumer)->Seek({{"SmartCar-Topic", p.partition}, queue::SeekTarget::kEarliest}).ok());
  }
  while (true) {
    queue::PollOptions po;
    po.timeout_ms = 100;
    po.max_records = 5000;
    auto recs = (*consumer)->Poll(po);
    EXPECT_TRUE(recs.has_value());
    if (!recs || recs->empty()) break;
    for (const auto& r : *recs) {
      got[r.value]++;
      ++*total;
    }
  }
  return got;
}

std::string AgentProperties(const std::string& logs) {
  return "a.sources = s\na.channels = c\na.sinks = k\n"
         "a.sources.s.type = TAILDIR\n"
         "a.sources.s.filegroups = g\n"
         "a.sources.s.filegroups.g = " +
         logs +
         "/SmartCarDriverInfo\\\\.log\n"
         "a.sources.s.batchSize = " +
         std::to_string(kBatch) +
         "\n"
         "a.sources.s.channels = c\n"
         "a.channels.c.type = memory\n"
         "a.sinks.k.type = org.apache.flume.sink.kafka.KafkaSink\n"
         "a.sinks.k.topic = SmartCar-Topic\n"
         "a.sinks.k.keyField = 2\n"
         "a.sinks.k.channel = c\n";
}

TEST(CollectCrashTest, KilledTwentyTimesLosesNothing) {
  ::smartcar::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("logs"));
  const std::string log_path = dir.file("logs/SmartCarDriverInfo.log");
  ::smartcar::testing::WriteFile(dir.file("agent.properties"), AgentProperties(dir.file("logs")));
  // The generator: 20 cars, a tick every 2 ms, appended in whole-tick writes (sometimes split
  // mid-line, as a real writer may be seen).
  std::atomic<bool> done{false};
  std::thread writer([&] {
    gen::DriverSimOptions o;
    o.start_day = *ParseDate8("20220426");
    o.cars = 20;
    gen::DriverSimulator sim(o);
    std::ofstream out(log_path, std::ios::app | std::ios::binary);
    for (int t = 0; t < 1500; ++t) {
      std::string tick;
      sim.NextTick(&tick);
      const size_t cut = tick.size() / 3;
      out.write(tick.data(), static_cast<std::streamsize>(cut));
      out.flush();
      out.write(tick.data() + cut, static_cast<std::streamsize>(tick.size() - cut));
      out.flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    done = true;
  });
  std::mt19937 rng(7);
  for (int i = 0; i < kCrashes; ++i) {
    const pid_t pid = StartCollector(dir.file("agent.properties"), dir.file("data"));
    std::this_thread::sleep_for(std::chrono::milliseconds(40 + rng() % 160));
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
  }
  writer.join();
  auto drained = ::smartcar::testing::RunSmartcar("collect --conf " + dir.file("agent.properties") +
                                                  " --name a --drain --data " + dir.file("data"));
  ASSERT_EQ(drained.exit_code, 0) << drained.out;

  // What the file holds vs what the log holds.
  std::map<std::string, int> expected;
  {
    std::ifstream in(log_path);
    std::string line;
    while (std::getline(in, line)) expected[line]++;
  }
  ASSERT_EQ(expected.size(), 1500u * 20);
  uint64_t total = 0;
  std::map<std::string, int> got = LogContents(dir.file("data"), &total);
  for (const auto& [line, n] : expected) ASSERT_GE(got[line], 1) << "lost: " << line;
  EXPECT_EQ(got.size(), expected.size()) << "the log holds lines the file does not";
  const uint64_t duplicates = total - expected.size();
  std::printf("collector killed %d times: %llu lines, %llu duplicates\n", kCrashes,
              static_cast<unsigned long long>(expected.size()),
              static_cast<unsigned long long>(duplicates));
  RecordProperty("duplicates", static_cast<int>(duplicates));
  // Exactly once: the embedded log stores the TAILDIR position in the same write as each batch.
  EXPECT_EQ(duplicates, 0u);
}

// A crash after a batch reached the log but before the position file was written, made
// deterministic: the position file is put back to an older copy. The collector takes the
// position stored with the batch in the log and appends nothing twice.
TEST(CollectCrashTest, APositionFileBehindTheLogAppendsNothingTwice) {
  ::smartcar::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("logs"));
  const std::string log_path = dir.file("logs/SmartCarDriverInfo.log");
  ::smartcar::testing::WriteFile(dir.file("agent.properties"), AgentProperties(dir.file("logs")));
  gen::DriverSimOptions o;
  o.start_day = *ParseDate8("20220426");
  o.cars = 20;
  gen::DriverSimulator sim(o);
  auto write_ticks = [&](int ticks) {
    std::ofstream out(log_path, std::ios::app | std::ios::binary);
    std::string tick;
    for (int t = 0; t < ticks; ++t) {
      tick.clear();
      sim.NextTick(&tick);
      out << tick;
    }
  };
  const std::string drain = "collect --conf " + dir.file("agent.properties") +
                            " --name a --drain --data " + dir.file("data");
  write_ticks(50);
  ASSERT_EQ(::smartcar::testing::RunSmartcar(drain).exit_code, 0);
  const std::string positions = dir.file("data/taildir_position.json");
  ASSERT_TRUE(std::filesystem::exists(positions));
  std::filesystem::copy_file(positions, dir.file("old_position.json"));
  write_ticks(50);
  ASSERT_EQ(::smartcar::testing::RunSmartcar(drain).exit_code, 0);
  // "Crash": the position file never saw the second run's commits.
  std::filesystem::copy_file(dir.file("old_position.json"), positions,
                             std::filesystem::copy_options::overwrite_existing);
  write_ticks(10);
  auto r = ::smartcar::testing::RunSmartcar(drain);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  uint64_t total = 0;
  const auto got = LogContents(dir.file("data"), &total);
  EXPECT_EQ(got.size(), 110u * 20);
  EXPECT_EQ(total, 110u * 20) << "lines appended twice: " << total - got.size();
}

}  // namespace
}  // namespace smartcar::collect

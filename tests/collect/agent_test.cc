// The agent as configured from Flume properties: wiring, errors and warnings, interceptors,
// failover, and the pilot's own agent delivering the pilot's sample files.
#include "collect/agent.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "collect/interceptor.h"
#include "collect/sinks/sinks.h"
#include "collect/sources/sources.h"
#include "collect_test_util.h"
#include "core/line_reader.h"
#include "test_util.h"

namespace smartcar::collect {
namespace {

namespace fs = std::filesystem;
using testing::MemorySinkState;

std::map<std::string, std::shared_ptr<MemorySinkState>> g_unused;

Result<std::unique_ptr<Agent>> Build(
    const std::string& text, const std::string& data_dir,
    std::map<std::string, std::shared_ptr<MemorySinkState>>* sinks) {
  auto props = ParseProperties(text);
  if (!props) return Err(props.error());
  return Agent::Create(*props, "a", testing::MemoryLogOptions(data_dir, sinks));
}

Status Drain(Agent* agent) {
  std::atomic<bool> stop{false};
  return agent->Run(stop, true);
}

std::string TailConfig(const std::string& dir, const std::string& extra = "") {
  return "a.sources = s\n"
         "a.channels = c\n"
         "a.sinks = k\n"
         "a.sources.s.type = TAILDIR\n"
         "a.sources.s.filegroups = g\n"
         "a.sources.s.filegroups.g = " +
         dir +
         "/.*\\\\.log\n"
         "a.sources.s.positionFile = pos.json\n"
         "a.sources.s.batchSize = 7\n"
         "a.sources.s.channels = c\n"
         "a.channels.c.type = memory\n"
         "a.sinks.k.type = log\n"
         "a.sinks.k.channel = c\n" +
         extra;
}

TEST(AgentConfigTest, UnknownKeysAreWarningsWithLines) {
  ::smartcar::testing::TempDir dir;
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  auto agent = Build(TailConfig(dir.str(), "a.sources.s.batchSzie = 10\na.sinks.k.colour = red\n"),
                     dir.str(), &sinks);
  ASSERT_TRUE(agent.has_value()) << agent.error().ToString();
  const auto& w = (*agent)->warnings();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], "line 13: unknown key 'a.sources.s.batchSzie' ignored");
  EXPECT_EQ(w[1], "line 14: unknown key 'a.sinks.k.colour' ignored");
}

TEST(AgentConfigTest, WrongValuesAreErrorsNamingKeyAndLine) {
  ::smartcar::testing::TempDir dir;
  struct Case {
    std::string extra;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"a.channels.c.transactionCapacity = lots\n",
       "line 13: a.channels.c.transactionCapacity: 'lots' is not an integer"},
      {"a.channels.c.transactionCapacity = 5\n",
       "line 8: a.sources.s.batchSize: 7 is larger than channel 'c' transactionCapacity (5)"},
      {"a.sources.s.interceptors = i\na.sources.s.interceptors.i.type = "
       "com.example.MyInterceptor$Builder\n",
       "line 14: a.sources.s.interceptors.i.type: unknown interceptor type "
       "'com.example.MyInterceptor$Builder' "
       "(built in: timestamp, host, static, regex_filter, collect_day, parse)"},
      {"a.sources.s.interceptors = i\na.sources.s.interceptors.i.type = regex_filter\n"
       "a.sources.s.interceptors.i.regex = ^(\\\\d\n",
       "line 15: a.sources.s.interceptors.i.regex: '^(\\d' is not a valid regular expression: "
       "missing ): ^(\\d"},
      {"a.sources.s.interceptors = i\na.sources.s.interceptors.i.type = regex_filter\n"
       "a.sources.s.interceptors.i.excludeEvents = maybe\n",
       "line 15: a.sources.s.interceptors.i.excludeEvents: 'maybe' is not true or false"},
  };
  for (const auto& c : cases) {
    std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
    auto agent = Build(TailConfig(dir.str(), c.extra), dir.str(), &sinks);
    ASSERT_FALSE(agent.has_value()) << c.extra;
    EXPECT_EQ(agent.error().message(), c.message);
  }
}

TEST(AgentConfigTest, BrokenWiringIsAnError) {
  ::smartcar::testing::TempDir dir;
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  auto bad_channel = Build(TailConfig(dir.str(), "a.sinks.k.channel = nope\n"), dir.str(), &sinks);
  ASSERT_FALSE(bad_channel.has_value());
  EXPECT_EQ(bad_channel.error().message(),
            "line 13: a.sinks.k.channel: 'nope' is not in a.channels");
  auto bad_type = Build(TailConfig(dir.str(), "a.sinks.k.type = hbase\n"), dir.str(), &sinks);
  ASSERT_FALSE(bad_type.has_value());
  EXPECT_NE(bad_type.error().message().find("line 13: a.sinks.k.type: unknown sink type 'hbase'"),
            std::string::npos)
      << bad_type.error().message();
  auto no_agent = Build(TailConfig(dir.str()), dir.str(), &sinks);
  ASSERT_TRUE(no_agent.has_value());
  auto props = ParseProperties(TailConfig(dir.str()));
  auto other =
      Agent::Create(*props, "SmartCar_Agent", testing::MemoryLogOptions(dir.str(), &sinks));
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().message(),
            "no configuration for agent 'SmartCar_Agent' (agents in the file: a)");
}

TEST(AgentTest, InterceptorsFilterTagAndDeadLetter) {
  ::smartcar::testing::TempDir dir;
  ::smartcar::testing::WriteFile(
      dir.file("in.log"),
      "Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum\n"
      "20220426000000,O0001,0,0,F,N,0,F03\n"
      "20220426000000,O0002,0,0,F,N,999,F03\n"
      "20220426000001,O0001,1,0,F,N,5,F03\n");
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  auto agent = Build(TailConfig(dir.str(),
                                "a.sources.s.interceptors = f t st p\n"
                                "a.sources.s.interceptors.f.type = regex_filter\n"
                                "a.sources.s.interceptors.f.regex = ^\\\\d{14}\n"
                                "a.sources.s.interceptors.t.type = timestamp\n"
                                "a.sources.s.interceptors.st.type = static\n"
                                "a.sources.s.interceptors.st.key = logType\n"
                                "a.sources.s.interceptors.st.value = driver\n"
                                "a.sources.s.interceptors.p.type = parse\n"
                                "a.sources.s.interceptors.p.format = driver\n"),
                     dir.str(), &sinks);
  ASSERT_TRUE(agent.has_value()) << agent.error().ToString();
  ASSERT_TRUE(Drain(agent->get()).ok());
  auto bodies = sinks["k"]->Bodies();
  EXPECT_EQ(bodies, (std::vector<std::string>{"20220426000000,O0001,0,0,F,N,0,F03",
                                              "20220426000001,O0001,1,0,F,N,5,F03"}));
  const auto& h = sinks["k"]->headers[0];
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].first, "timestamp");
  EXPECT_EQ(h[1], (std::pair<std::string, std::string>{"logType", "driver"}));
  const std::string dead = ::smartcar::testing::ReadFile(dir.file("dead-letter/driver.log"));
  EXPECT_EQ(dead, dir.file("in.log") +
                      ":3\tfield 7 (speed): '999' is out of range (expected 0-400 km/h)\t"
                      "20220426000000,O0002,0,0,F,N,999,F03\n");
  // Metrics: 4 read, 2 accepted, 2 dropped (one header filtered, one dead letter).
  const auto& m = (*agent)->metrics();
  const auto src = std::find_if(m.begin(), m.end(), [](const auto& c) { return c->name == "s"; });
  ASSERT_NE(src, m.end());
  EXPECT_EQ((*src)->received.load(), 4u);
  EXPECT_EQ((*src)->accepted.load(), 2u);
  EXPECT_EQ((*src)->rejected.load(), 2u);
  // The source's channels, and its committed position (the whole file) as TAILDIR keeps it.
  EXPECT_EQ((*src)->targets, std::vector<std::string>{"c"});
  const auto position = nlohmann::json::parse((*src)->position());
  ASSERT_EQ(position.size(), 1u) << (*src)->position();
  EXPECT_EQ(position[0]["file"], dir.file("in.log"));
  EXPECT_EQ(position[0]["pos"], std::filesystem::file_size(dir.file("in.log")));
  EXPECT_NE((*agent)->MetricsText().find(
                "smartcar_collect_events_received_total{kind=\"source\",component=\"s\"} 4"),
            std::string::npos);
}

TEST(AgentTest, ExcludeEventsAndCollectDay) {
  ::smartcar::testing::TempDir dir;
  ::smartcar::testing::WriteFile(dir.file("in.log"), "keep 1\nDROP 2\nkeep 3\n");
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  auto agent =
      Build(TailConfig(dir.str(),
                       "a.sources.s.interceptors = f t d\n"
                       "a.sources.s.interceptors.f.type = regex_filter\n"
                       "a.sources.s.interceptors.f.regex = DROP\n"
                       "a.sources.s.interceptors.f.excludeEvents = true\n"
                       "a.sources.s.interceptors.t.type = static\n"
                       "a.sources.s.interceptors.t.key = timestamp\n"
                       "a.sources.s.interceptors.t.value = 1650931200000\n"
                       "a.sources.s.interceptors.d.type = "
                       "com.wikibook.bigdata.smartcar.flume.CollectDayInterceptor$Builder\n"),
            dir.str(), &sinks);
  ASSERT_TRUE(agent.has_value()) << agent.error().ToString();
  ASSERT_TRUE(Drain(agent->get()).ok());
  EXPECT_EQ(sinks["k"]->Bodies(), (std::vector<std::string>{"keep 1,20220426", "keep 3,20220426"}));
}

TEST(AgentTest, FailsOverToTheSecondSinkAndRetriesWithoutLoss) {
  ::smartcar::testing::TempDir dir;
  std::string lines;
  for (int i = 0; i < 100; ++i) lines += "line " + std::to_string(i) + "\n";
  ::smartcar::testing::WriteFile(dir.file("in.log"), lines);
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  sinks["k"] = std::make_shared<MemorySinkState>();
  sinks["k2"] = std::make_shared<MemorySinkState>();
  sinks["k"]->fail_always = true;
  auto agent = Build(TailConfig(dir.str(),
                                "a.sinks = k k2\n"
                                "a.sinks.k2.type = log\n"
                                "a.sinks.k2.channel = c\n"
                                "a.sinkgroups = g\n"
                                "a.sinkgroups.g.sinks = k k2\n"
                                "a.sinkgroups.g.processor.type = failover\n"
                                "a.sinkgroups.g.processor.priority.k = 10\n"
                                "a.sinkgroups.g.processor.priority.k2 = 5\n"),
                     dir.str(), &sinks);
  ASSERT_TRUE(agent.has_value()) << agent.error().ToString();
  ASSERT_TRUE(Drain(agent->get()).ok());
  EXPECT_TRUE(sinks["k"]->Bodies().empty());
  auto got = sinks["k2"]->Bodies();
  ASSERT_EQ(got.size(), 100u);
  EXPECT_EQ(got.front(), "line 0");
  EXPECT_EQ(got.back(), "line 99");
}

TEST(AgentTest, FailingSinkWithoutAlternativeIsRetriedUntilItAccepts) {
  ::smartcar::testing::TempDir dir;
  ::smartcar::testing::WriteFile(dir.file("in.log"), "a\nb\nc\n");
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  sinks["k"] = std::make_shared<MemorySinkState>();
  sinks["k"]->fail_next = 3;
  auto agent = Build(TailConfig(dir.str()), dir.str(), &sinks);
  ASSERT_TRUE(agent.has_value());
  ASSERT_TRUE(Drain(agent->get()).ok());
  EXPECT_EQ(sinks["k"]->Bodies(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(sinks["k"]->deliveries.load(), 4);
}

TEST(AgentTest, LoadBalanceSpreadsBatches) {
  ::smartcar::testing::TempDir dir;
  std::string lines;
  for (int i = 0; i < 70; ++i) lines += std::to_string(i) + "\n";
  ::smartcar::testing::WriteFile(dir.file("in.log"), lines);
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  auto agent = Build(TailConfig(dir.str(),
                                "a.sinks = k k2\n"
                                "a.sinks.k2.type = log\n"
                                "a.sinks.k2.channel = c\n"
                                "a.sinkgroups = g\n"
                                "a.sinkgroups.g.sinks = k k2\n"
                                "a.sinkgroups.g.processor.type = load_balance\n"
                                "a.sinkgroups.g.processor.selector = round_robin\n"),
                     dir.str(), &sinks);
  ASSERT_TRUE(agent.has_value()) << agent.error().ToString();
  ASSERT_TRUE(Drain(agent->get()).ok());
  EXPECT_EQ(sinks["k"]->Bodies().size(), 35u);  // 10 batches of 7, alternating.
  EXPECT_EQ(sinks["k2"]->Bodies().size(), 35u);
}

TEST(AgentTest, HdfsSinkExpandsFlumeEscapes) {
  Event e;
  e.set_header("logType", "car-batch-log");
  // 2022-04-26 06:10:05 civil time.
  const int64_t ms = (19108LL * 86400 + 6 * 3600 + 10 * 60 + 5) * 1000;
  EXPECT_EQ(ExpandFlumeEscapes("/pilot-pjt/collect/%{logType}/wrk_date=%Y%m%d", e, ms),
            "/pilot-pjt/collect/car-batch-log/wrk_date=20220426");
  EXPECT_EQ(ExpandFlumeEscapes("%y-%H:%M:%S %j %s %% %{missing}x", e, ms),
            "22-06:10:05 116 1650953405 % x");
}

// Writes the gzipped pilot status sample unpacked into `path`.
void Gunzip(const std::string& from, const std::string& to) {
  auto reader = LineReader::Open(from);
  ASSERT_TRUE(reader.has_value());
  std::ofstream out(to, std::ios::binary);
  std::string_view line;
  while ((*reader)->Next(&line)) out << line << '\n';
}

uint64_t CountLinesUnder(const fs::path& dir, uint64_t* files) {
  uint64_t lines = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    ++*files;
    std::ifstream in(f.path());
    std::string l;
    while (std::getline(in, l)) {
      // A record (14-digit stamp first) with the collection day appended.
      EXPECT_GT(l.size(), 24u);
      EXPECT_TRUE(std::all_of(l.begin(), l.begin() + 14, ::isdigit)) << l;
      EXPECT_EQ(l[l.size() - 9], ',') << l;
      ++lines;
    }
  }
  return lines;
}

// The pilot's own agent file (conf/smartcar-agent.properties) with only its paths changed
// delivers the pilot's sample files with their header lines filtered out.
// The same collector as TailConfig(dir, regex filter), built in code from typed options (what
// `smartcar run` does): the same lines arrive, and broken wiring is a clear error.
TEST(AgentPlanTest, BuiltInCodeDeliversWhatThePropertiesFileDelivers) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("in"));
  ::smartcar::testing::WriteFile(dir.file("in/a.log"),
                                 "header\n20220426000000,A\nx\n20220426000001,B\n");
  std::map<std::string, std::shared_ptr<MemorySinkState>> from_file;
  auto configured = Build(TailConfig(dir.file("in"),
                                     "a.sources.s.interceptors = f\n"
                                     "a.sources.s.interceptors.f.type = regex_filter\n"
                                     "a.sources.s.interceptors.f.regex = ^\\\\d{14}\n"),
                          dir.file("d1"), &from_file);
  ASSERT_TRUE(configured.has_value()) << configured.error().ToString();
  ASSERT_TRUE(Drain(configured->get()).ok());

  TaildirOptions tail;
  tail.file_patterns = {dir.file("in") + "/.*\\.log"};
  tail.position_file = "pos.json";
  auto source = NewTaildirSource(tail, SourceEnv{dir.file("d2"), nullptr});
  ASSERT_TRUE(source.has_value()) << source.error().ToString();
  auto filter = NewRegexFilter("^\\d{14}", false);
  ASSERT_TRUE(filter.has_value());
  auto state = std::make_shared<MemorySinkState>();
  AgentPlan plan;
  plan.channels.emplace_back();
  plan.channels[0].name = "c";
  plan.channels[0].sinks.push_back(std::make_unique<testing::MemorySink>("k", state));
  plan.sources.emplace_back();
  plan.sources[0].name = "s";
  plan.sources[0].source = std::move(*source);
  plan.sources[0].interceptors.push_back(std::move(*filter));
  plan.sources[0].channels = {"c"};
  plan.sources[0].batch_size = 7;
  std::map<std::string, std::shared_ptr<MemorySinkState>> unused;
  auto built =
      Agent::Create(std::move(plan), "a", testing::MemoryLogOptions(dir.file("d2"), &unused));
  ASSERT_TRUE(built.has_value()) << built.error().ToString();
  ASSERT_TRUE(Drain(built->get()).ok());
  EXPECT_EQ(state->Bodies(), (std::vector<std::string>{"20220426000000,A", "20220426000001,B"}));
  EXPECT_EQ(state->Bodies(), from_file["k"]->Bodies());
  EXPECT_TRUE(fs::exists(dir.file("d2/pos.json")));  // Relative to the agent's folder.

  // Broken plans and options say what is wrong.
  AgentPlan no_sink;
  no_sink.channels.emplace_back();
  no_sink.channels[0].name = "c";
  no_sink.sources.emplace_back();
  auto e1 =
      Agent::Create(std::move(no_sink), "a", testing::MemoryLogOptions(dir.file("d3"), &unused));
  ASSERT_FALSE(e1.has_value());
  EXPECT_NE(e1.error().message().find("channel 'c' has no sink reading it"), std::string::npos)
      << e1.error().message();
  AgentPlan too_big;
  too_big.channels.emplace_back();
  too_big.channels[0].name = "c";
  too_big.channels[0].transaction_capacity = 10;
  too_big.channels[0].sinks.push_back(std::make_unique<testing::MemorySink>("k", state));
  too_big.sources.emplace_back();
  too_big.sources[0].name = "s";
  too_big.sources[0].source =
      std::move(*NewTaildirSource(tail, SourceEnv{dir.file("d4"), nullptr}));
  too_big.sources[0].channels = {"c"};
  too_big.sources[0].batch_size = 11;
  auto e2 =
      Agent::Create(std::move(too_big), "a", testing::MemoryLogOptions(dir.file("d4"), &unused));
  ASSERT_FALSE(e2.has_value());
  EXPECT_NE(e2.error().message().find(
                "batch size 11 is larger than channel 'c' transaction capacity (10)"),
            std::string::npos)
      << e2.error().message();
  auto bad_regex = NewRegexFilter("(", false);
  ASSERT_FALSE(bad_regex.has_value());
  EXPECT_NE(bad_regex.error().message().find("'(' is not a valid regular expression"),
            std::string::npos);
  TaildirOptions bad_tail;
  bad_tail.file_patterns = {dir.file("in") + "/x["};
  auto bad_source = NewTaildirSource(bad_tail, SourceEnv{dir.file("d5"), nullptr});
  ASSERT_FALSE(bad_source.has_value());
  EXPECT_NE(bad_source.error().message().find("file pattern '" + dir.file("in") + "/x['"),
            std::string::npos)
      << bad_source.error().message();
}

TEST(PilotAgentTest, DeliversThePilotSamples) {
  ::smartcar::testing::TempDir dir;
  std::string conf = ::smartcar::testing::ReadFile(std::string(SMARTCAR_SOURCE_DIR) +
                                                   "/conf/smartcar-agent.properties");
  for (size_t at = conf.find("smartcar-data/"); at != std::string::npos;
       at = conf.find("smartcar-data/", at)) {
    conf.replace(at, std::string("smartcar-data/").size(), dir.str() + "/");
  }
  fs::create_directories(dir.file("spool"));
  fs::create_directories(dir.file("logs"));
  fs::copy_file(std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarDriverInfo_20220426_20cars.log",
                dir.file("logs/SmartCarDriverInfo.log"));
  Gunzip(std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarStatusInfo_20220426_10cars.txt.gz",
         dir.file("spool/SmartCarStatusInfo_20220426.txt"));
  auto props = ParseProperties(conf);
  ASSERT_TRUE(props.has_value());
  std::map<std::string, std::shared_ptr<MemorySinkState>> sinks;
  auto agent =
      Agent::Create(*props, "SmartCar_Agent", testing::MemoryLogOptions(dir.file("data"), &sinks));
  ASSERT_TRUE(agent.has_value()) << agent.error().ToString();
  EXPECT_TRUE((*agent)->warnings().empty()) << (*agent)->warnings().front();
  ASSERT_TRUE(Drain(agent->get()).ok());
  // Driving: 4,729 lines of which 20 headers.
  auto driving = sinks["DriverCarInfo_KafkaSink"]->Bodies();
  EXPECT_EQ(driving.size(), 4709u);
  for (const auto& l : driving) ASSERT_TRUE(std::all_of(l.begin(), l.begin() + 14, ::isdigit)) << l;
  // Status: 216,020 lines of which 10 headers, in the hdfs folder of the collection day; the spool
  // file is deleted (deletePolicy = immediate).
  EXPECT_FALSE(fs::exists(dir.file("spool/SmartCarStatusInfo_20220426.txt")));
  uint64_t files = 0;
  EXPECT_EQ(CountLinesUnder(dir.file("data/hdfs/pilot-pjt/collect/car-batch-log"), &files),
            216010u);
  EXPECT_EQ(files, 1u);
  for (const auto& f : fs::recursive_directory_iterator(dir.file("data/hdfs"))) {
    if (f.is_regular_file()) {
      EXPECT_EQ(f.path().extension(), ".log") << f.path();  // Rolled: no in-use .tmp left.
      EXPECT_EQ(f.path().filename().string().rfind("car-batch-log.", 0), 0u) << f.path();
      EXPECT_NE(f.path().string().find("/wrk_date="), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace smartcar::collect

namespace smartcar::collect {
namespace {

TEST(AgentSinksTest, FileRollAndLoggerSinksDeliverEveryLine) {
  ::smartcar::testing::TempDir dir;
  ::smartcar::testing::WriteFile(dir.file("in.log"), "one\ntwo\nthree\n");
  std::FILE* logger_out = std::tmpfile();
  ASSERT_NE(logger_out, nullptr);
  auto props = ParseProperties(
      "a.sources = s\na.channels = c1 c2\na.sinks = roll log\n"
      "a.sources.s.type = TAILDIR\n"
      "a.sources.s.filegroups = g\n"
      "a.sources.s.filegroups.g = " +
      dir.str() +
      "/in\\\\.log\n"
      "a.sources.s.channels = c1 c2\n"
      "a.channels.c1.type = memory\n"
      "a.channels.c2.type = file\n"
      "a.sinks.roll.type = file_roll\n"
      "a.sinks.roll.sink.directory = rolled\n"
      "a.sinks.roll.channel = c1\n"
      "a.sinks.log.type = logger\n"
      "a.sinks.log.channel = c2\n");
  ASSERT_TRUE(props.has_value());
  AgentOptions o;
  o.data_dir = dir.str();
  o.poll_interval_ms = 5;
  o.logger_out = logger_out;
  auto agent = Agent::Create(*props, "a", o);
  ASSERT_TRUE(agent.has_value()) << agent.error().ToString();
  std::atomic<bool> stop{false};
  ASSERT_TRUE((*agent)->Run(stop, true).ok());
  // file_roll: every line, in order, in the rolled folder (replicated to both channels).
  std::string rolled;
  for (const auto& f : fs::directory_iterator(dir.file("rolled")))
    rolled += ::smartcar::testing::ReadFile(f.path());
  EXPECT_EQ(rolled, "one\ntwo\nthree\n");
  // logger: Flume's event format.
  std::rewind(logger_out);
  char buf[512] = {};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, logger_out);
  std::fclose(logger_out);
  const std::string logged(buf, n);
  EXPECT_NE(logged.find("Event: { headers:{} body: one }"), std::string::npos) << logged;
  EXPECT_NE(logged.find("body: three }"), std::string::npos) << logged;
}

}  // namespace
}  // namespace smartcar::collect

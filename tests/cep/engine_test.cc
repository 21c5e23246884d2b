#include "cep/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>

#include "cep/cep_test_util.h"
#include "cep/rule_runner.h"
#include "cep/value.h"
#include "core/line_codec.h"

namespace smartcar::cep {
namespace {

DriverEvent Event(const std::string& line) {
  DriverEvent e;
  Result<LineKind> k = ParseDriverLine(line, &e);
  EXPECT_TRUE(k.has_value()) << line;
  return e;
}

// Collects "stmt: json" lines from an engine.
struct Sink {
  std::vector<std::string> lines;
  Listener listener() {
    return [this](const OutputEvent& ev) { lines.push_back(FormatOutputJson(ev)); };
  }
};

CompiledRule MustCompile(const std::string& epl) {
  Result<CompiledRule> r = Compile(epl);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r ? *r : CompiledRule();
}

TEST(EngineTest, HotReloadKeepsUnchangedStatementsAndRestartsReplacedOnes) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('keep') select count(*) as n from DriverCarInfo;"
                                           "@Name('change') select count(*) as n from "
                                           "DriverCarInfo;"
                                           "@Name('drop') select count(*) as n from DriverCarInfo"))
                  .ok());
  for (int i = 0; i < 3; ++i) engine.Send(Event("20220426000002,W0003,3,0,L1,N,25,B09"));
  sink.lines.clear();
  // `keep` is the same statement laid out differently; `change` has new text; `add` is new;
  // `drop` is gone.
  ASSERT_TRUE(engine
                  .Replace("r", MustCompile("-- reloaded\n@Name('keep')   SELECT count(*) AS n\n"
                                            "  FROM DriverCarInfo;\n"
                                            "@Name('change') select count(*) + 100 as n from "
                                            "DriverCarInfo;"
                                            "@Name('add') select count(*) as n from DriverCarInfo"))
                  .ok());
  EXPECT_EQ(engine.statement_names(), (std::vector<std::string>{"keep", "change", "add"}));
  engine.Send(Event("20220426000004,W0003,3,0,L1,N,25,B09"));
  EXPECT_EQ(sink.lines,
            (std::vector<std::string>{R"({"stmt":"keep","after_event":4,"row":{"n":4}})",
                                      R"({"stmt":"change","after_event":4,"row":{"n":101}})",
                                      R"({"stmt":"add","after_event":4,"row":{"n":1}})"}));
}

TEST(EngineTest, FailedReloadChangesNothing) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(
      engine.Deploy("a", MustCompile("@Name('x') select count(*) as n from DriverCarInfo")).ok());
  ASSERT_TRUE(
      engine.Deploy("b", MustCompile("@Name('y') select count(*) as n from DriverCarInfo")).ok());
  engine.Send(Event("20220426000002,W0003,3,0,L1,N,25,B09"));
  // A rule that does not compile never reaches the engine.
  EXPECT_FALSE(Compile("@Name('x') select count(*) as n from DriverCarInfo where sped > 1"));
  // A reload that would steal another deployment's statement name is refused.
  Status s = engine.Replace("a", MustCompile("@Name('y') select 1 as n from DriverCarInfo"));
  EXPECT_EQ(s.message(), "statement name 'y' is already used by deployment 'b'");
  EXPECT_EQ(engine.Deploy("a", MustCompile("select 1 from DriverCarInfo")).message(),
            "deployment 'a' already exists; use Replace to reload it");
  sink.lines.clear();
  engine.Send(Event("20220426000004,W0003,3,0,L1,N,25,B09"));
  EXPECT_EQ(sink.lines,
            (std::vector<std::string>{R"({"stmt":"x","after_event":2,"row":{"n":2}})",
                                      R"({"stmt":"y","after_event":2,"row":{"n":2}})"}));
  EXPECT_TRUE(engine.Undeploy("a").ok());
  EXPECT_TRUE(engine.Undeploy("a").IsNotFound());
  EXPECT_EQ(engine.statement_names(), std::vector<std::string>{"y"});
}

// Late events exist only where a statement opted into lateness (Esper has none: without it an
// older event joins the batch being collected, see late_events.test).
TEST(EngineTest, LateEventsAreCountedAndReported) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('w') @AllowedLateness('2 sec') "
                                           "select carNumber, count(*) as n from "
                                           "DriverCarInfo.win:ext_timed_batch(date, 10 sec) "
                                           "group by carNumber"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  engine.Send(Event("20220426000012,A0001,0,0,F,N,10,A01"));  // watermark 10: closes [0, 10)
  engine.Send(Event("20220426000003,A0001,0,0,F,N,10,A01"));  // too late
  engine.Send(Event("20220426000019,A0001,0,0,F,N,10,A01"));
  EXPECT_EQ(engine.late_events("w"), 1u);
  EXPECT_EQ(
      sink.lines,
      (std::vector<std::string>{
          R"({"stmt":"w","after_event":2,"row":{"carNumber":"A0001","n":1}})",
          R"({"stmt":"w","after_event":3,"late":true,"event":{"date":"20220426000003","car_number":"A0001","speed_pedal":0,"break_pedal":0,"steer_angle":"F","direct_light":"N","speed":10,"area_number":"A01"}})"}));
  // An explicit watermark closes the open batch without another event.
  sink.lines.clear();
  engine.AdvanceWatermark(EventTimeMs{Event("20220426000020,A0001,0,0,F,N,10,A01").time.value});
  EXPECT_EQ(
      sink.lines,
      (std::vector<std::string>{
          R"({"stmt":"w","at_watermark":"20220426000020","row":{"carNumber":"A0001","n":2}})"}));
}

TEST(EngineTest, AllowedLatenessKeepsBatchesOpen) {
  Sink sink;
  Engine engine(EngineOptions{5000}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('w') select count(*) as n from "
                                           "DriverCarInfo.win:ext_timed_batch(date, 10 sec)"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  engine.Send(Event("20220426000012,A0001,0,0,F,N,10,A01"));  // watermark 7: still open
  engine.Send(Event("20220426000003,A0001,0,0,F,N,10,A01"));  // accepted
  engine.Send(Event("20220426000016,A0001,0,0,F,N,10,A01"));  // watermark 11: closes [0, 10)
  EXPECT_EQ(engine.late_events("w"), 0u);
  EXPECT_EQ(sink.lines, std::vector<std::string>{R"({"stmt":"w","after_event":4,"row":{"n":2}})"});
}

// Two sources (log partitions) merged into one engine: B runs a minute ahead of A. With event
// time from the events, B's newest event makes all of A's late; with event time advanced by the
// caller (the minimum over sources), nobody is late and every batch closes in full.
TEST(EngineTest, CallerAdvancedEventTimeKeepsASlowSourceOnTime) {
  const std::string rule =
      "@Name('w') @AllowedLateness('5 sec') select carNumber, count(*) as n from "
      "DriverCarInfo.win:ext_timed_batch(date, 10 sec) group by carNumber";
  auto feed = [](Engine* engine, bool advance) {
    int64_t a_max = INT64_MIN, b_max = INT64_MIN;
    for (int s = 0; s < 60; ++s) {
      char a[64], b[64];
      std::snprintf(a, sizeof a, "202204260001%02d,A0001,0,0,F,N,10,A01", s);  // 1 min in
      std::snprintf(b, sizeof b, "202204260002%02d,B0002,0,0,F,N,10,A01", s);  // 2 min in
      const DriverEvent ea = Event(a), eb = Event(b);
      engine->Send(eb);  // B is a whole minute ahead of A in arrival order.
      b_max = std::max(b_max, eb.time.value);
      engine->Send(ea);
      a_max = std::max(a_max, ea.time.value);
      if (advance) engine->AdvanceEventTime(EventTimeMs{std::min(a_max, b_max)});
    }
  };
  {
    Sink sink;
    Engine engine(EngineOptions{}, sink.listener());
    ASSERT_TRUE(engine.Deploy("r", MustCompile(rule)).ok());
    feed(&engine, false);
    EXPECT_EQ(engine.late_events("w"), 60u) << "the problem: every A event is late";
  }
  Sink sink;
  EngineOptions options;
  options.event_time_from_events = false;
  Engine engine(options, sink.listener());
  ASSERT_TRUE(engine.Deploy("r", MustCompile(rule)).ok());
  feed(&engine, true);
  EXPECT_EQ(engine.late_events("w"), 0u);
  // A's six 10-s batches closed as A's time passed +5 s lateness: five of them by now, full.
  int a_rows = 0;
  for (const std::string& l : sink.lines) {
    if (l.find("A0001") != std::string::npos) {
      ++a_rows;
      EXPECT_NE(l.find("\"n\":10"), std::string::npos) << l;
    }
  }
  EXPECT_EQ(a_rows, 5);
  // B's batches wait for the slowest source, then close together at the end.
  sink.lines.clear();
  engine.AdvanceWatermark(EventTimeMs{INT64_MAX / 4});
  // A's last batch and B's six, plus A's emptied row (count 0) in the first batch without A
  // (Esper's row for a group of the previous batch).
  EXPECT_EQ(sink.lines.size(), 8u);
  int emptied = 0;
  for (const std::string& l : sink.lines) {
    if (l.find("\"n\":0}") != std::string::npos) {
      ++emptied;
      EXPECT_NE(l.find("A0001"), std::string::npos) << l;
    } else {
      EXPECT_NE(l.find("\"n\":10"), std::string::npos) << l;
    }
  }
  EXPECT_EQ(emptied, 1);
}

TEST(EngineTest, ProcessingClockFiresTimersInOrderAndNeverGoesBack) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('b') select count(*) as n from "
                                           "DriverCarInfo.win:time_batch(10 sec)"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  ASSERT_TRUE(engine.AdvanceTime(5000).ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  ASSERT_TRUE(engine.AdvanceTime(12000).ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  ASSERT_TRUE(engine.AdvanceTime(100000).ok());
  // 30: the first empty interval after a batch gives one count-0 row (Esper); 40+: nothing.
  EXPECT_EQ(sink.lines, (std::vector<std::string>{R"({"stmt":"b","at_time":10,"row":{"n":2}})",
                                                  R"({"stmt":"b","at_time":20,"row":{"n":1}})",
                                                  R"({"stmt":"b","at_time":30,"row":{"n":0}})"}));
  EXPECT_EQ(engine.now_ms(), 100000);
  EXPECT_TRUE(engine.AdvanceTime(99999).IsInvalidArgument());
}

TEST(EngineTest, GroupsDisappearWhenTheirEventsLeave) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('g') select carNumber, count(*) as n from "
                                           "DriverCarInfo.win:length(2) group by carNumber"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  engine.Send(Event("20220426000000,B0002,0,0,F,N,10,A01"));
  EXPECT_EQ(engine.TEST_GroupCount("g"), 2u);
  engine.Send(Event("20220426000000,C0003,0,0,F,N,10,A01"));  // A0001 leaves
  EXPECT_EQ(engine.TEST_GroupCount("g"), 2u);
  engine.Send(Event("20220426000000,C0003,0,0,F,N,10,A01"));  // B0002 leaves
  EXPECT_EQ(engine.TEST_GroupCount("g"), 1u);
}

TEST(EngineTest, BatchStateIsReleasedAfterEachBatch) {
  Engine engine(EngineOptions{}, nullptr);
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('o') select carNumber, avg(speed) from "
                                           "DriverCarInfo.win:ext_timed_batch(date, 30 sec) "
                                           "group by carNumber"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  engine.Send(Event("20220426000000,B0002,0,0,F,N,10,A01"));
  EXPECT_EQ(engine.TEST_GroupCount("o"), 2u);
  engine.Send(Event("20220426000031,B0002,0,0,F,N,10,A01"));
  EXPECT_EQ(engine.TEST_GroupCount("o"), 1u);
}

TEST(EngineTest, InsertIntoChainsStatements) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('fast') insert into Fast select carNumber as "
                                           "car, speed from DriverCarInfo where speed > 100;\n"
                                           "@Name('count') select car, count(*) as n from "
                                           "Fast group by car"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,150,A01"));
  engine.Send(Event("20220426000000,A0001,0,0,F,N,50,A01"));
  engine.Send(Event("20220426000002,A0001,0,0,F,N,120,A01"));
  EXPECT_EQ(sink.lines, (std::vector<std::string>{
                            R"({"stmt":"fast","after_event":1,"row":{"car":"A0001","speed":150}})",
                            R"({"stmt":"count","after_event":1,"row":{"car":"A0001","n":1}})",
                            R"({"stmt":"fast","after_event":3,"row":{"car":"A0001","speed":120}})",
                            R"({"stmt":"count","after_event":3,"row":{"car":"A0001","n":2}})"}));
}

TEST(EngineTest, ReloadRestartsStatementsWhoseInputStreamChanged) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("r", MustCompile("@Name('src') insert into S select speed as v from "
                                           "DriverCarInfo;\n"
                                           "@Name('sum') select sum(v) as total from S"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  // `sum` has the same text, but S now has a string column first: it must start fresh and read
  // the new layout (and never index the old one).
  ASSERT_TRUE(engine
                  .Replace("r", MustCompile("@Name('src') insert into S select carNumber as c, "
                                            "speed as v from DriverCarInfo;\n"
                                            "@Name('sum') select sum(v) as total from S"))
                  .ok());
  sink.lines.clear();
  engine.Send(Event("20220426000000,A0001,0,0,F,N,5,A01"));
  EXPECT_EQ(sink.lines,
            (std::vector<std::string>{R"({"stmt":"src","after_event":2,"row":{"c":"A0001","v":5}})",
                                      R"({"stmt":"sum","after_event":2,"row":{"total":5}})"}));
}

TEST(EngineTest, StreamsWithTheSameNameButOtherColumnsDoNotMix) {
  Sink sink;
  Engine engine(EngineOptions{}, sink.listener());
  ASSERT_TRUE(engine
                  .Deploy("a", MustCompile("@Name('a1') insert into S select speed as v from "
                                           "DriverCarInfo;\n"
                                           "@Name('a2') select count(*) as n from S"))
                  .ok());
  ASSERT_TRUE(engine
                  .Deploy("b", MustCompile("@Name('b1') insert into S select carNumber as c from "
                                           "DriverCarInfo;\n"
                                           "@Name('b2') select c from S"))
                  .ok());
  engine.Send(Event("20220426000000,A0001,0,0,F,N,10,A01"));
  EXPECT_EQ(sink.lines,
            (std::vector<std::string>{R"({"stmt":"a1","after_event":1,"row":{"v":10}})",
                                      R"({"stmt":"b1","after_event":1,"row":{"c":"A0001"}})",
                                      R"({"stmt":"a2","after_event":1,"row":{"n":1}})",
                                      R"({"stmt":"b2","after_event":1,"row":{"c":"A0001"}})"}));
}

// The pilot sample, as lines.
std::vector<std::string> PilotLines() {
  std::vector<std::string> out;
  std::ifstream in(std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarDriverInfo_20220426_20cars.log");
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

TEST(EngineTest, PartitionedEnginesTogetherMatchOneEngine) {
  const std::string epl =
      "@Name('o') select carNumber, avg(speed) as a, count(*) as n from "
      "DriverCarInfo.win:ext_timed_batch(date, 30 sec) group by carNumber having avg(speed) > 80";
  const CompiledRule rule = MustCompile(epl);
  // The engine API directly: one engine, then two engines each owning a hash half of the cars.
  Sink whole, part0, part1;
  EngineOptions opt{10000};
  Engine one(opt, whole.listener());
  Engine p0(opt, part0.listener()), p1(opt, part1.listener());
  ASSERT_TRUE(one.Deploy("r", rule).ok());
  ASSERT_TRUE(p0.Deploy("r", rule).ok());
  ASSERT_TRUE(p1.Deploy("r", rule).ok());
  for (const std::string& line : PilotLines()) {
    DriverEvent e;
    Result<LineKind> k = ParseDriverLine(line, &e);
    if (!k || *k != LineKind::kRecord) continue;
    one.Send(e);
    (std::hash<std::string_view>{}(e.car_number.view()) % 2 == 0 ? p0 : p1).Send(e);
  }
  one.Flush();
  p0.Flush();
  p1.Flush();
  auto rows = [](std::vector<std::string> lines) {
    for (std::string& l : lines) l = l.substr(l.find("\"row\""));
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  std::vector<std::string> merged = part0.lines;
  merged.insert(merged.end(), part1.lines.begin(), part1.lines.end());
  ASSERT_FALSE(whole.lines.empty());
  EXPECT_EQ(rows(whole.lines), rows(merged));
}

}  // namespace
}  // namespace smartcar::cep

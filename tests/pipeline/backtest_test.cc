// RunBacktest on both log engines (embedded, Kafka on librdkafka's mock cluster): the pilot's
// sample spread over partitions gives the detections a single engine gives over the file in
// order (`rules run`'s path), with redeliveries counted once, ranges and car filters honoured.
#include "pipeline/backtest.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cep/rule_runner.h"
#include "core/file.h"
#include "core/line_codec.h"
#include "queue/queue_test_util.h"

namespace smartcar::pipeline {
namespace {

using queue::Engine;

const std::string kPilotLog =
    std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarDriverInfo_20220426_20cars.log";
const std::string kOverspeed = std::string(SMARTCAR_SOURCE_DIR) + "/rules/overspeed.epl";

std::vector<std::string> PilotLines() {
  auto text = ReadFileToString(kPilotLog, "sample");
  EXPECT_TRUE(text.has_value());
  std::vector<std::string> out;
  std::stringstream ss(text ? *text : "");
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

cep::CompiledRule Rule(const std::string& epl) {
  auto rule = cep::Compile(epl);
  EXPECT_TRUE(rule.has_value()) << rule.error().ToString();
  return rule ? std::move(*rule) : cep::CompiledRule();
}

cep::CompiledRule Overspeed(int kmh = 80) {
  auto text = ReadFileToString(kOverspeed, "rule");
  EXPECT_TRUE(text.has_value());
  std::string epl = *text;
  const std::string threshold = "avg(speed) > 80";
  epl.replace(epl.find(threshold), threshold.size(), "avg(speed) > " + std::to_string(kmh));
  return Rule(epl);
}

// "car window_start avg count" of each detection, in order.
std::vector<std::string> Keys(const std::vector<hot::Detection>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) {
    out.push_back(d.car + " " + std::to_string(d.window_start_ms) + " " +
                  std::to_string(d.avg_speed) + " " + std::to_string(d.event_count));
  }
  return out;
}

// The reference: one engine over the whole file in file order (`smartcar rules run --flush`).
std::vector<std::string> Reference(const cep::CompiledRule& rule, int64_t from, int64_t to) {
  const auto lines = PilotLines();
  size_t i = 0;
  std::vector<hot::Detection> out;
  cep::RunOptions o;
  o.flush = true;
  auto stats = cep::RunRules(
      rule, o,
      [&](std::string_view* line) {
        if (i == lines.size()) return false;
        *line = lines[i++];
        return true;
      },
      [&](std::string_view json) {
        // {"stmt":..,"row":{..."carNumber":"X",...,"avgSpeed":..,"eventCount":..,
        //  "windowStart":..}} → the same key as Keys().
        auto field = [&](const std::string& name) {
          const size_t at = json.find("\"" + name + "\":");
          std::string_view v = json.substr(at + name.size() + 3);
          return std::string(v.substr(0, v.find_first_of(",}")));
        };
        hot::Detection d;
        d.car = field("carNumber");
        d.car = d.car.substr(1, d.car.size() - 2);
        auto start = ParseTimestamp14(field("windowStart").substr(1, 14));
        d.window_start_ms = start ? start->value : -1;
        d.avg_speed = std::stod(field("avgSpeed"));
        d.event_count = std::stoll(field("eventCount"));
        if (d.window_start_ms >= from && d.window_start_ms < to) out.push_back(d);
      },
      [](std::string_view) {});
  EXPECT_TRUE(stats.has_value());
  std::sort(out.begin(), out.end(), [](const hot::Detection& a, const hot::Detection& b) {
    return std::tie(a.car, a.window_start_ms) < std::tie(b.car, b.window_start_ms);
  });
  return Keys(out);
}

class BacktestTest : public ::testing::TestWithParam<Engine>, public queue::testing::LogTestBase {
 protected:
  BacktestTest() : LogTestBase(GetParam()) {}

  // The sample keyed by car into 3 partitions, lines 1700-1999 appended twice (a collector that
  // crashed between append and position commit).
  void LoadSample() {
    CreateTopic("SmartCar-Topic", 3);
    const auto lines = PilotLines();
    std::vector<queue::Record> records;
    auto add = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; ++i) {
        const size_t comma = lines[i].find(',');
        const size_t next = lines[i].find(',', comma + 1);
        records.push_back(Rec(lines[i].substr(comma + 1, next - comma - 1), lines[i]));
      }
    };
    add(0, 2000);
    add(1700, lines.size());
    Append("SmartCar-Topic", records);
  }

  Result<BacktestResult> Run(std::vector<cep::CompiledRule> rules, int64_t from, int64_t to,
                             int threads = 2) {
    BacktestOptions o;
    o.from_ms = from;
    o.to_ms = to;
    o.threads = threads;
    return RunBacktest(log_.get(), rules, o);
  }
};

constexpr int64_t kDay = 19108LL * kMsPerDay;  // 2022-04-26 00:00 UTC.

TEST_P(BacktestTest, PartitionsGiveWhatOneEngineGivesOverTheFile) {
  ASSERT_NO_FATAL_FAILURE(StartEngine());
  LoadSample();
  auto r = Run({Overspeed(), Overspeed(100)}, kDay, kDay + kMsPerDay);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->partitions, 3);
  EXPECT_EQ(r->records_read, 4729u + 300u);
  EXPECT_EQ(r->duplicates, 300u);
  EXPECT_EQ(r->events_by_day, (std::map<std::string, uint64_t>{{"20220426", 4709}}));
  EXPECT_EQ(r->late, (std::vector<uint64_t>{0, 0}));
  auto by_car = [](std::vector<hot::Detection> ds) {
    std::stable_sort(ds.begin(), ds.end(), [](const hot::Detection& a, const hot::Detection& b) {
      return std::tie(a.car, a.window_start_ms) < std::tie(b.car, b.window_start_ms);
    });
    return Keys(ds);
  };
  const auto ref80 = Reference(Overspeed(), kDay, kDay + kMsPerDay);
  ASSERT_GT(ref80.size(), 50u);
  EXPECT_EQ(by_car(r->detections[0]), ref80);
  EXPECT_EQ(by_car(r->detections[1]), Reference(Overspeed(100), kDay, kDay + kMsPerDay));
  EXPECT_LT(r->detections[1].size(), r->detections[0].size());

  // One thread reads the same.
  auto one = Run({Overspeed()}, kDay, kDay + kMsPerDay, 1);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(Keys(one->detections[0]), Keys(r->detections[0]));
}

TEST_P(BacktestTest, RangesAndCars) {
  ASSERT_NO_FATAL_FAILURE(StartEngine());
  LoadSample();
  // The sample spans 00:00-00:07:48; a range of three minutes keeps the windows starting in it.
  const int64_t from = kDay + 2 * 60 * 1000, to = kDay + 5 * 60 * 1000;
  auto r = Run({Overspeed()}, from, to);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(Keys(r->detections[0]).size(), Reference(Overspeed(), from, to).size());
  for (const auto& d : r->detections[0]) {
    EXPECT_GE(d.window_start_ms, from);
    EXPECT_LT(d.window_start_ms, to);
  }
  // Only one car.
  BacktestOptions o;
  o.from_ms = kDay;
  o.to_ms = kDay + kMsPerDay;
  o.cars = {"W0003"};
  auto w = RunBacktest(log_.get(), {Overspeed()}, o);
  ASSERT_TRUE(w.has_value());
  ASSERT_FALSE(w->detections[0].empty());
  for (const auto& d : w->detections[0]) EXPECT_EQ(d.car, "W0003");
  // Outside the stored data: nothing sent, and the stored range is reported.
  auto none = Run({Overspeed()}, kDay + kMsPerDay, kDay + 2 * kMsPerDay);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->events_by_day.empty());
  EXPECT_EQ(FormatTimestamp14(EventTimeMs{none->stored_first_ms}), "20220426000000");
  // No such topic.
  BacktestOptions missing;
  missing.topic = "nope";
  auto err = RunBacktest(log_.get(), {Overspeed()}, missing);
  ASSERT_FALSE(err.has_value());
  EXPECT_TRUE(err.error().IsNotFound()) << err.error().ToString();
}

// With an event-time index: the first backtest builds it, a later one of a later range skips the
// blocks before it and detects the same; an index of another log (the topic created again) is
// noticed and rebuilt.
TEST_P(BacktestTest, TheEventTimeIndexSkipsEarlierBlocksAndDetectsTheSame) {
  ASSERT_NO_FATAL_FAILURE(StartEngine());
  LoadSample();
  EventTimeIndex index("SmartCar-Topic", 256);
  BacktestOptions o;
  o.from_ms = kDay;
  o.to_ms = kDay + kMsPerDay;
  o.index = &index;
  auto first = RunBacktest(log_.get(), {Overspeed()}, o);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(first->records_skipped, 0u);
  EXPECT_TRUE(index.changed());
  size_t blocks = 0;
  for (int p = 0; p < 3; ++p) blocks += index.partition(p).blocks().size();
  EXPECT_GT(blocks, 10u);

  const int64_t from = kDay + 4 * 60 * 1000;  // 00:04, half-way through the sample.
  o.from_ms = from;
  auto later = RunBacktest(log_.get(), {Overspeed()}, o);
  ASSERT_TRUE(later.has_value()) << later.error().ToString();
  EXPECT_GT(later->records_skipped, 1000u);
  EXPECT_LT(later->records_read, first->records_read - 1000);
  o.index = nullptr;
  auto full = RunBacktest(log_.get(), {Overspeed()}, o);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->records_skipped, 0u);
  ASSERT_FALSE(full->detections[0].empty());
  EXPECT_EQ(Keys(later->detections[0]), Keys(full->detections[0]));
  EXPECT_EQ(later->events_by_day, full->events_by_day);

  // An index of another log (each block's first record appended at another time): noticed, the
  // partitions read from their start, the index rebuilt.
  std::string text = index.Serialize(), other;
  std::stringstream lines(text);
  for (std::string l; std::getline(lines, l);) {
    if (!l.empty() && std::isdigit(static_cast<unsigned char>(l[0]))) l += "7";
    other += l + "\n";
  }
  auto stale = EventTimeIndex::Parse(other, "SmartCar-Topic", 256);
  ASSERT_TRUE(stale.has_value()) << stale.error().ToString();
  o.index = &*stale;
  auto again = RunBacktest(log_.get(), {Overspeed()}, o);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->records_skipped, 0u);
  EXPECT_EQ(Keys(again->detections[0]), Keys(full->detections[0]));
  EXPECT_EQ(stale->Serialize(), text);  // Rebuilt as the first backtest built it.
}

INSTANTIATE_TEST_SUITE_P(Engines, BacktestTest,
                         ::testing::Values(Engine::kEmbedded, Engine::kKafka),
                         [](const auto& info) {
                           return std::string(queue::EngineName(info.param));
                         });

TEST(CompareByDayTest, AddedAndRemovedPerDay) {
  auto d = [](std::string date, std::string car) {
    hot::Detection x;
    x.date = std::move(date);
    x.car = std::move(car);
    return x;
  };
  const auto days =
      CompareByDay({{"20220426", 10}, {"20220428", 5}},
                   {d("20220426", "A0001"), d("20220426", "B0002"), d("20220427", "C0003")},
                   {d("20220426", "B0002"), d("20220426", "D0004"), d("20220426", "D0004")});
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].date, "20220426");
  EXPECT_EQ(days[0].events, 10u);
  EXPECT_EQ(days[0].added, std::vector<std::string>{"A0001"});
  EXPECT_EQ(days[0].removed, std::vector<std::string>{"D0004"});
  EXPECT_EQ(days[0].deployed.size(), 3u);
  EXPECT_EQ(days[0].deployed_cars.size(), 2u);
  EXPECT_EQ(days[1].date, "20220427");
  EXPECT_EQ(days[1].added, std::vector<std::string>{"C0003"});
  EXPECT_EQ(days[2].date, "20220428");
  EXPECT_TRUE(days[2].candidate.empty());
}

}  // namespace
}  // namespace smartcar::pipeline

// StatsSnapshot JSON round trip, errors with where, and the pipeline counters' exposition.
#include "server/stats_json.h"

#include <gtest/gtest.h>

#include "server_test_util.h"

namespace smartcar::server {
namespace {

TEST(StatsJsonTest, RoundTripsEveryField) {
  const StatsSnapshot in = SampleSnapshot();
  const std::string text = SnapshotToJson(in);
  auto out = SnapshotFromJson(text);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(out->time_ms, in.time_ms);
  EXPECT_FALSE(out->final);
  EXPECT_EQ(out->topology.name, "SmartCarDriverTopology");
  EXPECT_DOUBLE_EQ(out->topology.uptime_seconds, 12.5);
  ASSERT_EQ(out->topology.components.size(), 2u);
  const topology::ComponentStats& cep = out->topology.components[1];
  EXPECT_EQ(cep.id, "cep");
  EXPECT_FALSE(cep.is_spout);
  EXPECT_EQ(cep.last_error, in.topology.components[1].last_error);
  EXPECT_EQ(cep.total.emitted, 301u);
  EXPECT_EQ(cep.total.queue_high_water, 90u);
  EXPECT_DOUBLE_EQ(cep.total.capacity, 0.25);
  EXPECT_EQ(cep.total.latency_p99_ns, 2'000'000u);
  ASSERT_EQ(cep.tasks.size(), 2u);
  EXPECT_EQ(cep.tasks[1].task_id, 2);
  EXPECT_EQ(cep.tasks[1].acked, 203u);
  ASSERT_EQ(out->pipeline.size(), 2u);
  EXPECT_EQ(out->pipeline[1].name, "stored");
  EXPECT_EQ(out->pipeline[1].value, 149u);
  EXPECT_EQ(SnapshotToJson(*out), text);
  // The table `smartcar topology stats` prints comes out the same from the parsed copy.
  EXPECT_EQ(topology::FormatStatsTable(out->topology), topology::FormatStatsTable(in.topology));
}

TEST(StatsJsonTest, EdgesCollectorAndAreasRoundTrip) {
  StatsSnapshot in = SampleSnapshot();
  in.topology.components[1].inputs = {{"log-spout", "default", "FIELDS car_number"},
                                      {"log-spout", "eos", "ALL"}};
  in.topology.components[1].total.busy_ns = 123'456'789;
  CollectorComponent source;
  source.kind = "source";
  source.name = "driving";
  source.received = 10;
  source.accepted = 9;
  source.rejected = 1;
  source.batches = 2;
  source.bytes = 420;
  source.lag_bytes = 35;
  source.targets = {"c"};
  source.detail = "TAILDIR logs/SmartCarDriverInfo\\.log";
  source.position = R"([{"file":"logs/SmartCarDriverInfo.log","inode":7,"pos":455}])";
  in.collector = {source};
  in.areas = {{"A01", 3}, {"F10", 12}};
  const std::string text = SnapshotToJson(in);
  auto out = SnapshotFromJson(text);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(out->topology.components[1].inputs, in.topology.components[1].inputs);
  EXPECT_TRUE(out->topology.components[0].inputs.empty());
  EXPECT_EQ(out->topology.components[1].total.busy_ns, 123'456'789u);
  ASSERT_EQ(out->collector.size(), 1u);
  EXPECT_EQ(out->collector[0].name, "driving");
  EXPECT_EQ(out->collector[0].lag_bytes, 35u);
  EXPECT_EQ(out->collector[0].targets, std::vector<std::string>{"c"});
  EXPECT_EQ(out->collector[0].position, source.position);
  EXPECT_EQ(out->areas, in.areas);
  EXPECT_EQ(SnapshotToJson(*out), text);
  // A snapshot without them (an older file) has none, and says nothing of them.
  const std::string plain = SnapshotToJson(SampleSnapshot());
  EXPECT_EQ(plain.find("\"collector\""), std::string::npos);
  EXPECT_EQ(plain.find("\"areas\""), std::string::npos);
  auto bad = SnapshotFromJson(text.substr(0, text.size() - 1) + R"(,"areas":{"A01":-1}})");
  EXPECT_FALSE(bad.has_value());
}

// The event-time watermark and the consumer group's lag per partition: round trip, the wall-time
// lag derived from the snapshot's time, absent when unknown, and gauges in the exposition.
TEST(StatsJsonTest, EventTimeAndPartitionsRoundTrip) {
  StatsSnapshot in = SampleSnapshot();
  const std::string plain = SnapshotToJson(in);
  EXPECT_EQ(plain.find("\"event_time\""), std::string::npos);
  EXPECT_EQ(plain.find("\"partitions\""), std::string::npos);
  in.time_ms = 1'650'960'100'000;
  in.event_time.watermark_ms = 1'650'960'000'000;
  in.event_time.newest_ms = 1'650'960'002'000;
  in.event_time.written_lag_ms = 3'000;
  in.consumer_group = "smartcar-topology";
  in.partitions = {{0, 120, 150, 30, 1'650'960'002'000}, {1, -1, 40, 40, 0}};
  const std::string text = SnapshotToJson(in);
  EXPECT_NE(text.find("\"wall_lag_ms\":100000"), std::string::npos) << text;
  auto out = SnapshotFromJson(text);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(out->event_time.watermark_ms, in.event_time.watermark_ms);
  EXPECT_EQ(out->event_time.newest_ms, in.event_time.newest_ms);
  EXPECT_EQ(out->event_time.written_lag_ms, 3'000);
  EXPECT_EQ(out->consumer_group, "smartcar-topology");
  ASSERT_EQ(out->partitions.size(), 2u);
  EXPECT_EQ(out->partitions[0].committed, 120);
  EXPECT_EQ(out->partitions[0].latest, 150);
  EXPECT_EQ(out->partitions[0].lag, 30);
  EXPECT_EQ(out->partitions[0].event_time_ms, 1'650'960'002'000);
  EXPECT_EQ(out->partitions[1].committed, -1);
  EXPECT_EQ(SnapshotToJson(*out), text);
  std::map<std::string, int> samples;
  const std::string exposition = FormatSnapshotPrometheus(in);
  EXPECT_EQ(CheckExposition(exposition, &samples), "") << exposition;
  EXPECT_NE(exposition.find("smartcar_event_time_watermark_ms 1650960000000\n"), std::string::npos);
  EXPECT_NE(exposition.find("smartcar_consumer_lag{partition=\"0\"} 30\n"), std::string::npos);
  EXPECT_NE(exposition.find("smartcar_consumer_lag{partition=\"1\"} 40\n"), std::string::npos);
  auto bad =
      SnapshotFromJson(text.substr(0, text.size() - 1) + R"(,"partitions":[{"partition":0}]})");
  EXPECT_FALSE(bad.has_value());
}

TEST(StatsJsonTest, FinalFlagRoundTrips) {
  StatsSnapshot in = SampleSnapshot();
  in.final = true;
  auto out = SnapshotFromJson(SnapshotToJson(in));
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->final);
}

// The run's progress state (catching up, stalled and why) travels with the snapshot; absent when
// the run keeps up, so older snapshots still parse.
TEST(StatsJsonTest, StateRoundTripsAndIsOmittedWhenEmpty) {
  StatsSnapshot in = SampleSnapshot();
  EXPECT_EQ(SnapshotToJson(in).find("\"state\""), std::string::npos);
  in.state = "STALLED: spout pending full (500000), waiting for acks";
  auto out = SnapshotFromJson(SnapshotToJson(in));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(out->state, in.state);
}

TEST(StatsJsonTest, BadJsonSaysWhere) {
  auto a = SnapshotFromJson("{\"time_ms\": 1,");
  ASSERT_FALSE(a.has_value());
  EXPECT_TRUE(a.error().IsCorruption());
  EXPECT_NE(a.error().message().find("stats JSON: "), std::string::npos);
  EXPECT_NE(a.error().message().find("line 1, column 15"), std::string::npos)
      << a.error().ToString();

  auto b = SnapshotFromJson("{\"time_ms\": 1}");
  ASSERT_FALSE(b.has_value());
  EXPECT_NE(b.error().message().find("topology"), std::string::npos) << b.error().ToString();

  std::string text = SnapshotToJson(SampleSnapshot());
  const size_t at = text.find("\"emitted\":101");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 13, "\"emitted\":\"x\"");
  auto c = SnapshotFromJson(text);
  ASSERT_FALSE(c.has_value());
  EXPECT_TRUE(c.error().IsCorruption());
  EXPECT_NE(c.error().message().find("number"), std::string::npos) << c.error().ToString();
}

// A count holding a fraction or a number no integer can hold is an error naming the field, not a
// cast (1e300 into an int64_t is undefined behaviour; the stats JSON fuzzer found it).
TEST(StatsJsonTest, IntegerFieldsRefuseFractionsAndHugeNumbers) {
  const std::string good = SnapshotToJson(SampleSnapshot());
  for (const char* bad : {"1e300", "1.5", "-1e300"}) {
    std::string text = good;
    const size_t at = text.find("\"emitted\":101");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 13, std::string("\"emitted\":") + bad);
    auto r = SnapshotFromJson(text);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_TRUE(r.error().IsCorruption());
    EXPECT_NE(r.error().message().find("'emitted'"), std::string::npos) << r.error().ToString();
  }
}

TEST(StatsJsonTest, InvalidUtf8InNamesDoesNotThrow) {
  StatsSnapshot in = SampleSnapshot();
  in.topology.components[0].last_error = "bad byte \xff here";
  const std::string text = SnapshotToJson(in);
  auto out = SnapshotFromJson(text);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_NE(out->topology.components[0].last_error.find("bad byte"), std::string::npos);
}

TEST(StatsJsonTest, PipelineCountersAreValidExposition) {
  const std::string text = FormatPipelinePrometheus(SampleSnapshot().pipeline);
  EXPECT_EQ(text,
            "# HELP smartcar_pipeline_generated_total Lines the simulator wrote.\n"
            "# TYPE smartcar_pipeline_generated_total counter\n"
            "smartcar_pipeline_generated_total 150\n"
            "# HELP smartcar_pipeline_stored_total Rows written to DriverCarInfo.\n"
            "# TYPE smartcar_pipeline_stored_total counter\n"
            "smartcar_pipeline_stored_total 149\n");
  std::map<std::string, int> samples;
  EXPECT_EQ(CheckExposition(FormatSnapshotPrometheus(SampleSnapshot()), &samples), "");
  EXPECT_EQ(samples.size(), 11u + 2u);  // 11 topology metrics, 2 pipeline counters.
}

TEST(StatsJsonTest, ExpositionCheckerCatchesBrokenText) {
  EXPECT_NE(CheckExposition("smartcar_x 1\n"), "");  // No HELP/TYPE.
  EXPECT_NE(CheckExposition("# HELP a h\n# TYPE a counter\na{b=\"c\" 1\n"), "");
  EXPECT_NE(CheckExposition("# HELP a h\n# TYPE a counter\na one\n"), "");
  EXPECT_EQ(CheckExposition("# HELP a h\n# TYPE a counter\na{b=\"c\\\"d\",e=\"\"} 1.5e3\n"), "");
}

TEST(StatsJsonTest, EndpointInfoRoundTripsAndChecksFields) {
  EndpointInfo in;
  in.url = "http://127.0.0.1:9464";
  in.pid = 4242;
  in.started_ms = 1'795'000'000'000;
  auto out = EndpointInfoFromJson(EndpointInfoToJson(in));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(out->url, in.url);
  EXPECT_EQ(out->pid, 4242);
  EXPECT_EQ(out->started_ms, in.started_ms);
  auto bad = EndpointInfoFromJson("{\"url\": \"http://x:1\"}");
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().IsCorruption());
  EXPECT_NE(bad.error().message().find("pid"), std::string::npos) << bad.error().ToString();
}

}  // namespace
}  // namespace smartcar::server

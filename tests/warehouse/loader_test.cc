#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/line_codec.h"
#include "core/line_reader.h"
#include "warehouse/warehouse_test_util.h"

namespace smartcar::warehouse {
namespace {

TEST_F(WarehouseTest, PilotSampleDayLoadsWithZeroRejects) {
  const std::string path =
      std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarStatusInfo_20220426_10cars.txt.gz";
  LoadReport r = MustLoad("20220426", path);
  EXPECT_EQ(r.rejects, 0u) << r.first_reject;
  EXPECT_EQ(r.rows, 216010u);
  EXPECT_EQ(r.headers, 10u);
  EXPECT_EQ(r.lines, r.rows + r.headers + r.blank + r.rejects);
  EXPECT_TRUE(r.dead_letter_path.empty());
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 216010);
  EXPECT_EQ(Int("SELECT count(DISTINCT car_number) FROM SmartCar_Status_Info"), 10);
  // The hour-24 reading is 00:00:00 of the next day, and stays in the file's partition.
  EXPECT_EQ(Value("SELECT max(reg_date)::VARCHAR FROM SmartCar_Status_Info"),
            "2022-04-27 00:00:00");
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info WHERE reg_date = '2022-04-27 00:00:00' "
                "AND wrk_date = '20220426'"),
            10);
}

TEST_F(WarehouseTest, ColumnsAreTypedWithHiveNames) {
  MustLoad("20220426", WriteTemp("a.txt", StatusLine("20220426000004", "A0001")));
  auto r = w_->Query("DESCRIBE SmartCar_Status_Info");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  std::string got;
  for (const auto& row : r->rows) got += *row[0] + ":" + *row[1] + " ";
  EXPECT_EQ(got,
            "reg_date:TIMESTAMP car_number:VARCHAR tire_fl:INTEGER tire_fr:INTEGER "
            "tire_bl:INTEGER tire_br:INTEGER light_fl:INTEGER light_fr:INTEGER light_bl:INTEGER "
            "light_br:INTEGER engine:VARCHAR break:VARCHAR battery:INTEGER wrk_date:VARCHAR ");
}

TEST_F(WarehouseTest, EmptyWarehouseHasTypedEmptyStatusTable) {
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 0);
  auto tables = w_->Tables();
  ASSERT_TRUE(tables.has_value());
  EXPECT_EQ(*tables, std::vector<std::string>{"SmartCar_Status_Info"});
}

// Load + query round trip on a generated day against a computation done here from the file.
TEST_F(WarehouseTest, GeneratedDayRoundTripMatchesIndependentComputation) {
  const std::string path = GenerateDay("20220426", 3, 20, 7);
  struct PerCar {
    int64_t readings = 0, tire_sum = 0, low_tires = 0, lamp_faults = 0, engine_bad = 0,
            brake_bad = 0, low_battery = 0;
  };
  std::map<std::string, PerCar> expect;
  {
    auto reader = LineReader::Open(path);
    ASSERT_TRUE(reader.has_value());
    std::string_view line;
    StatusEvent e;
    while ((*reader)->Next(&line)) {
      auto kind = ParseStatusLine(line, &e);
      ASSERT_TRUE(kind.has_value());
      if (*kind == LineKind::kHeader) continue;
      PerCar& c = expect[std::string(e.car_number.view())];
      ++c.readings;
      for (int i = 0; i < 4; ++i) {
        c.tire_sum += e.tire[i];
        c.low_tires += e.tire[i] < 60;
        c.lamp_faults += e.light[i] == LampState::kFault;
      }
      c.engine_bad += e.engine != 'A';
      c.brake_bad += e.brake != 'A';
      c.low_battery += e.battery < 30;
    }
  }
  ASSERT_EQ(expect.size(), 3u);
  LoadReport r = MustLoad("20220426", path);
  EXPECT_EQ(r.rejects, 0u);
  auto q = w_->Query(
      "SELECT car_number, count(*), sum(tire_fl + tire_fr + tire_bl + tire_br), "
      "sum((tire_fl < 60)::INT + (tire_fr < 60)::INT + (tire_bl < 60)::INT + (tire_br < 60)::INT), "
      "sum((light_fl = 2)::INT + (light_fr = 2)::INT + (light_bl = 2)::INT + (light_br = 2)::INT), "
      "sum((engine <> 'A')::INT), sum((\"break\" <> 'A')::INT), sum((battery < 30)::INT) "
      "FROM SmartCar_Status_Info WHERE wrk_date = '20220426' GROUP BY car_number ORDER BY 1");
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  ASSERT_EQ(q->rows.size(), 3u);
  for (const auto& row : q->rows) {
    const PerCar& c = expect[*row[0]];
    EXPECT_EQ(std::stoll(*row[1]), c.readings) << *row[0];
    EXPECT_EQ(std::stoll(*row[2]), c.tire_sum) << *row[0];
    EXPECT_EQ(std::stoll(*row[3]), c.low_tires) << *row[0];
    EXPECT_EQ(std::stoll(*row[4]), c.lamp_faults) << *row[0];
    EXPECT_EQ(std::stoll(*row[5]), c.engine_bad) << *row[0];
    EXPECT_EQ(std::stoll(*row[6]), c.brake_bad) << *row[0];
    EXPECT_EQ(std::stoll(*row[7]), c.low_battery) << *row[0];
  }
}

TEST_F(WarehouseTest, LoadingTwiceIsIdempotent) {
  const std::string path = GenerateDay("20220426", 2, 60, 3);
  MustLoad("20220426", path);
  const std::string sig =
      "SELECT count(*)::VARCHAR || '/' || sum(hash(reg_date, car_number, tire_fl, battery, "
      "engine))::VARCHAR FROM SmartCar_Status_Info";
  const std::string first = Value(sig);
  MustLoad("20220426", path);
  EXPECT_EQ(Value(sig), first);
  auto parts = w_->Partitions(kStatusTable);
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].rows,
            static_cast<uint64_t>(Int("SELECT count(*) FROM SmartCar_Status_Info")));
  EXPECT_GT((*parts)[0].bytes, 0u);
}

TEST_F(WarehouseTest, MalformedLinesAreRejectedAndGoodLinesKept) {
  const std::string content = StatusLine("20220426000004", "A0001") +
                              "20220426000008,A0001,80,80,80,x9,1,1,1,1,A,A,90\n" +  // line 2
                              StatusLine("20220426000008", "A0002") + "garbage\n" +  // line 4
                              "\n" + StatusLine("20220426000012", "A0001", 80, 3);   // line 6
  LoadReport r = MustLoad("20220426", WriteTemp("bad.txt", content));
  EXPECT_EQ(r.lines, 6u);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.blank, 1u);
  EXPECT_EQ(r.rejects, 3u);
  EXPECT_EQ(r.first_reject, "line 2, field 6 (tire_br): 'x9' is not an integer (expected 0-200)");
  ASSERT_FALSE(r.dead_letter_path.empty());
  const std::string dead = testing::ReadFile(r.dead_letter_path);
  EXPECT_NE(dead.find("line 2: field 6 (tire_br)"), std::string::npos) << dead;
  EXPECT_NE(dead.find("line 4: "), std::string::npos) << dead;
  EXPECT_NE(dead.find("line 6: field 7 (light_fl)"), std::string::npos) << dead;
  EXPECT_NE(dead.find("\tgarbage\n"), std::string::npos) << dead;
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 2);

  // A clean reload of the day removes the stale dead-letter file.
  MustLoad("20220426", WriteTemp("good.txt", StatusLine("20220426000004", "A0001")));
  EXPECT_FALSE(std::filesystem::exists(r.dead_letter_path));
}

TEST_F(WarehouseTest, FileWithNoValidLinesFailsAndKeepsOldPartition) {
  MustLoad("20220426", WriteTemp("good.txt", StatusLine("20220426000004", "A0001")));
  auto r = w_->Load(
      LoadSpec{std::string(kStatusTable), "20220426", WriteTemp("bad.txt", "nope\nstill,nope\n")});
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().IsInvalidArgument());
  EXPECT_NE(r.error().message().find("no valid status lines"), std::string::npos);
  EXPECT_NE(r.error().message().find("first reject: line 1, "), std::string::npos)
      << r.error().message();
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 1);
}

// A truncated .gz: either the reader reports it (IOError, old partition kept) or, as zlib's
// gzread reports truncation only through gzerror() after a short read, the complete lines load
// and the cut last line is rejected. Never a crash, never a half-written partition.
TEST_F(WarehouseTest, TruncatedGzipKeepsOnlyCompleteLines) {
  MustLoad("20220426", WriteTemp("good.txt", StatusLine("20220426000004", "A0001")));
  const std::string path = GenerateDay("20220426", 2, 20, 1);  // 8642 lines.
  ASSERT_EQ(testing::RunCommand("gzip -f " + path).exit_code, 0);
  const std::string gz = path + ".gz";
  std::filesystem::resize_file(gz, std::filesystem::file_size(gz) / 2);
  auto r = w_->Load(LoadSpec{std::string(kStatusTable), "20220426", gz});
  if (!r) {
    EXPECT_TRUE(r.error().IsIOError()) << r.error().ToString();
    EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 1);
  } else {
    EXPECT_LT(r->rows, 8642u);
    EXPECT_LE(r->rejects, 1u);
    EXPECT_EQ(r->lines, r->rows + r->rejects);
    EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), static_cast<int64_t>(r->rows));
  }
}

TEST_F(WarehouseTest, LoadRejectsBadArguments) {
  const std::string file = WriteTemp("a.txt", StatusLine("20220426000004", "A0001"));
  auto bad_date = w_->Load(LoadSpec{std::string(kStatusTable), "20220230", file});
  ASSERT_FALSE(bad_date.has_value());
  EXPECT_TRUE(bad_date.error().IsInvalidArgument());
  auto bad_table = w_->Load(LoadSpec{"Other_Table", "20220426", file});
  ASSERT_FALSE(bad_table.has_value());
  EXPECT_NE(bad_table.error().message().find("cannot be loaded"), std::string::npos);
  auto evil = w_->Load(LoadSpec{"../x", "20220426", file});
  ASSERT_FALSE(evil.has_value());
  EXPECT_TRUE(evil.error().IsInvalidArgument());
  auto missing = w_->Load(LoadSpec{std::string(kStatusTable), "20220426", tmp_.file("none.txt")});
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(missing.error().IsIOError());
}

}  // namespace
}  // namespace smartcar::warehouse

// `smartcar hive` end to end: the pilot's chapter-6 HiveQL files, unchanged, over the pilot's own
// status log and the simulators' master data and buy list; every result table checked against a
// computation written simply here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "test_util.h"

namespace smartcar::hive {
namespace {

namespace fs = std::filesystem;
using smartcar::testing::ReadFile;
using smartcar::testing::RunCommand;
using smartcar::testing::RunSmartcar;
using smartcar::testing::TempDir;
using smartcar::testing::WriteFile;

std::string Pilot(const std::string& figure, const std::string& ext = ".hql") {
  return ReadFile(std::string(SMARTCAR_PILOT_HQL) + "/figure-" + figure + ext);
}

// A pilot file with its local directory `pilot_dir` moved to `dir` (the test's temp folder).
std::string Relocated(std::string hql, const std::string& pilot_dir, const std::string& dir) {
  const size_t at = hql.find(pilot_dir);
  EXPECT_NE(at, std::string::npos) << pilot_dir;
  if (at != std::string::npos) hql.replace(at, pilot_dir.size(), dir);
  return hql;
}

// Hive's hash() of a string (ObjectInspectorUtils.hashCode over Text): r = 31 * r + b over the
// UTF-8 bytes as Java's signed bytes, in 32 bits.
int32_t HiveStringHash(const std::string& s) {
  uint32_t r = 0;
  for (const char c : s)
    r = r * 31u + static_cast<uint32_t>(static_cast<int32_t>(static_cast<signed char>(c)));
  return static_cast<int32_t>(r);
}

// cast(s as int) for the integers the simulators write; anything else fails the test.
int HiveInt(const std::string& s) {
  size_t used = 0;
  const int v = std::stoi(s, &used);
  EXPECT_EQ(used, s.size()) << "not an integer: " << s;
  return v;
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

bool IsNumber(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// The master's ages by car (the pilot's CarMaster.txt format).
std::map<std::string, int> ReadAges(const std::string& path) {
  std::map<std::string, int> age;
  for (const auto& line : Lines(ReadFile(path))) {
    const auto f = Split(line, '|');
    EXPECT_EQ(f.size(), 9u) << line;
    if (f.size() == 9) age[f[0]] = std::stoi(f[2]);
  }
  return age;
}

// What the pilot's 6.71 and 6.111 must store for `day`, computed from the status lines (13 or
// more fields; a header line is a row too, as in Hive) and the master's ages.
struct StatusExpectation {
  uint64_t managed_rows = 0;           // Managed_SmartCar_Status_Info.
  size_t cars = 0;                     // Distinct cars in it.
  std::vector<std::string> emergency;  // Managed_SmartCar_Emergency_Check_Info, sorted.
};
StatusExpectation ExpectStatus(const std::vector<std::string>& lines,
                               const std::map<std::string, int>& age, const std::string& day) {
  struct Car {
    double tire_sum[4] = {0, 0, 0, 0};
    int tire_n[4] = {0, 0, 0, 0};
    double battery_sum = 0;
    int battery_n = 0;
    bool light = false, engine = false, brake = false;
  };
  StatusExpectation out;
  std::map<std::string, Car> cars;
  for (const auto& line : lines) {
    const auto f = Split(line, ',');
    EXPECT_GE(f.size(), 13u) << line;
    if (f.size() < 13) continue;
    auto it = age.find(f[1]);
    if (it == age.end() || it->second < 18) continue;  // SmartCar_Master_Over18.
    ++out.managed_rows;
    if (f[0].substr(0, 8) != day) continue;  // 6.111 reads biz_date = working_day.
    Car& c = cars[f[1]];
    double v;
    for (int i = 0; i < 4; ++i) {
      if (IsNumber(f[2 + i], &v)) c.tire_sum[i] += v, ++c.tire_n[i];
    }
    if (IsNumber(f[12], &v)) c.battery_sum += v, ++c.battery_n;
    for (int i = 6; i < 10; ++i) c.light = c.light || f[i] == "2";
    c.engine = c.engine || f[10] == "C";
    c.brake = c.brake || f[11] == "C";
  }
  out.cars = cars.size();
  for (const auto& [car, c] : cars) {
    bool tire = false;
    for (int i = 0; i < 4; ++i) {
      tire = tire || (c.tire_n[i] > 0 && c.tire_sum[i] / c.tire_n[i] < 80);
    }
    const bool battery = c.battery_n > 0 && c.battery_sum / c.battery_n < 30;
    if (!tire && !c.light && !c.engine && !c.brake && !battery) continue;
    out.emergency.push_back(
        car + "\t" + (tire ? "Tire Check" : "NULL") + "\t" + (c.light ? "Light Check" : "NULL") +
        "\t" + (c.engine ? "Engine Check" : "NULL") + "\t" + (c.brake ? "Brake Check" : "NULL") +
        "\t" + (battery ? "Battery Check" : "NULL") + "\t" + day);
  }
  return out;
}

// Sorted row lists equal; on a difference, the sizes and the first differing rows (not the whole
// lists, which run to thousands of rows).
void ExpectSameRows(const std::vector<std::string>& got, const std::vector<std::string>& want,
                    const std::string& what) {
  EXPECT_EQ(got.size(), want.size()) << what;
  std::vector<std::string> only_got, only_want;
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                      std::back_inserter(only_got));
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(only_want));
  if (only_got.size() > 3) only_got.resize(3);
  if (only_want.size() > 3) only_want.resize(3);
  EXPECT_TRUE(only_got.empty() && only_want.empty())
      << what << ": rows only written: " << ::testing::PrintToString(only_got)
      << "; rows only expected: " << ::testing::PrintToString(only_want);
}

class HiveCliTest : public ::testing::Test {
 protected:
  std::string Hive(const std::string& args, int want_exit = 0) {
    auto r = RunSmartcar("hive --data " + data_.str() + " " + args);
    EXPECT_EQ(r.exit_code, want_exit) << args << "\n" << r.out;
    return r.out;
  }
  std::vector<std::string> SortedRows(const std::string& query) {
    auto rows = Lines(Hive("-S -e \"" + query + "\""));
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  // Checks what 6.71 and 6.111 stored against `want`.
  void CheckStatusTables(const StatusExpectation& want, const std::string& day) {
    EXPECT_EQ(Hive("-S -e 'show partitions Managed_SmartCar_Status_Info'"),
              "biz_date=" + day + "\n");
    EXPECT_EQ(Hive("-S -e 'select count(*) from Managed_SmartCar_Status_Info'"),
              std::to_string(want.managed_rows) + "\n");
    EXPECT_EQ(Hive("-S -e 'select count(distinct car_number) from Managed_SmartCar_Status_Info'"),
              std::to_string(want.cars) + "\n");
    EXPECT_EQ(SortedRows("select * from managed_smartcar_emergency_check_info"), want.emergency);
  }
  std::string ChapterSixStatusScript() {
    std::string script;
    for (const char* f : {"6.44", "6.70", "6.58"}) script += Pilot(f) + ";\n";
    // SmartCar_Master_Over18 is a CTAS in the book's text (no file of its own).
    script +=
        "create table SmartCar_Master_Over18 as select * from SmartCar_Master where age >= 18;\n";
    for (const char* f : {"6.69", "6.71", "6.110", "6.111"}) script += Pilot(f) + ";\n";
    return script;
  }
  // Checks what 6.98, 6.100 and 6.103 stored against the driving log of `day`.
  void CheckDriveTables(const std::string& driver_log, const std::map<std::string, int>& age,
                        const std::string& day) {
    struct Car {
      double speed_sum = 0, brake_sum = 0;
      int n = 0;
      int steer = 0;
    };
    std::map<std::string, Car> cars;
    uint64_t drive_rows = 0, managed_rows = 0;
    for (const auto& line : Lines(ReadFile(driver_log))) {
      const auto f = Split(line, ',');
      ASSERT_EQ(f.size(), 8u) << line;
      if (f[0].rfind(day, 0) != 0) continue;  // Header lines.
      ++drive_rows;
      auto it = age.find(f[1]);
      if (it == age.end() || it->second < 18) continue;
      ++managed_rows;
      Car& c = cars[f[1]];
      c.speed_sum += std::stod(f[2]);
      c.brake_sum += std::stod(f[3]);
      ++c.n;
      if (f[4] == "L2" || f[4] == "L3" || f[4] == "R2" || f[4] == "R3") ++c.steer;
    }
    ASSERT_GT(drive_rows, 0u);
    EXPECT_EQ(
        Hive("-S -e 'select count(*) from SmartCar_Drive_Info_2 where wrk_date = " + day + "'"),
        std::to_string(drive_rows) + "\n");
    EXPECT_EQ(Hive("-S -e 'select count(*) from Managed_SmartCar_Drive_Info'"),
              std::to_string(managed_rows) + "\n");
    // 6.103: each car's averages against all rows' averages and the spread of the cars' averages.
    double speed_all = 0, brake_all = 0;
    for (const auto& [car, c] : cars) speed_all += c.speed_sum, brake_all += c.brake_sum;
    speed_all /= static_cast<double>(managed_rows);
    brake_all /= static_cast<double>(managed_rows);
    // stddev_pop over the cars' averages: sqrt(mean of squared deviations from their mean).
    double speed_mean = 0, brake_mean = 0;
    for (const auto& [car, c] : cars)
      speed_mean += c.speed_sum / c.n, brake_mean += c.brake_sum / c.n;
    speed_mean /= static_cast<double>(cars.size());
    brake_mean /= static_cast<double>(cars.size());
    double speed_var = 0, brake_var = 0;
    for (const auto& [car, c] : cars) {
      speed_var += std::pow(c.speed_sum / c.n - speed_mean, 2);
      brake_var += std::pow(c.brake_sum / c.n - brake_mean, 2);
    }
    const double speed_std = std::sqrt(speed_var / static_cast<double>(cars.size()));
    const double brake_std = std::sqrt(brake_var / static_cast<double>(cars.size()));
    std::vector<std::string> want;
    for (const auto& [car, c] : cars) {
      if (c.steer == 0) continue;  // t1 join t2: a car without a sharp turn has no row.
      const double speed = c.speed_sum / c.n, brake = c.brake_sum / c.n;
      want.push_back(
          car + "\t" + (std::abs((speed - speed_all) / speed_std) > 2 ? "abnormal" : "normal") +
          "\t" + (std::abs((brake - brake_all) / brake_std) > 2 ? "abnormal" : "normal") + "\t" +
          std::to_string(c.steer) + "\t" + (c.steer > 2000 ? "abnormal" : "normal") + "\t" + day);
    }
    ASSERT_FALSE(want.empty());
    auto got =
        Lines(Hive("-S -e 'select car_number, speed_p_symptom, break_p_symptom, steer_a_cnt, "
                   "steer_p_symptom, biz_date from Managed_SmartCar_Symptom_Info'"));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want);
    // The averages are stored as text; they are the cars' averages.
    for (const auto& line : Lines(Hive("-S -e 'select car_number, speed_p_avg, break_p_avg from "
                                       "Managed_SmartCar_Symptom_Info'"))) {
      const auto f = Split(line, '\t');
      ASSERT_EQ(f.size(), 3u) << line;
      const Car& c = cars.at(f[0]);
      EXPECT_NEAR(std::stod(f[1]), c.speed_sum / c.n, 1e-9) << line;
      EXPECT_NEAR(std::stod(f[2]), c.brake_sum / c.n, 1e-9) << line;
    }
  }
  // Checks 6.114's table and 6.115's export against the buy list.
  void CheckBuyList(const std::string& buy_list, const std::map<std::string, int>& age,
                    const std::string& export_dir) {
    std::map<std::string, std::set<std::string>> items;
    uint64_t managed_buy_rows = 0;
    for (const auto& line : Lines(ReadFile(buy_list))) {
      const auto f = Split(line, ',');
      ASSERT_EQ(f.size(), 4u) << line;
      auto it = age.find(f[0]);
      if (it == age.end() || it->second < 18 || f[3] != "202003") continue;
      ++managed_buy_rows;
      items[f[0]].insert(f[1]);
    }
    ASSERT_GT(managed_buy_rows, 0u);
    EXPECT_EQ(Hive("-S -e 'show partitions Managed_SmartCar_Item_BuyList_Info'"),
              "biz_month=202003\n");
    EXPECT_EQ(Hive("-S -e 'select count(*) from Managed_SmartCar_Item_BuyList_Info'"),
              std::to_string(managed_buy_rows) + "\n");
    std::map<std::string, std::set<std::string>> exported;
    for (const auto& line : Lines(ReadFile(export_dir + "/000000_0"))) {
      const auto f = Split(line, ',');
      ASSERT_GE(f.size(), 2u) << line;
      exported[f[0]] = std::set<std::string>(f.begin() + 1, f.end());
    }
    EXPECT_EQ(exported, items);
  }
  // 6.115 with its local directory moved into the test's temp folder.
  std::string ExportScript(const std::string& export_dir) {
    return Relocated(Pilot("6.115"), "/home/pilot-pjt/item-buy-list", export_dir);
  }
  // The rows written to a local directory by INSERT OVERWRITE LOCAL DIRECTORY, sorted.
  std::vector<std::string> Exported(const std::string& dir) {
    auto rows = Lines(ReadFile(dir + "/000000_0"));
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  // The pilot's chapter-7 HiveQL (7.52, 7.60, 7.82: exports for Mahout and Spark, their local
  // directories moved into the test's temp folder) and Impala SQL (7.34, 7.35) over the tables
  // chapter 6 filled; every exported row computed here from the source files.
  void CheckChapterSeven(const std::string& master_file, const std::vector<std::string>& status,
                         const std::string& driver_log, const std::string& buy_list,
                         const std::string& day) {
    std::map<std::string, std::vector<std::string>> master;  // Car → its 9 fields.
    for (const auto& line : Lines(ReadFile(master_file)))
      master[Split(line, '|')[0]] = Split(line, '|');
    const auto over18 = [&](const std::string& car) {
      auto it = master.find(car);
      return it != master.end() && std::stoi(it->second[2]) >= 18;
    };
    const std::string out = work_.str() + "/chapter7";
    std::string script =
        Relocated(Pilot("7.52"), "/home/pilot-pjt/mahout-data/recommendation/input",
                  out + "/recommendation") +
        ";\n" +
        Relocated(Pilot("7.60"), "/home/pilot-pjt/spark-data/classification/input",
                  out + "/classification") +
        ";\n" +
        Relocated(Pilot("7.82"), "/home/pilot-pjt/mahout-data/clustering/input",
                  out + "/clustering") +
        ";\n";
    WriteFile(work_.file("chapter7.hql"), script);
    Hive("-S -f " + work_.file("chapter7.hql"));

    // 7.52: hash(car_number), hash(item), score of the month's buy list (over-18 buyers).
    std::vector<std::string> want;
    for (const auto& line : Lines(ReadFile(buy_list))) {
      const auto f = Split(line, ',');
      if (!over18(f[0]) || f[3] != "202003") continue;
      want.push_back(std::to_string(HiveStringHash(f[0])) + "," +
                     std::to_string(HiveStringHash(f[1])) + "," + f[2]);
    }
    std::sort(want.begin(), want.end());
    ASSERT_FALSE(want.empty());
    ExpectSameRows(Exported(out + "/recommendation"), want, "recommendation");

    // 7.60: each stored status row with the pilot's score; below 6 is '비정상' (abnormal).
    want.clear();
    size_t abnormal = 0;
    for (const auto& line : status) {
      const auto f = Split(line, ',');
      if (!over18(f[1])) continue;
      const auto& m = master.at(f[1]);
      const int capacity = HiveInt(m[6]), year = HiveInt(m[7]);
      const std::string& model = m[8];
      const auto tire = [](int v) { return v < 10 ? 0.1 : v < 20 ? 0.2 : v < 40 ? 0.4 : 0.5; };
      const auto grade = [](const std::string& g) { return g == "A" ? 1.0 : g == "B" ? 0.5 : 0.0; };
      ASSERT_TRUE(f[10] == "A" || f[10] == "B" || f[10] == "C") << line;
      ASSERT_TRUE(f[11] == "A" || f[11] == "B" || f[11] == "C") << line;
      const int battery = HiveInt(f[12]);
      // Hive adds left to right in double, as the pilot wrote the sum.
      double score =
          tire(HiveInt(f[2])) + tire(HiveInt(f[3])) + tire(HiveInt(f[4])) + tire(HiveInt(f[5]));
      for (int i = 6; i < 10; ++i) score += HiveInt(f[i]) == 2 ? 0.0 : 0.5;
      score += grade(f[10]);
      score += grade(f[11]);
      score += battery < 20 ? 0.2 : battery < 40 ? 0.4 : battery < 60 ? 0.6 : 1.0;
      score += capacity < 1500 ? -0.3 : capacity < 2000 ? -0.2 : -0.1;
      score += year < 2005 ? -0.3 : year < 2010 ? -0.2 : -0.1;
      score += (model == "B" || model == "D" || model == "F" || model == "H") ? -0.3 : 0.0;
      const bool bad = score < 6;
      abnormal += bad ? 1 : 0;
      std::string row;
      for (int i = 1; i < 9; ++i) row += m[i] + ",";
      for (int i = 2; i < 13; ++i) row += f[i] + ",";
      want.push_back(row + (bad ? "비정상" : "정상"));
    }
    std::sort(want.begin(), want.end());
    ASSERT_FALSE(want.empty());
    EXPECT_GT(abnormal, 0u);
    ExpectSameRows(Exported(out + "/classification"), want, "classification");

    // 7.82: the whole master, grouped for clustering, space-separated.
    want.clear();
    for (const auto& [car, m] : master) {
      const int capacity = HiveInt(m[6]), age = HiveInt(m[2]);
      const int since = 2016 - HiveInt(m[7]);
      const std::string size = capacity < 2000   ? "소형"
                               : capacity < 3000 ? "중형"
                               : capacity < 4000 ? "대형"
                                                 : "\\N";
      const std::string year = since <= 4 ? "NEW" : since <= 8 ? "NORMAL" : "OLD";
      const long owner_age = static_cast<long>(std::floor(age * 0.1)) * 10;
      want.push_back(car + " " + size + " " + year + " " + m[8] + " " + m[1] + " " +
                     std::to_string(owner_age) + " " + m[3] + " " + m[5] + " " + m[4]);
    }
    std::sort(want.begin(), want.end());
    ExpectSameRows(Exported(out + "/clustering"), want, "clustering");

    // 7.34 (Impala): the symptom table of the pilot's day 2020-03-22 — none in this run; the
    // same statement on this run's day returns every symptom row.
    const std::string q734 = Pilot("7.34", ".sql");
    WriteFile(work_.file("7.34.sql"), q734);
    EXPECT_EQ(Hive("-S -f " + work_.file("7.34.sql")), "");
    WriteFile(work_.file("7.34-today.sql"), Relocated(q734, "20200322", day));
    EXPECT_EQ(Lines(Hive("-S -f " + work_.file("7.34-today.sql"))).size(),
              Lines(Hive("-S -e 'select * from Managed_SmartCar_Symptom_Info'")).size());

    // 7.35 (Impala): per area, the car(s) with the highest average speed of the day.
    struct Sum {
      int64_t speed = 0, n = 0;
    };
    std::map<std::string, std::map<std::string, Sum>> by_area;
    for (const auto& line : Lines(ReadFile(driver_log))) {
      const auto f = Split(line, ',');
      if (f[0].rfind(day, 0) != 0 || !over18(f[1])) continue;
      Sum& s = by_area[f[7]][f[1]];
      s.speed += HiveInt(f[6]);
      ++s.n;
    }
    std::map<std::string, std::set<std::string>> top;  // Area → its fastest cars (ties too).
    for (const auto& [area, cars] : by_area) {
      Sum best;
      for (const auto& [car, s] : cars) {
        if (best.n == 0 || s.speed * best.n > best.speed * s.n) best = s;
      }
      for (const auto& [car, s] : cars) {
        if (s.speed * best.n == best.speed * s.n) top[area].insert(car);
      }
    }
    ASSERT_FALSE(top.empty());
    WriteFile(work_.file("7.35.sql"), Pilot("7.35", ".sql"));
    std::map<std::string, std::set<std::string>> got;
    for (const auto& line : Lines(Hive("-S -f " + work_.file("7.35.sql")))) {
      const auto f = Split(line, '\t');
      ASSERT_EQ(f.size(), 3u) << line;
      const Sum& s = by_area.at(f[0]).at(f[1]);
      EXPECT_NEAR(std::stod(f[2]), static_cast<double>(s.speed) / static_cast<double>(s.n), 1e-9)
          << line;
      got[f[0]].insert(f[1]);
    }
    EXPECT_EQ(got, top);
  }
  TempDir data_;
  TempDir work_;
};

TEST_F(HiveCliTest, ThePilotsChapterSixRunsUnchangedAndEveryTableIsRight) {
  // The pilot's own status log, placed where its collector would have put it.
  const std::string day = "20220426";
  const std::string status_gz =
      std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarStatusInfo_20220426_10cars.txt.gz";
  const std::string hdfs = data_.str() + "/hdfs/pilot-pjt/collect";
  fs::create_directories(hdfs + "/car-batch-log/wrk_date=" + day);
  fs::copy_file(status_gz, hdfs + "/car-batch-log/wrk_date=" + day + "/FlumeData.1.gz");
  ASSERT_EQ(RunSmartcar("gen master --cars 10 --out " + hdfs + "/car-master").exit_code, 0);
  ASSERT_EQ(
      RunSmartcar("gen buylist --month 202003 --cars 10 --lines 3000 --out " + hdfs + "/buy-list")
          .exit_code,
      0);

  // The pilot's files in the pilot's order; only 6.115's local directory moves into the test's
  // temp folder.
  const std::string export_dir = work_.str() + "/item-buy-list";
  std::string script = ChapterSixStatusScript();
  for (const char* f : {"6.60", "6.113", "6.114"}) script += Pilot(f) + ";\n";
  script += ExportScript(export_dir) + ";\n";
  WriteFile(work_.file("chapter6.hql"), script);
  Hive("-f " + work_.file("chapter6.hql") + " --hivevar working_day=" + day);

  const auto age = ReadAges(hdfs + "/car-master/CarMaster.txt");
  const auto status = RunCommand("zcat " + status_gz);
  ASSERT_EQ(status.exit_code, 0);
  const StatusExpectation want = ExpectStatus(Lines(status.out), age, day);
  ASSERT_GT(want.cars, 0u);
  ASSERT_FALSE(want.emergency.empty());
  CheckStatusTables(want, day);

  CheckBuyList(hdfs + "/buy-list/CarItemBuyList_202003.txt", age, export_dir);
}

TEST_F(HiveCliTest, ThePilotsChapterSixInItsOrderOnTheProductsOwnData) {
  // The product's own day: `smartcar run` drives it (DriverCarInfo, the pilot's HBase table);
  // gen status → the spool folder → `smartcar collect` with the shipped agent config (the pilot's
  // spooldir → hdfs sink to /pilot-pjt/collect/%{logType}/wrk_date=%Y%m%d, the collection day)
  // → the pilot's LOCATION, unedited; the master and the buy list from the simulators, one fleet
  // (the same seed). Then the pilot's chapter-6 HiveQL in the pilot's order, working_day = the
  // collection day, and every result table checked against a computation written here.
  const auto today = [] {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof(buf), "%Y%m%d", &tm);
    return std::string(buf);
  };
  const std::string day = today();
  const std::string data = data_.str();
  auto run = RunSmartcar("run --fast --cars 10 --seconds 600 --seed 3 --date " + day +
                         " --metrics-port off --no-scheduler --data " + data);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  fs::create_directories(data + "/spool");
  ASSERT_EQ(RunSmartcar("gen status --date " + day + " --cars 10 --seed 3 --out " + work_.str())
                .exit_code,
            0);
  const std::string generated = work_.file("SmartCarStatusInfo_" + day + ".txt");
  fs::copy_file(generated, data + "/spool/SmartCarStatusInfo_" + day + ".txt");
  std::string conf = ReadFile(std::string(SMARTCAR_SOURCE_DIR) + "/conf/smartcar-agent.properties");
  for (size_t at = conf.find("smartcar-data/"); at != std::string::npos;
       at = conf.find("smartcar-data/", at)) {
    conf.replace(at, std::string("smartcar-data/").size(), data + "/");
  }
  WriteFile(work_.file("agent.properties"), conf);
  auto collect = RunSmartcar("collect --conf " + work_.file("agent.properties") +
                             " --name SmartCar_Agent --drain --data " + data);
  ASSERT_EQ(collect.exit_code, 0) << collect.out;
  if (today() != day) GTEST_SKIP() << "the UTC day changed while collecting";
  const std::string hdfs = data + "/hdfs/pilot-pjt/collect";
  ASSERT_TRUE(fs::is_directory(hdfs + "/car-batch-log/wrk_date=" + day));
  ASSERT_EQ(RunSmartcar("gen master --cars 10 --seed 3 --out " + hdfs + "/car-master").exit_code,
            0);
  ASSERT_EQ(RunSmartcar("gen buylist --month 202003 --cars 10 --seed 3 --lines 2000 --out " + hdfs +
                        "/buy-list")
                .exit_code,
            0);

  const std::string export_dir = work_.str() + "/item-buy-list";
  std::string script;
  for (const char* f : {"6.44", "6.46", "6.48", "6.51", "6.58", "6.60"}) script += Pilot(f) + ";\n";
  // SmartCar_Master_Over18 is a CTAS in the book's text (no file of its own).
  script +=
      "create table SmartCar_Master_Over18 as select * from SmartCar_Master where age >= 18;\n";
  for (const char* f : {"6.69", "6.70", "6.71", "6.97", "6.98", "6.99", "6.100", "6.102", "6.103",
                        "6.105", "6.110", "6.111", "6.113", "6.114"}) {
    script += Pilot(f) + ";\n";
  }
  script += ExportScript(export_dir) + ";\n";
  WriteFile(work_.file("chapter6.hql"), script);
  Hive("-f " + work_.file("chapter6.hql") + " --hivevar working_day=" + day);

  const auto age = ReadAges(hdfs + "/car-master/CarMaster.txt");
  // The collector dropped the header lines (regex_filter ^\d{14}) and appended the collection
  // day to each line (a 14th field Hive ignores).
  std::vector<std::string> lines;
  for (const auto& line : Lines(ReadFile(generated))) {
    if (line.size() >= 14 && std::all_of(line.begin(), line.begin() + 14, ::isdigit)) {
      lines.push_back(line);
    }
  }
  const StatusExpectation want = ExpectStatus(lines, age, day);
  ASSERT_GT(want.cars, 0u);
  CheckStatusTables(want, day);
  EXPECT_EQ(Hive("-S -e 'select count(*) from SmartCar_Status_Info'"),
            std::to_string(lines.size()) + "\n");
  CheckDriveTables(data + "/logs/SmartCarDriverInfo.log", age, day);
  CheckBuyList(hdfs + "/buy-list/CarItemBuyList_202003.txt", age, export_dir);
  CheckChapterSeven(hdfs + "/car-master/CarMaster.txt", lines,
                    data + "/logs/SmartCarDriverInfo.log",
                    hdfs + "/buy-list/CarItemBuyList_202003.txt", day);
  // One fleet: every car of the status day drove that day and bought something in the month.
  std::set<std::string> status_cars, driving_cars, buyers;
  for (const auto& l : lines) status_cars.insert(Split(l, ',')[1]);
  for (const auto& l : Lines(ReadFile(data + "/logs/SmartCarDriverInfo.log"))) {
    if (l.rfind(day, 0) == 0) driving_cars.insert(Split(l, ',')[1]);
  }
  for (const auto& l : Lines(ReadFile(hdfs + "/buy-list/CarItemBuyList_202003.txt"))) {
    buyers.insert(Split(l, ',')[0]);
  }
  EXPECT_EQ(status_cars.size(), 10u);
  EXPECT_EQ(driving_cars, status_cars);
  EXPECT_EQ(buyers, status_cars);
}

TEST_F(HiveCliTest, TwoProcessesAddingPartitionsLoseNoUpdate) {
  Hive("-e \"create external table days (s string) partitioned by (d string) location '/days'\"");
  std::string a, b;
  for (int i = 0; i < 15; ++i) {
    a += "alter table days add partition (d='a" + std::to_string(i) + "');";
    b += "alter table days add partition (d='b" + std::to_string(i) + "');";
  }
  WriteFile(work_.file("a.hql"), a);
  WriteFile(work_.file("b.hql"), b);
  const std::string hive = std::string(SMARTCAR_BINARY) + " hive -S --data " + data_.str() + " -f ";
  auto r = RunCommand("(" + hive + work_.file("a.hql") + " & " + hive + work_.file("b.hql") +
                      " & wait)");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Lines(Hive("-S -e 'show partitions days'")).size(), 30u);
}

TEST_F(HiveCliTest, FailuresSayFailedWithWhereAndStopTheScript) {
  WriteFile(
      work_.file("bad.hql"),
      "create table t (a string);\n-- fine so far\ncreate table u (a int)\n  clustered by (a) "
      "into 2 buckets;\ncreate table never (a int);\n");
  const std::string out = Hive("-f " + work_.file("bad.hql"), 1);
  EXPECT_NE(out.find("FAILED: line 4:3 not supported: CLUSTERED BY"), std::string::npos) << out;
  EXPECT_EQ(Hive("-S -e 'show tables'"), "t\n");
  // --hivevar needs k=v; -e and -f together are refused.
  Hive("--hivevar nothing -e 'show tables'", 2);
  Hive("-e 'show tables' -f " + work_.file("bad.hql"), 2);
}

TEST_F(HiveCliTest, SqlSeesHiveTablesAndRunsHiveQL) {
  fs::create_directories(data_.str() + "/hdfs/x");
  WriteFile(data_.str() + "/hdfs/x/a.txt", "1\x01one\n2\x01two\n");
  Hive("-e \"create external table pairs (n int, s string) location '/x'\"");
  auto r = RunSmartcar("sql --data " + data_.str() +
                       " --format csv -e 'SELECT sum(n) AS total FROM hive.pairs'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "total\n3\n");
  r = RunSmartcar(
      "sql --data " + data_.str() +
      " --dialect hive -e 'set hive.cli.print.header=true; select s from pairs where n = 2'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("s\ntwo\n"), std::string::npos) << r.out;
  // `warehouse partitions` lists a Hive table's partition folders.
  fs::create_directories(data_.str() + "/hdfs/p/d=1");
  WriteFile(data_.str() + "/hdfs/p/d=1/f", "a\nb\n");
  Hive(
      "-e \"create external table parted (s string) partitioned by (d string) location '/p'; "
      "msck repair table parted\"");
  r = RunSmartcar("warehouse partitions parted --format csv --data " + data_.str());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "partition,files,bytes,path\nd=1,1,4," + data_.str() + "/hdfs/p/d=1\n");
}

}  // namespace
}  // namespace smartcar::hive

#include "gen/reference_data.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <vector>

#include "core/line_codec.h"
#include "gen/driver_simulator.h"
#include "gen/status_simulator.h"
#include "test_util.h"

namespace smartcar::gen {
namespace {

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, sep)) out.push_back(field);
  return out;
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(testing::ReadFile(path));
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

bool IsCarNumber(const std::string& s) {
  return s.size() == 5 && s[0] >= 'A' && s[0] <= 'Z' &&
         s.find_first_not_of("0123456789", 1) == std::string::npos;
}

// The car numbers of a master file.
std::set<std::string> MasterCars(const std::string& path) {
  std::set<std::string> cars;
  for (const std::string& line : Lines(path)) cars.insert(line.substr(0, line.find('|')));
  return cars;
}

TEST(ReferenceDataTest, TheMasterHasThePilotsFormatAndValues) {
  testing::TempDir dir;
  auto n = RunMasterSimulator({100, 7}, dir.str());
  ASSERT_TRUE(n.has_value()) << n.error().ToString();
  EXPECT_EQ(*n, 2600u);  // A0001..Z0100, as the pilot's CH06/CarMaster.txt.
  const auto lines = Lines(dir.file("CarMaster.txt"));
  ASSERT_EQ(lines.size(), 2600u);
  EXPECT_EQ(lines.front().substr(0, 6), "A0001|");
  EXPECT_EQ(lines.back().substr(0, 6), "Z0100|");
  const std::set<std::string> sexes = {"남", "여"}, marriages = {"기혼", "미혼"},
                              jobs = {"개인사업", "공무원", "전문직", "주부",
                                      "프리랜서", "학생",   "회사원"},
                              capacities = {"1000", "1200", "1500", "1700",
                                            "2000", "2500", "3000", "3500"};
  std::set<std::string> cars, seen_jobs, seen_regions;
  for (const std::string& line : lines) {
    const auto f = Split(line, '|');
    ASSERT_EQ(f.size(), 9u) << line;
    EXPECT_TRUE(IsCarNumber(f[0])) << line;
    cars.insert(f[0]);
    EXPECT_EQ(sexes.count(f[1]), 1u) << line;
    EXPECT_GE(std::stoi(f[2]), 15) << line;
    EXPECT_LE(std::stoi(f[2]), 70) << line;
    EXPECT_EQ(marriages.count(f[3]), 1u) << line;
    seen_regions.insert(f[4]);
    EXPECT_EQ(jobs.count(f[5]), 1u) << line;
    seen_jobs.insert(f[5]);
    EXPECT_EQ(capacities.count(f[6]), 1u) << line;
    EXPECT_GE(std::stoi(f[7]), 2000) << line;
    EXPECT_LE(std::stoi(f[7]), 2016) << line;
    ASSERT_EQ(f[8].size(), 1u) << line;
    EXPECT_TRUE(f[8][0] >= 'A' && f[8][0] <= 'H') << line;
  }
  EXPECT_EQ(cars.size(), 2600u);        // Each car once.
  EXPECT_EQ(seen_jobs, jobs);           // Every value occurs.
  EXPECT_EQ(seen_regions.size(), 17u);  // The 17 regions.
}

TEST(ReferenceDataTest, SameSeedSameBytesAndAnotherSeedOtherPeople) {
  testing::TempDir a, b, c;
  ASSERT_TRUE(RunMasterSimulator({100, 3}, a.str()).has_value());
  ASSERT_TRUE(RunMasterSimulator({100, 3}, b.str()).has_value());
  ASSERT_TRUE(RunMasterSimulator({100, 4}, c.str()).has_value());
  const std::string one = testing::ReadFile(a.file("CarMaster.txt"));
  EXPECT_EQ(one, testing::ReadFile(b.file("CarMaster.txt")));
  EXPECT_NE(one, testing::ReadFile(c.file("CarMaster.txt")));
}

// The master holds every car the driving and status logs of the same --cars can name, whatever
// their seeds; the buy list names only cars of the master.
TEST(ReferenceDataTest, EveryCarOfTheLogsAndTheBuyListIsInTheMaster) {
  testing::TempDir dir;
  ASSERT_TRUE(RunMasterSimulator({150, 1}, dir.str()).has_value());
  const std::set<std::string> master = MasterCars(dir.file("CarMaster.txt"));
  EXPECT_EQ(master.size(), 26u * 150);
  for (uint64_t seed : {1u, 2u, 99u}) {
    DriverSimOptions o;
    o.cars = 150;
    o.seed = seed;
    DriverSimulator sim(o);
    for (const CarNumber& car : sim.cars()) {
      EXPECT_EQ(master.count(std::string(car.view())), 1u) << car.view();
    }
  }
  testing::TempDir small;
  ASSERT_TRUE(RunMasterSimulator({3, 1}, small.str()).has_value());
  const std::set<std::string> small_master = MasterCars(small.file("CarMaster.txt"));
  StatusSimOptions so;
  so.day = *ParseDate8("20220426");
  so.cars = 3;
  so.seed = 5;
  StatusRunStats stats;
  ASSERT_TRUE(RunStatusSimulator(so, small.str(), nullptr, {}, &stats).ok());
  std::set<std::string> status_cars;
  for (const std::string& line : Lines(stats.path)) status_cars.insert(Split(line, ',')[1]);
  ASSERT_EQ(status_cars.size(), 3u);
  for (const std::string& car : status_cars) EXPECT_EQ(small_master.count(car), 1u) << car;

  auto n = RunBuyListSimulator({"202003", 150, 5000, 1}, dir.str());
  ASSERT_TRUE(n.has_value()) << n.error().ToString();
  EXPECT_EQ(*n, 5000u);
  const auto lines = Lines(dir.file("CarItemBuyList_202003.txt"));
  ASSERT_EQ(lines.size(), 5000u);
  std::set<std::string> items;
  for (const std::string& line : lines) {
    const auto f = Split(line, ',');
    ASSERT_EQ(f.size(), 4u) << line;
    EXPECT_EQ(master.count(f[0]), 1u) << line;
    ASSERT_EQ(f[1].substr(0, 5), "Item-") << line;
    const int item = std::stoi(f[1].substr(5));
    EXPECT_GE(item, 1) << line;
    EXPECT_LE(item, 30) << line;
    items.insert(f[1]);
    EXPECT_GE(std::stoi(f[2]), 1) << line;
    EXPECT_LE(std::stoi(f[2]), 5) << line;
    EXPECT_EQ(f[3], "202003") << line;
  }
  EXPECT_EQ(items.size(), 30u);
}

TEST(ReferenceDataTest, EachMonthItsOwnPurchasesAndBadOptionsAreNamed) {
  testing::TempDir a, b;
  ASSERT_TRUE(RunBuyListSimulator({"202003", 100, 1000, 1}, a.str()).has_value());
  ASSERT_TRUE(RunBuyListSimulator({"202003", 100, 1000, 1}, b.str()).has_value());
  ASSERT_TRUE(RunBuyListSimulator({"202004", 100, 1000, 1}, a.str()).has_value());
  const std::string march = testing::ReadFile(a.file("CarItemBuyList_202003.txt"));
  EXPECT_EQ(march, testing::ReadFile(b.file("CarItemBuyList_202003.txt")));
  std::string april = testing::ReadFile(a.file("CarItemBuyList_202004.txt"));
  for (size_t at = 0; (at = april.find("202004", at)) != std::string::npos;) {
    april.replace(at, 6, "202003");
  }
  EXPECT_NE(march, april);  // Not the same purchases with another month written on them.
  for (const char* bad : {"2020-3", "202013", "20200", ""}) {
    auto r = RunBuyListSimulator({bad, 100, 10, 1}, a.str());
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_TRUE(r.error().IsInvalidArgument());
    EXPECT_NE(r.error().message().find("--month"), std::string::npos) << r.error().ToString();
  }
  EXPECT_FALSE(RunBuyListSimulator({"202003", 0, 10, 1}, a.str()).has_value());
  EXPECT_FALSE(RunMasterSimulator({10000, 1}, a.str()).has_value());
}

}  // namespace
}  // namespace smartcar::gen

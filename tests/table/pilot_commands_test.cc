// End to end: every HBase command of SPEC §1 "Commands the seeds run", verbatim, through the
// smartcar binary on the pilot's own driving-log sample, checked against what HBase returns on
// the same data (computed here straight from the log file).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;

constexpr const char* kSample = SMARTCAR_PILOT_SAMPLES "/SmartCarDriverInfo_20220426_20cars.log";
constexpr const char* kQualifiers[] = {"date",        "car_number",   "speed_pedal", "break_pedal",
                                       "steer_angle", "direct_light", "speed",       "area_number"};

// Row key -> the 8 field values, from the raw log (header lines skipped), as HBase holds them.
std::map<std::string, std::vector<std::string>> ExpectedRows() {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream in(testing::ReadFile(kSample));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    std::vector<std::string> f;
    std::istringstream fields(line);
    std::string x;
    while (std::getline(fields, x, ',')) f.push_back(x);
    std::string key(f[0].rbegin(), f[0].rend());
    rows[key + "-" + f[1]] = f;
  }
  return rows;
}

// Row keys and "qualifier=value" cells of a scan's output.
std::map<std::string, std::map<std::string, std::string>> ParseScan(const std::string& out) {
  std::map<std::string, std::map<std::string, std::string>> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    const size_t col = line.find("column=cf1:");
    if (line.empty() || line[0] != ' ' || col == std::string::npos) continue;
    const std::string key = line.substr(1, line.find(' ', 1) - 1);
    const size_t q = col + 11;
    const std::string qual = line.substr(q, line.find(',', q) - q);
    const size_t v = line.find(", value=") + 8;
    rows[key][qual] = line.substr(v);
  }
  return rows;
}

// What the shell printed between the nth "Took X seconds" line and the next one.
std::string Section(const std::string& out, size_t nth_took) {
  size_t start = 0;
  for (size_t i = 0; i < nth_took; ++i) start = out.find('\n', out.find("Took ", start)) + 1;
  const size_t end = out.find("Took ", start);
  return out.substr(start, end - start);
}

TEST(PilotCommandsTest, SeedsHBaseCommandsVerbatim) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.str();
  // hbase RegionSplitter DriverCarInfo HexStringSplit -c 2 -f cf1
  auto split = RunSmartcar("table split DriverCarInfo HexStringSplit -c 2 -f cf1" + data);
  ASSERT_EQ(split.exit_code, 0) << split.out;
  EXPECT_NE(split.out.find("['', '80000000') ['80000000', '')"), std::string::npos) << split.out;
  // The pilot's topology stored every driving line; `table load` does the same for the sample.
  auto load = RunSmartcar("table load" + data + " " + kSample);
  ASSERT_EQ(load.exit_code, 0) << load.out;

  const std::string script =
      "create 'smartcar_test_table', 'cf'\n"
      "put 'smartcar_test_table', 'row-key1', 'cf:model', 'Z0001'\n"
      "get 'smartcar_test_table', 'row-key1'\n"
      "disable 'smartcar_test_table'\n"
      "enable 'smartcar_test_table'\n"
      "drop 'smartcar_test_table'\n"
      "disable 'smartcar_test_table'\n"
      "drop 'smartcar_test_table'\n"
      "count 'DriverCarInfo'\n"
      "scan 'DriverCarInfo', {STARTROW=>'00016062402202-O0010', LIMIT=>2}\n"
      "scan 'DriverCarInfo', {COLUMNS=>['cf1:car_number','cf1:area_number'],\n"
      "         FILTER=>\"RowFilter(=,'regexstring:62402202') AND "
      "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')\"}\n"
      "describe 'DriverCarInfo'\n";
  testing::WriteFile(dir.file("seeds.hbase"), script);
  auto r = RunSmartcar("shell" + data + " < " + dir.file("seeds.hbase"));
  // The first `drop` fails as in HBase (table enabled), so the script's exit code is 1.
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string& out = r.out;

  EXPECT_EQ(Section(out, 0), "Created table smartcar_test_table\n");
  EXPECT_EQ(Section(out, 1), "=> Hbase::Table - smartcar_test_table\n");  // put: no output
  const std::string get = Section(out, 2);
  EXPECT_NE(get.find(" cf:model"), std::string::npos) << get;
  EXPECT_NE(get.find(", value=Z0001\n1 row(s)\n"), std::string::npos) << get;
  EXPECT_EQ(Section(out, 3), "");  // disable
  EXPECT_EQ(Section(out, 4), "");  // enable
  EXPECT_EQ(Section(out, 5),
            "ERROR: Table smartcar_test_table is enabled. Disable it first.\n\n"
            "For usage try 'help \"drop\"'\n\n");
  EXPECT_EQ(Section(out, 7), "");  // The second drop succeeds.

  const auto expected = ExpectedRows();
  ASSERT_EQ(expected.size(), 4709u);  // 4,729 lines minus 20 header lines.
  const std::string count = Section(out, 8);
  auto it = expected.begin();
  std::advance(it, 999);
  EXPECT_NE(count.find("Current count: 1000, row: " + it->first + "\n"), std::string::npos)
      << count;
  EXPECT_NE(count.find("Current count: 4000, row: "), std::string::npos);
  EXPECT_EQ(count.find("Current count: 5000"), std::string::npos);
  EXPECT_NE(count.find("4709 row(s)\n"), std::string::npos) << count;
  EXPECT_NE(out.find("=> 4709\n"), std::string::npos);

  // STARTROW is inclusive, LIMIT counts rows; every cell of the two rows is there.
  const auto first_two = ParseScan(Section(out, 9));
  auto from = expected.lower_bound("00016062402202-O0010");
  ASSERT_EQ(first_two.size(), 2u);
  for (int i = 0; i < 2; ++i, ++from) {
    ASSERT_TRUE(first_two.count(from->first)) << from->first;
    const auto& cells = first_two.at(from->first);
    ASSERT_EQ(cells.size(), 8u);
    for (int q = 0; q < 8; ++q) EXPECT_EQ(cells.at(kQualifiers[q]), from->second[q]);
  }
  EXPECT_NE(Section(out, 9).find("2 row(s)\n"), std::string::npos);

  // The seeds' filtered scan: rows of 2022-04-26 (reversed date in the key) in area F06, only
  // the two requested columns.
  const std::string filtered = Section(out, 10);
  const auto rows = ParseScan(filtered);
  size_t want = 0;
  for (const auto& [key, f] : expected) {
    if (key.find("62402202") == std::string::npos || f[7].find("F06") == std::string::npos) {
      EXPECT_EQ(rows.count(key), 0u) << key;
      continue;
    }
    ++want;
    ASSERT_EQ(rows.count(key), 1u) << key;
    EXPECT_EQ(rows.at(key).size(), 2u);
    EXPECT_EQ(rows.at(key).at("car_number"), f[1]);
    EXPECT_EQ(rows.at(key).at("area_number"), "F06");
  }
  EXPECT_GT(want, 0u);
  EXPECT_EQ(rows.size(), want);
  EXPECT_NE(filtered.find(std::to_string(want) + " row(s)\n"), std::string::npos);

  // describe shows the two pre-split regions and their row counts.
  const std::string desc = out.substr(out.find("Table DriverCarInfo is ENABLED"));
  size_t low = 0;
  for (const auto& [key, f] : expected) low += key < "80000000" ? 1 : 0;
  EXPECT_NE(desc.find("{START => '', END => '80000000', ROWS => " + std::to_string(low)),
            std::string::npos)
      << desc;
  EXPECT_NE(desc.find("{START => '80000000', END => '', ROWS => " +
                      std::to_string(expected.size() - low)),
            std::string::npos);
}

TEST(PilotCommandsTest, ModifyOneColumnOfAStoredRow) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.str();
  ASSERT_EQ(RunSmartcar("table load" + data + " " + kSample).exit_code, 0);
  auto r = RunSmartcar("shell" + data +
                       " -e \"put 'DriverCarInfo', '00100062402202-A0006', 'cf1:speed', '60'; "
                       "get 'DriverCarInfo', '00100062402202-A0006'\"");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("value=60\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("value=D07\n"), std::string::npos) << r.out;  // area_number untouched.
  EXPECT_NE(r.out.find("1 row(s)"), std::string::npos);
}

TEST(PilotCommandsTest, ReadOnlyShellReadsAndRefusesWrites) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.str();
  ASSERT_EQ(RunSmartcar("table load" + data + " " + kSample).exit_code, 0);
  auto r = RunSmartcar("shell --read-only" + data +
                       " -e \"get 'DriverCarInfo', '00100062402202-A0006', 'cf1:area_number'\"");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("value=D07\n"), std::string::npos) << r.out;
  r = RunSmartcar("shell --read-only" + data +
                  " -e \"put 'DriverCarInfo', '00100062402202-A0006', 'cf1:speed', '60'\"");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("read-only"), std::string::npos) << r.out;
  r = RunSmartcar("shell" + data + " -e \"get 'DriverCarInfo', '00100062402202-A0006'\"");
  EXPECT_EQ(r.out.find("value=60\n"), std::string::npos) << "the refused put wrote: " << r.out;
}

}  // namespace
}  // namespace smartcar

// HiveQL on a real embedded DuckDB: tables over files written here, each Hive semantic checked
// against values computed in the test.
#include <gtest/gtest.h>

#include <filesystem>

#include "hive/hive.h"
#include "test_util.h"

namespace smartcar::hive {
namespace {

namespace fs = std::filesystem;
using smartcar::testing::ReadFile;
using smartcar::testing::TempDir;
using smartcar::testing::WriteFile;

class HiveSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Session::Open({.data_dir = dir_.str()});
    ASSERT_TRUE(s) << s.error().message();
    session_ = std::move(*s);
  }
  // Runs `script`; returns the rows of the last statement that had rows, tab-separated.
  std::string Run(const std::string& script) {
    std::string last;
    messages_.clear();
    Status s = session_->RunScript(script, [&](const Output& o) {
      if (o.has_rows) last = FormatRows(o.rows, false);
      for (const auto& m : o.messages) messages_ += m + "\n";
    });
    EXPECT_TRUE(s.ok()) << s.message() << "\nin: " << script;
    return last;
  }
  Status RunError(const std::string& script) {
    return session_->RunScript(script, [](const Output&) {});
  }
  std::string Hdfs(const std::string& path) { return dir_.str() + "/hdfs/" + path; }
  void Put(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(Hdfs(path)).parent_path());
    WriteFile(Hdfs(path), content);
  }

  TempDir dir_;
  std::unique_ptr<Session> session_;
  std::string messages_;
};

constexpr const char* kStatusDdl =
    "create external table if not exists SmartCar_Status_Info (reg_date string, car_number "
    "string, battery string) partitioned by (wrk_date string) row format delimited fields "
    "terminated by ',' stored as textfile location '/pilot-pjt/collect/car-batch-log/'";

TEST_F(HiveSessionTest, AnExternalTableReadsOnlyItsPartitionsWithHiveTextSemantics) {
  Put("pilot-pjt/collect/car-batch-log/wrk_date=20220426/FlumeData.1",
      "20220426101010,A0001,55\n20220426101011,A0002,\\N\n20220426101012,A0003\n"
      "20220426101013,A0004,70,extra\n20220426101014,A0005,\n");
  // In use by the hdfs sink (.tmp), hidden, or in a partition never added: not read.
  Put("pilot-pjt/collect/car-batch-log/wrk_date=20220426/FlumeData.2.tmp", "x,B0001,1\n");
  Put("pilot-pjt/collect/car-batch-log/wrk_date=20220426/.hidden", "x,B0002,1\n");
  Put("pilot-pjt/collect/car-batch-log/wrk_date=20220427/FlumeData.3", "x,C0001,1\n");
  Run(std::string(kStatusDdl) +
      ";\nALTER TABLE SmartCar_Status_Info ADD PARTITION(wrk_date='20220426');");
  EXPECT_EQ(
      Run("select car_number, battery, wrk_date from SmartCar_Status_Info order by car_number"),
      "A0001\t55\t20220426\nA0002\tNULL\t20220426\nA0003\tNULL\t20220426\n"
      "A0004\t70\t20220426\nA0005\t\t20220426\n");
  EXPECT_EQ(Run("show partitions SmartCar_Status_Info"), "wrk_date=20220426\n");
  // MSCK REPAIR adds the folder that has no partition yet.
  Run("msck repair table SmartCar_Status_Info");
  EXPECT_NE(messages_.find("smartcar_status_info:wrk_date=20220427"), std::string::npos)
      << messages_;
  EXPECT_EQ(Run("select count(*) from SmartCar_Status_Info where wrk_date = '20220427'"), "1\n");
  // DROP PARTITION of an external table keeps the files.
  Run("alter table SmartCar_Status_Info drop partition (wrk_date='20220427')");
  EXPECT_EQ(Run("select count(*) from SmartCar_Status_Info"), "5\n");
  EXPECT_TRUE(fs::exists(Hdfs("pilot-pjt/collect/car-batch-log/wrk_date=20220427/FlumeData.3")));
}

TEST_F(HiveSessionTest, StringsAreReadAsNumbersWhereHiveDoes) {
  Put("t/data.txt",
      "A,10,12.7,2022042612\nA,20,x,2022042613\nB,59,-3.5,2022042614\nB,61,\\N,2022042615\n");
  Run("create external table t (car string, battery string, v string, d string) row format "
      "delimited fields terminated by ',' location '/t'");
  // battery < 60 compares numbers (a string comparison would put '100' before '60'); avg over
  // strings; a value that is not a number is NULL; substring(s, 0, n) starts at 1.
  EXPECT_EQ(
      Run("select car, avg(battery) as a from t where battery < 60 group by car order by car"),
      "A\t15.0\nB\t59.0\n");
  EXPECT_EQ(Run("select cast(v as int), floor(v), substring(d, 0, 8), substr(d, 9) from t "
                "where car = \"A\" order by d"),
            "12\t12\t20220426\t12\nNULL\tNULL\t20220426\t13\n");
  EXPECT_EQ(Run("select sum(v), count(v), 1/0 from t"), "9.2\t3\tNULL\n");
  // Window functions as in Hive (the order of a string column is the strings' order).
  EXPECT_EQ(Run("select car, d, rank() over (partition by car order by battery desc) from t order "
                "by car, d"),
            "A\t2022042612\t2\nA\t2022042613\t1\nB\t2022042614\t2\nB\t2022042615\t1\n");
  // concat is NULL when an argument is (DuckDB's skips NULLs).
  EXPECT_EQ(
      Run("select concat(car, v), concat(car, '-', battery, 1) from t where d = '2022042615'"),
      "NULL\tB-611\n");
  // DISTRIBUTE BY is dropped (one process, one reducer); SORT BY and CLUSTER BY order the rows.
  EXPECT_EQ(Run("select d from t distribute by car sort by d desc"),
            "2022042615\n2022042614\n2022042613\n2022042612\n");
  EXPECT_EQ(Run("select car, d from t cluster by d"),
            "A\t2022042612\nA\t2022042613\nB\t2022042614\nB\t2022042615\n");
  EXPECT_EQ(Run("select count(*) from (select d from t distribute by concat(car, '-') sort by d "
                "limit 3) x"),
            "3\n");
  EXPECT_EQ(Run("select count(*) from (select d from t distribute by car) x"), "4\n");
  // A literal with a point is a DOUBLE in Hive (a DECIMAL only with BD): 0.1 + 0.2 is not 0.3,
  // and the pilot's sum of scores in 7.60 lands just under 6 where exact decimals give 6.
  EXPECT_EQ(Run("select 0.1 + 0.2 = 0.3, 0.1BD + 0.2BD = 0.3BD, 0.5 + 0.4 + 0.4 + 0.5 + 0.5 + "
                "0.5 + 0.5 + 0.5 + 1.0 + 1.0 + 0.6 - 0.2 - 0.2 < 6, 1e1, 10L + 1"),
            "false\ttrue\ttrue\t10.0\t11\n");
  // collect_set's order is unspecified (in Hive too).
  const std::string set =
      Run("select `car`, concat_ws(\",\", collect_set(battery)) from t where car = 'B' "
          "group by car");
  EXPECT_TRUE(set == "B\t59,61\n" || set == "B\t61,59\n") << set;
}

TEST_F(HiveSessionTest, InsertOverwriteWithDynamicPartitionsReplacesOnlyThePartitionsWritten) {
  Put("src/a.txt", "A0001,20220426101010,7\nA0002,20220426111111,\\N\nA0003,20220427090000,9\n");
  Run("create external table src (car string, reg string, n int) row format delimited fields "
      "terminated by ',' location '/src';\n"
      "create table if not exists m (car string, n int, reg string) partitioned by (biz_date "
      "string) row format delimited fields terminated by ',' stored as textfile;");
  // Hive's default is strict: every partition column dynamic is refused.
  Status strict = RunError(
      "insert overwrite table m partition(biz_date) select car, n, reg, "
      "substring(reg, 0, 8) from src");
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.message().find("hive.exec.dynamic.partition.mode=nonstrict"), std::string::npos);
  Run("set hive.exec.dynamic.partition=true;\nset hive.exec.dynamic.partition.mode=nonstrict;\n"
      "insert overwrite table m partition(biz_date) select car, n, reg, substring(reg, 0, 8) as "
      "biz_date from src");
  const std::string m = Hdfs("user/hive/warehouse/m");
  EXPECT_EQ(ReadFile(m + "/biz_date=20220426/000000_0"),
            "A0001,7,20220426101010\nA0002,\\N,20220426111111\n");
  EXPECT_EQ(ReadFile(m + "/biz_date=20220427/000000_0"), "A0003,9,20220427090000\n");
  EXPECT_EQ(Run("show partitions m"), "biz_date=20220426\nbiz_date=20220427\n");
  // Overwrite one day: the other stays.
  Run("insert overwrite table m partition(biz_date='20220427') select 'Z9999', 1, 'r' from src "
      "limit 1");
  EXPECT_EQ(Run("select car, biz_date from m order by car"),
            "A0001\t20220426\nA0002\t20220426\nZ9999\t20220427\n");
  // INTO adds a file.
  Run("insert into table m partition(biz_date='20220427') select 'Y0001', 2, 'r' from src limit 1");
  EXPECT_TRUE(fs::exists(m + "/biz_date=20220427/000000_0_copy_1"));
  EXPECT_EQ(Run("select count(*) from m where biz_date = '20220427'"), "2\n");
  // A column count that does not match is Hive's error.
  Status wrong = RunError("insert into table m partition(biz_date='1') select car from src");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("Table has 3 columns, but query has 1 columns"), std::string::npos)
      << wrong.message();
}

TEST_F(HiveSessionTest, LocalDirectoriesCtasDescribeAndDrop) {
  Put("b/list.txt",
      "A0001,Tire,5,202003\nA0001,Oil,3,202003\nA0001,Tire,4,202003\nB0002,Seat,1,202003\n");
  Run("create external table buy (car_number string, item string, score string, month string) "
      "row format delimited fields terminated by ',' stored as textfile location '/b'");
  TempDir out;
  Run("insert overwrite local directory '" + out.str() +
      "/export'\nROW FORMAT DELIMITED\nFIELDS "
      "TERMINATED BY '|'\nselect car_number, concat_ws(\",\", collect_set(item)) from buy group by "
      "car_number order by car_number");
  const std::string exported = ReadFile(out.str() + "/export/000000_0");
  EXPECT_TRUE(exported == "A0001|Tire,Oil\nB0002|Seat\n" ||
              exported == "A0001|Oil,Tire\nB0002|Seat\n")
      << exported;
  Run("create table scores as select car_number, sum(score) as total, count(*) from buy group by "
      "car_number");
  EXPECT_EQ(Run("describe scores"), "car_number\tstring\t\ntotal\tdouble\t\n_c2\tbigint\t\n");
  EXPECT_EQ(Run("select * from scores order by car_number"), "A0001\t12.0\t3\nB0002\t1.0\t1\n");
  EXPECT_EQ(Run("show tables"), "buy\nscores\n");
  const std::string managed = Hdfs("user/hive/warehouse/scores");
  EXPECT_TRUE(fs::exists(managed + "/000000_0"));
  Run("drop table scores; drop table buy");
  EXPECT_FALSE(fs::exists(managed));            // Managed: data dropped.
  EXPECT_TRUE(fs::exists(Hdfs("b/list.txt")));  // External: data kept.
  EXPECT_EQ(Run("show tables"), "");
}

// Java's String.hashCode over the bytes, as Hive's hash() of a string.
int32_t JavaHash(const std::string& s) {
  uint32_t r = 0;
  for (char c : s)
    r = r * 31u + static_cast<uint32_t>(static_cast<int32_t>(static_cast<signed char>(c)));
  return static_cast<int32_t>(r);
}

TEST_F(HiveSessionTest, HashIsHivesAndHeaderLinesAreSkippedAsTheTableSays) {
  // The pilot's 8.7/8.8: a table that skips each file's header line, loaded from a local file.
  TempDir local;
  WriteFile(local.file("CarMaster2Income.txt"), "car_number|income\nA0001|3500\nB0002|\\N\n");
  Run("CREATE EXTERNAL TABLE incomes (car_number string, income int) row format delimited fields "
      "terminated by '|' stored as textfile location '/incomes' tblproperties "
      "(\"skip.header.line.count\"=\"1\");\n"
      "LOAD DATA LOCAL INPATH '" +
      local.file("CarMaster2Income.txt") +
      "' OVERWRITE INTO TABLE incomes;\n"
      "LOAD DATA LOCAL INPATH '" +
      local.file("CarMaster2Income.txt") + "' INTO TABLE incomes;");
  EXPECT_TRUE(fs::exists(local.file("CarMaster2Income.txt")));  // LOCAL copies.
  EXPECT_EQ(Run("select car_number, income from incomes order by car_number, income"),
            "A0001\t3500\nA0001\t3500\nB0002\tNULL\nB0002\tNULL\n");
  // hash(): Java's hash of a string (the pilot's 7.52 turns car numbers into ids), an int's
  // value, NULL's 0, several arguments combined as 31 * r + h in 32 bits.
  const int32_t a = JavaHash("A0001");
  const int32_t combined = static_cast<int32_t>(static_cast<uint32_t>(JavaHash("a")) * 31u +
                                                static_cast<uint32_t>(JavaHash("bc")));
  EXPECT_EQ(
      Run("select hash(car_number), hash(income), hash(cast(null as string)), hash('a', 'bc') "
          "from incomes where car_number = 'A0001' limit 1"),
      std::to_string(a) + "\t3500\t0\t" + std::to_string(combined) + "\n");
  EXPECT_EQ(Run("select hash('\uD55C')"), std::to_string(JavaHash("\xED\x95\x9C")) + "\n");
  EXPECT_EQ(Run("select nvl(income, -1) from incomes order by 1"), "-1\n-1\n3500\n3500\n");
}

TEST_F(HiveSessionTest, ErrorsSayWhereAndWhy) {
  Status s = RunError("select 1;\n\nselect * from nowhere_table");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("nowhere_table"), std::string::npos) << s.message();
  s = RunError("select 1;\nselect a from\n  t where");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 3:"), std::string::npos) << s.message();
  s = RunError("alter table missing add partition (d='1')");
  EXPECT_NE(s.message().find("Table not found 'missing'"), std::string::npos) << s.message();
  Run(kStatusDdl);
  s = RunError("create table SmartCar_Status_Info (a string)");
  EXPECT_NE(s.message().find("already exists"), std::string::npos) << s.message();
  s = RunError("alter table SmartCar_Status_Info add partition (other='1')");
  EXPECT_NE(s.message().find("other is not a partition column"), std::string::npos) << s.message();
  // Hive's query clauses that DuckDB has no meaning for are named with their place.
  s = RunError("select car_number, b\nfrom SmartCar_Status_Info\n  lateral view explode(x) t as b");
  EXPECT_EQ(s.message(), "line 3:3 not supported: LATERAL VIEW");
  s = RunError("select transform(car_number) using 'cat' from SmartCar_Status_Info");
  EXPECT_EQ(s.message(), "line 1:8 not supported: TRANSFORM (a script)");
}

}  // namespace
}  // namespace smartcar::hive

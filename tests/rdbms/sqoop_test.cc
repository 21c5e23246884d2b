// Export and import against a real PostgreSQL server, through the API and the smartcar binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "rdbms/postgres_process.h"
#include "rdbms/sqoop.h"
#include "test_util.h"
#include "warehouse/warehouse.h"

namespace smartcar::rdbms {
namespace {

using testing::PostgresServer;
using testing::ReadFile;
using testing::RunSmartcar;
using testing::TempDir;
using testing::WriteFile;

// The pilot's DDL (CH07/PostgreSQL in wikibook/bigdata2nd), verbatim.
constexpr const char* kPilotDdl =
    "create table smartcar_symptom_info ( \n"
    "     car_number       varchar, \n"
    "     speed_p_avg      varchar,\n"
    "     speed_p_symptom  varchar, \n"
    "     break_p_avg      varchar, \n"
    "     break_p_symptom  varchar, \n"
    "     steer_a_cnt      varchar, \n"
    "     steer_p_symptom  varchar, \n"
    "     biz_date         varchar \n"
    ");";

class SqoopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!PostgresServer::Available()) return;
    server_ = new PostgresServer();
    if (!server_->Start()) {
      start_error_ = server_->error();
      delete server_;
      server_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!PostgresServer::Available()) GTEST_SKIP() << PostgresServer::MissingMessage();
    ASSERT_NE(server_, nullptr) << "PostgreSQL did not start: " << start_error_;
    if (!server_->running()) {
      ASSERT_TRUE(server_->Restart()) << server_->error();
    }
  }

  std::string Sql(const std::string& sql) {
    auto r = server_->Psql(sql);
    EXPECT_EQ(r.exit_code, 0) << sql << "\n" << r.out;
    return r.out;
  }
  ConnectionOptions Conn() const {
    ConnectionOptions c;
    c.connect = server_->jdbc_url();
    c.username = server_->user();
    c.password = server_->password();
    return c;
  }
  // The connection flags of the pilot's line with this server's host, port and credentials.
  std::string ConnFlags() const {
    return "--connect " + server_->jdbc_url() + " --username " + server_->user() + " --password " +
           server_->password();
  }

  static PostgresServer* server_;
  static std::string start_error_;
  TempDir dir_;
};

PostgresServer* SqoopTest::server_ = nullptr;
std::string SqoopTest::start_error_;

// A Hive text table folder as the pilot's Hive writes it: files 000000_0..., ',' separated.
void WriteSymptomTable(const std::string& dir, int files, int rows_per_file) {
  std::filesystem::create_directories(dir);
  for (int f = 0; f < files; ++f) {
    std::string text;
    for (int i = 0; i < rows_per_file; ++i) {
      const int car = f * rows_per_file + i;
      text += "Z" + std::to_string(1000 + car) + "," + std::to_string(40 + car % 50) + "." +
              std::to_string(car % 10) + "," + (car % 7 == 0 ? "abnormal" : "normal") + ",12.5," +
              "normal," + std::to_string(1900 + car) + "," +
              (1900 + car > 2000 ? "abnormal" : "normal") + ",20200322\n";
    }
    WriteFile(dir + "/00000" + std::to_string(f) + "_0", text);
  }
  WriteFile(dir + "/_SUCCESS", "");
}

TEST_F(SqoopTest, ThePilotsExportLineRunsWithOnlyHostAndCredentialsChanged) {
  Sql("DROP TABLE IF EXISTS smartcar_symptom_info");
  (void)server_->Psql("DELETE FROM smartcar_sqoop_exports");  // Absent before the first export.
  Sql(kPilotDdl);
  const std::string table_dir = dir_.str() + "/user/hive/warehouse/managed_smartcar_symptom_info";
  WriteSymptomTable(table_dir, 2, 150);
  auto r =
      RunSmartcar("sqoop export " + ConnFlags() + " --table smartcar_symptom_info --export-dir " +
                  table_dir + " --data " + dir_.str() + "/data");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("exported 300 rows to smartcar_symptom_info"), std::string::npos) << r.out;
  EXPECT_EQ(Sql("SELECT count(*) FROM smartcar_symptom_info"), "300");
  EXPECT_EQ(Sql("SELECT speed_p_avg || '|' || steer_p_symptom || '|' || biz_date FROM "
                "smartcar_symptom_info WHERE car_number = 'Z1149'"),
            "89.9|abnormal|20200322");

  // The same line again writes nothing: the first export is recorded.
  auto again =
      RunSmartcar("sqoop export " + ConnFlags() + " --table smartcar_symptom_info --export-dir " +
                  table_dir + " --data " + dir_.str() + "/data");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("already exported"), std::string::npos) << again.out;
  EXPECT_EQ(Sql("SELECT count(*) FROM smartcar_symptom_info"), "300");
  EXPECT_EQ(Sql("SELECT row_count FROM smartcar_sqoop_exports WHERE target_table = "
                "'public.smartcar_symptom_info' OR target_table = 'smartcar_symptom_info'"),
            "300");

  // A changed day is a new export (the ledger keys on the rows' digest).
  WriteFile(table_dir + "/000002_0", "Z9999,1,normal,1,normal,1,normal,20200323\n");
  auto more =
      RunSmartcar("sqoop export " + ConnFlags() + " --table smartcar_symptom_info --export-dir " +
                  table_dir + " --data " + dir_.str() + "/data");
  ASSERT_EQ(more.exit_code, 0) << more.out;
  EXPECT_EQ(Sql("SELECT count(*) FROM smartcar_symptom_info"), "601");
}

TEST_F(SqoopTest, ThePilotsExportDirNamesTheHiveTableOfTheDataFolder) {
  // `smartcar hive` fills the pilot's Managed_SmartCar_Symptom_Info (6.102's DDL) in
  // <data>/hdfs/user/hive/warehouse/…; the pilot's line, with its --export-dir unchanged, exports
  // it.
  Sql("DROP TABLE IF EXISTS smartcar_symptom_info");
  (void)server_->Psql("DELETE FROM smartcar_sqoop_exports");
  Sql(kPilotDdl);
  const std::string data = dir_.str() + "/data";
  std::filesystem::create_directories(data + "/hdfs/in");
  WriteFile(data + "/hdfs/in/part", "Z0001,41.5\nZ0002,\\N\nZ0003,60.25\n");
  WriteFile(dir_.file("symptom.hql"),
            "create external table src (car string, avg string) row format delimited fields "
            "terminated by ',' location '/in';\n"
            "create table if not exists Managed_SmartCar_Symptom_Info (car_number string, "
            "speed_p_avg string, speed_p_symptom string, break_p_avg string, break_p_symptom "
            "string, steer_a_cnt string, steer_p_symptom string, biz_date string) row format "
            "delimited fields terminated by ',' stored as textfile;\n"
            "insert into table Managed_SmartCar_Symptom_Info select car, avg, 'normal', '1.5', "
            "'normal', 3, 'normal', '20200322' from src where avg is not null;\n");
  auto hive = RunSmartcar("hive --data " + data + " -f " + dir_.file("symptom.hql"));
  ASSERT_EQ(hive.exit_code, 0) << hive.out;
  auto r = RunSmartcar("sqoop export " + ConnFlags() +
                       " --table smartcar_symptom_info --export-dir "
                       "/user/hive/warehouse/managed_smartcar_symptom_info --data " +
                       data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Sql("SELECT count(*) FROM smartcar_symptom_info"), "2");
  EXPECT_EQ(Sql("SELECT speed_p_avg || '|' || steer_a_cnt FROM smartcar_symptom_info WHERE "
                "car_number = 'Z0003'"),
            "60.25|3");
}

TEST_F(SqoopTest, BadLinesAndRefusedValuesGoToTheDeadLetterFileAndGoodRowsAreKept) {
  Sql("DROP TABLE IF EXISTS speeds; CREATE TABLE speeds (car text PRIMARY KEY, speed int, day "
      "date)");
  const std::string file = dir_.str() + "/speeds.txt";
  WriteFile(file,
            "c1,10,2020-03-22\n"
            "c2,fast,2020-03-22\n"  // Not an integer.
            "c3,null,\n"            // NULLs: Sqoop's defaults for non-string columns.
            "only,two\n"            // Wrong number of fields.
            "c4,30,2020-13-45\n"    // Not a date.
            "c1,5,2020-01-01\n"     // Duplicate key.
            "c5,50,2020-03-23\n");
  ExportOptions o;
  o.connection = Conn();
  o.table = "speeds";
  o.export_dir = file;
  o.data_dir = dir_.str() + "/data";
  auto r = Export(o);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->lines, 7u);
  EXPECT_EQ(r->rows, 3u);
  EXPECT_EQ(r->rejects, 4u);
  EXPECT_EQ(Sql("SELECT string_agg(car || ':' || coalesce(speed::text, 'NULL') || ':' || "
                "coalesce(day::text, 'NULL'), ' ' ORDER BY car) FROM speeds"),
            "c1:10:2020-03-22 c3:NULL:NULL c5:50:2020-03-23");
  const std::string dead = ReadFile(r->dead_letter_path);
  EXPECT_NE(dead.find(file + ":2: invalid input syntax for type integer: \"fast\""),
            std::string::npos)
      << dead;
  EXPECT_NE(dead.find(file + ":4: 2 fields, expected 3\tonly,two"), std::string::npos) << dead;
  EXPECT_NE(dead.find(file + ":5: "), std::string::npos) << dead;
  EXPECT_NE(dead.find(file + ":6: duplicate key value"), std::string::npos) << dead;
  EXPECT_NE(dead.find("\tc1,5,2020-01-01"), std::string::npos) << dead;

  // Past max_rejects nothing is written at all.
  Sql("TRUNCATE speeds");
  o.max_rejects = 1;
  o.idempotent = false;
  auto strict = Export(o);
  ASSERT_FALSE(strict.has_value());
  EXPECT_EQ(strict.error().code(), Status::Code::kAborted);
  EXPECT_EQ(Sql("SELECT count(*) FROM speeds"), "0");
}

TEST_F(SqoopTest, HivesNullMarkerIsReadWithSqoopsUsualFlags) {
  Sql("DROP TABLE IF EXISTS nulls; CREATE TABLE nulls (car text, speed int, note text)");
  const std::string file = dir_.str() + "/nulls.txt";
  WriteFile(file, "c1\t\\N\t\\N\nc2\t5\tnull\n");  // Hive writes NULL as \N.
  auto r = RunSmartcar("sqoop export " + ConnFlags() + " --table nulls --export-dir " + file +
                       " --input-fields-terminated-by '\\t' --input-null-string '\\\\N'"
                       " --input-null-non-string '\\\\N' --data " +
                       dir_.str() + "/data");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Sql("SELECT string_agg(car || ':' || coalesce(speed::text, 'NULL') || ':' || "
                "coalesce(note, 'NULL'), ' ' ORDER BY car) FROM nulls"),
            "c1:NULL:NULL c2:5:null");  // With \\N as the marker, "null" is text.
}

TEST_F(SqoopTest, AServerKilledMidExportLeavesTheTargetUnchangedAndTheRerunCompletesIt) {
  Sql("DROP TABLE IF EXISTS big; CREATE TABLE big (car varchar, n int, day varchar)");
  Sql("INSERT INTO big VALUES ('before', 1, 'x'), ('before', 2, 'x'), ('before', 3, 'x')");
  const std::string file = dir_.str() + "/big.txt";
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += "car" + std::to_string(i % 977) + "," + std::to_string(i) + ",20200322\n";
  WriteFile(file, text);
  ExportOptions o;
  o.connection = Conn();
  o.table = "big";
  o.export_dir = file;
  o.data_dir = dir_.str() + "/data";
  bool killed = false;
  o.on_progress = [&](uint64_t rows_sent) {
    if (!killed && rows_sent > 0) {
      killed = true;
      server_->Kill();
    }
  };
  auto r = Export(o);
  ASSERT_TRUE(killed);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().IsIOError()) << r.error().message();
  EXPECT_NE(r.error().message().find("nothing was exported"), std::string::npos)
      << r.error().message();

  ASSERT_TRUE(server_->Restart()) << server_->error();
  EXPECT_EQ(Sql("SELECT count(*) FROM big"), "3");
  o.on_progress = nullptr;
  auto rerun = Export(o);
  ASSERT_TRUE(rerun.has_value()) << rerun.error().message();
  EXPECT_EQ(rerun->rows, 200000u);
  EXPECT_EQ(Sql("SELECT count(*), sum(n) FROM big"), "200003|19999900006");
  auto third = Export(o);
  ASSERT_TRUE(third.has_value()) << third.error().message();
  EXPECT_TRUE(third->already_exported);
  EXPECT_EQ(Sql("SELECT count(*) FROM big"), "200003");
}

TEST_F(SqoopTest, UpdateKeyUpdatesAndAllowInsertUpserts) {
  Sql("DROP TABLE IF EXISTS cars; CREATE TABLE cars (car text, speed int, note text)");
  Sql("INSERT INTO cars VALUES ('c1', 1, 'old'), ('c2', 2, 'old')");
  const std::string file = dir_.str() + "/cars.txt";
  WriteFile(file, "c1|10|new\nc3|30|new\n");
  const std::string base = "sqoop export " + ConnFlags() + " --table cars --export-dir " + file +
                           " --input-fields-terminated-by '|' --update-key car --data " +
                           dir_.str() + "/data";
  auto only = RunSmartcar(base);
  ASSERT_EQ(only.exit_code, 0) << only.out;
  EXPECT_EQ(
      Sql("SELECT string_agg(car || ':' || speed || ':' || note, ' ' ORDER BY car) FROM cars"),
      "c1:10:new c2:2:old");
  auto upsert = RunSmartcar(base + " --update-mode allowinsert");
  ASSERT_EQ(upsert.exit_code, 0) << upsert.out;
  EXPECT_NE(upsert.out.find("1 inserted, 1 updated"), std::string::npos) << upsert.out;
  EXPECT_EQ(
      Sql("SELECT string_agg(car || ':' || speed || ':' || note, ' ' ORDER BY car) FROM cars"),
      "c1:10:new c2:2:old c3:30:new");
  auto bad = RunSmartcar(base + " --update-mode sometimes");
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("expected updateonly or allowinsert"), std::string::npos) << bad.out;
}

TEST_F(SqoopTest, AStagingTableIsFilledAndEmptiedInsideTheExport) {
  Sql("DROP TABLE IF EXISTS target, stage; CREATE TABLE target (a text, b int); CREATE TABLE "
      "stage (a text, b int)");
  const std::string file = dir_.str() + "/rows.txt";
  WriteFile(file, "x,1\ny,2\n");
  Sql("INSERT INTO stage VALUES ('leftover', 0)");
  const std::string base = "sqoop export " + ConnFlags() + " --table target --export-dir " + file +
                           " --staging-table stage --data " + dir_.str() + "/data";
  auto dirty = RunSmartcar(base);
  EXPECT_EQ(dirty.exit_code, 2) << dirty.out;
  EXPECT_NE(dirty.out.find("is not empty"), std::string::npos) << dirty.out;
  EXPECT_EQ(Sql("SELECT count(*) FROM target"), "0");
  auto r = RunSmartcar(base + " --clear-staging-table");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Sql("SELECT string_agg(a || b, ' ' ORDER BY a) FROM target"), "x1 y2");
  EXPECT_EQ(Sql("SELECT count(*) FROM stage"), "0");
}

TEST_F(SqoopTest, MistakesAreNamed) {
  Sql("DROP TABLE IF EXISTS named; CREATE TABLE named (a text)");
  const std::string file = dir_.str() + "/one.txt";
  WriteFile(file, "x\n");
  auto no_table =
      RunSmartcar("sqoop export " + ConnFlags() + " --table missing_table --export-dir " + file);
  EXPECT_EQ(no_table.exit_code, 2);
  EXPECT_NE(no_table.out.find("table missing_table does not exist"), std::string::npos)
      << no_table.out;
  auto column = RunSmartcar("sqoop export " + ConnFlags() + " --table named --columns a,zz " +
                            "--export-dir " + file);
  EXPECT_EQ(column.exit_code, 2);
  EXPECT_NE(column.out.find("zz is not a column of"), std::string::npos) << column.out;
  auto password =
      RunSmartcar("sqoop export --connect " + server_->jdbc_url() +
                  " --username smartcar --password wrong --table named " + "--export-dir " + file);
  EXPECT_EQ(password.exit_code, 1);
  EXPECT_NE(password.out.find("password authentication failed"), std::string::npos) << password.out;
  WriteFile(dir_.str() + "/pw", server_->password() + "\n");
  auto pwfile = RunSmartcar(
      "sqoop export --connect " + server_->jdbc_url() + " --username smartcar --password-file " +
      dir_.str() + "/pw --table named --export-dir " + file + " --data " + dir_.str() + "/data");
  EXPECT_EQ(pwfile.exit_code, 0) << pwfile.out;
  auto dir = RunSmartcar("sqoop export " + ConnFlags() + " --table named --export-dir " +
                         dir_.str() + "/nowhere");
  EXPECT_EQ(dir.exit_code, 1);
  EXPECT_NE(dir.out.find("does not exist"), std::string::npos) << dir.out;
}

TEST_F(SqoopTest, ImportWritesADelimitedFileWithSqoopsNulls) {
  Sql("DROP TABLE IF EXISTS src; CREATE TABLE src (car text, speed int, note text)");
  Sql("INSERT INTO src VALUES ('c1', 10, 'a,b'), ('c2', NULL, NULL), ('c3', 30, 'plain')");
  const std::string target = dir_.str() + "/imported";
  const std::string base = "sqoop import " + ConnFlags() + " --table src --target-dir " + target;
  auto r = RunSmartcar(base + " --where 'speed IS NULL OR speed > 5'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("imported 3 rows"), std::string::npos) << r.out;
  EXPECT_EQ(ReadFile(target + "/part-m-00000"), "c1,10,\"a,b\"\nc2,null,null\nc3,30,plain\n");
  auto exists = RunSmartcar(base);
  EXPECT_EQ(exists.exit_code, 2);
  EXPECT_NE(exists.out.find("already exists"), std::string::npos) << exists.out;
  auto replaced = RunSmartcar(base +
                              " --delete-target-dir --columns car,speed --where 'speed > 20'"
                              " --fields-terminated-by '\\t'");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.out;
  EXPECT_EQ(ReadFile(target + "/part-m-00000"), "c3\t30\n");
  auto query = RunSmartcar("sqoop import " + ConnFlags() +
                           " --query 'SELECT car FROM src' --target-dir " + target + "2");
  EXPECT_EQ(query.exit_code, 2);
  EXPECT_NE(query.out.find("$CONDITIONS"), std::string::npos) << query.out;
}

TEST_F(SqoopTest, HiveImportLandsAsAWarehousePartitionThatExportsBack) {
  Sql("DROP TABLE IF EXISTS car_master; CREATE TABLE car_master (car_number varchar(5), "
      "car_year int, capacity numeric, owner text)");
  Sql("INSERT INTO car_master VALUES ('A0001', 2016, 1998.5, 'kim'), ('A0002', 2010, 3000, "
      "NULL), ('A0003', 2020, 1500, '')");
  const std::string data = dir_.str() + "/data";
  auto r = RunSmartcar("sqoop import " + ConnFlags() +
                       " --table car_master --hive-import --hive-table SmartCar_Master "
                       "--hive-partition-value 20200322 --data " +
                       data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  warehouse::WarehouseOptions wo;
  wo.data_dir = data;
  auto w = warehouse::Warehouse::Open(wo);
  ASSERT_TRUE(w.has_value());
  auto q = (*w)->Query(
      "SELECT car_number, car_year + 1 AS next_year, capacity, coalesce(owner, 'NULL') AS owner, "
      "wrk_date FROM SmartCar_Master ORDER BY car_number");
  ASSERT_TRUE(q.has_value()) << q.error().message();
  ASSERT_EQ(q->rows.size(), 3u);
  EXPECT_EQ(q->types[1], "INTEGER");
  EXPECT_EQ(q->types[2], "DOUBLE");
  EXPECT_EQ(*q->rows[0][1], "2017");
  EXPECT_EQ(*q->rows[0][2], "1998.5");
  EXPECT_EQ(*q->rows[1][3], "NULL");
  EXPECT_EQ(*q->rows[2][3], "");  // An empty string stays an empty string.
  EXPECT_EQ(*q->rows[2][4], "20200322");

  // And back out: the warehouse table named by its Hive path, wrk_date as the last column.
  Sql("DROP TABLE IF EXISTS car_master_copy; CREATE TABLE car_master_copy (car_number text, "
      "car_year int, capacity numeric, owner text, wrk_date text)");
  auto back = RunSmartcar("sqoop export " + ConnFlags() +
                          " --table car_master_copy --export-dir "
                          "/user/hive/warehouse/smartcar_master --data " +
                          data);
  ASSERT_EQ(back.exit_code, 0) << back.out;
  EXPECT_EQ(Sql("SELECT string_agg(car_number || ':' || car_year || ':' || capacity || ':' || "
                "coalesce(owner, 'NULL') || ':' || wrk_date, ' ' ORDER BY car_number) FROM "
                "car_master_copy"),
            // NUMERIC lands as DOUBLE in the warehouse (Sqoop's Hive mapping), hence "3000.0".
            "A0001:2016:1998.5:kim:20200322 A0002:2010:3000.0:NULL:20200322 "
            "A0003:2020:1500.0::20200322");
}

}  // namespace
}  // namespace smartcar::rdbms

// rdbms: `sqoop export` and `sqoop import` of 1,000,000 rows of the pilot's symptom table,
// side by side with psql's \copy of the same file (the floor: the same COPY protocol from a C
// client), alternating A/B over several rounds against one PostgreSQL server the bench starts
// on a loopback port (tests/rdbms/postgres_process.h). Prints each round and the median ratio.
//   build/release/bench/rdbms_bench [ROWS (default 1000000)] [ROUNDS (default 5)]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "rdbms/postgres_process.h"
#include "rdbms/sqoop.h"
#include "test_util.h"

using smartcar::testing::PostgresServer;
using smartcar::testing::RunCommand;
using smartcar::testing::TempDir;

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  if (!PostgresServer::Available()) {
    std::fprintf(stderr, "%s\n", PostgresServer::MissingMessage().c_str());
    return 1;
  }
  PostgresServer server;
  if (!server.Start()) {
    std::fprintf(stderr, "PostgreSQL did not start: %s\n", server.error().c_str());
    return 1;
  }
  auto sql = [&](const std::string& s) {
    auto r = server.Psql(s);
    if (r.exit_code != 0) {
      std::fprintf(stderr, "%s: %s\n", s.c_str(), r.out.c_str());
      std::exit(1);
    }
    return r.out;
  };
  sql("create table smartcar_symptom_info ( car_number varchar, speed_p_avg varchar, "
      "speed_p_symptom varchar, break_p_avg varchar, break_p_symptom varchar, steer_a_cnt "
      "varchar, steer_p_symptom varchar, biz_date varchar )");

  TempDir dir;
  const std::string table_dir = dir.file("managed_smartcar_symptom_info");
  std::filesystem::create_directories(table_dir);
  const std::string file = table_dir + "/000000_0";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    for (long i = 0; i < rows; ++i) {
      std::fprintf(f, "Z%05ld,%ld.%ld,%s,%ld.5,normal,%ld,%s,2020%04ld\n", i % 100000, 40 + i % 50,
                   i % 10, i % 7 == 0 ? "abnormal" : "normal", 10 + i % 20, 1500 + i % 1000,
                   1500 + i % 1000 > 2000 ? "abnormal" : "normal", 101 + i % 28);
    }
    std::fclose(f);
  }
  const std::string psql = smartcar::testing::PostgresPsqlBinary();
  const std::string psql_cmd = "PGPASSWORD=" + server.password() + " " + psql +
                               " -X -q -h 127.0.0.1 -p " + std::to_string(server.port()) + " -U " +
                               server.user() + " -d postgres";

  std::printf("rows %ld, rounds %d (A = smartcar, B = psql \\copy)\n", rows, rounds);
  std::vector<double> ratio_export, ratio_import, a_export, a_import;
  for (int round = 0; round < rounds; ++round) {
    // Export: A then B into an emptied table.
    sql("TRUNCATE smartcar_symptom_info; DROP TABLE IF EXISTS smartcar_sqoop_exports");
    smartcar::rdbms::ExportOptions o;
    o.connection.connect = server.jdbc_url();
    o.connection.username = server.user();
    o.connection.password = server.password();
    o.table = "smartcar_symptom_info";
    o.export_dir = table_dir;
    o.data_dir = dir.file("data");
    auto start = std::chrono::steady_clock::now();
    auto r = smartcar::rdbms::Export(o);
    const double a = Seconds(start);
    if (!r || r->rows != static_cast<uint64_t>(rows)) {
      std::fprintf(stderr, "export failed: %s\n", r ? "row count" : r.error().message().c_str());
      return 1;
    }
    sql("TRUNCATE smartcar_symptom_info");
    start = std::chrono::steady_clock::now();
    auto b_run = RunCommand(psql_cmd + " -c \"\\copy smartcar_symptom_info from '" + file +
                            "' with (format csv)\"");
    const double b = Seconds(start);
    if (b_run.exit_code != 0) {
      std::fprintf(stderr, "psql \\copy failed: %s\n", b_run.out.c_str());
      return 1;
    }
    // Import: the table (as psql left it) to a folder, A then B.
    smartcar::rdbms::ImportOptions io;
    io.connection = o.connection;
    io.table = "smartcar_symptom_info";
    io.target_dir = dir.file("imported");
    io.delete_target_dir = true;
    start = std::chrono::steady_clock::now();
    auto ir = smartcar::rdbms::Import(io);
    const double ia = Seconds(start);
    if (!ir || ir->rows != static_cast<uint64_t>(rows)) {
      std::fprintf(stderr, "import failed: %s\n", ir ? "row count" : ir.error().message().c_str());
      return 1;
    }
    start = std::chrono::steady_clock::now();
    auto ib_run = RunCommand(psql_cmd + " -c \"\\copy smartcar_symptom_info to '" +
                             dir.file("psql-out.csv") + "' with (format csv)\"");
    const double ib = Seconds(start);
    if (ib_run.exit_code != 0) {
      std::fprintf(stderr, "psql \\copy to failed: %s\n", ib_run.out.c_str());
      return 1;
    }
    std::printf(
        "round %d: export A %.3f s (%.0f rows/s)  B %.3f s  A/B %.2f | import A %.3f s (%.0f "
        "rows/s)  B %.3f s  A/B %.2f\n",
        round + 1, a, rows / a, b, a / b, ia, rows / ia, ib, ia / ib);
    std::fflush(stdout);
    ratio_export.push_back(a / b);
    ratio_import.push_back(ia / ib);
    a_export.push_back(rows / a);
    a_import.push_back(rows / ia);
  }
  std::printf(
      "median: export %.0f rows/s, time ratio smartcar/psql %.2f; import %.0f rows/s, "
      "ratio %.2f\n",
      Median(a_export), Median(ratio_export), Median(a_import), Median(ratio_import));
  return 0;
}

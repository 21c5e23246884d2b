// rdbms/: the pilot's Sqoop step on one machine — export warehouse/Hive table folders to a
// relational database and import a database table back, through PostgreSQL's libpq (COPY, never
// row-by-row INSERTs). Flags and defaults follow Sqoop 1's (docs/SQOOP.md), so the pilot's
//
//   sqoop export --connect jdbc:postgresql://127.0.0.1:7432/postgres --username U --password P
//                --table smartcar_symptom_info
//                --export-dir /user/hive/warehouse/managed_smartcar_symptom_info
//
// runs as `smartcar sqoop export ...` with the same flags.
//
// Guarantees, beyond Sqoop's:
//   - An export is all-or-nothing: every row is sent in one transaction (the staging table, when
//     named, is filled and moved inside it too); a server that dies mid-way leaves the target
//     table as it was.
//   - An export is idempotent: the transaction also records (target, source, digest of the rows)
//     in `smartcar_sqoop_exports`; running the same export again writes nothing and says so.
//   - A line with the wrong number of fields, or a value the database refuses, goes to a
//     dead-letter file (file, line, reason) instead of failing the export, up to `max_rejects`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace smartcar::rdbms {

// Where and as whom to connect (Sqoop's --connect, --username, --password, --password-file).
struct ConnectionOptions {
  // `jdbc:postgresql://HOST[:PORT][,HOST[:PORT]...]/DATABASE[?prop=value&...]`, or a libpq URI
  // (`postgresql://...`). Other JDBC drivers (mysql, oracle...) are refused by name.
  std::string connect;
  std::string username;
  // The password; empty falls back to `password_file`, then to libpq's PGPASSWORD / ~/.pgpass.
  std::string password;
  // A file whose content (one trailing newline dropped) is the password, as Sqoop's
  // --password-file.
  std::string password_file;
  int connect_timeout_seconds = 10;
};

// libpq's keyword/value connection parameters for a JDBC URL: host, port, dbname, and the JDBC
// properties libpq knows (user, password, sslmode, ssl, connectTimeout, ApplicationName,
// currentSchema → options=-c search_path=...). InvalidArgument naming the problem for anything
// else, e.g. "jdbc:mysql://..." or a port that is not a number.
using ConnectParams = std::vector<std::pair<std::string, std::string>>;
Result<ConnectParams> ParseJdbcUrl(std::string_view url);

// How a delimited text file is read or written (Sqoop's --fields-terminated-by family).
struct TextFormat {
  char fields_terminated_by = ',';
  char enclosed_by = '\0';  // '\0': fields are never enclosed.
  bool enclosure_optional = true;
  char escaped_by = '\0';  // '\0': no escape character.
};

struct ExportOptions {
  ConnectionOptions connection;
  std::string table;  // --table: the target table (may be schema.table); it must exist.
  // --export-dir: a folder of delimited text files (a Hive text table such as the pilot's
  // managed_smartcar_symptom_info: every file below it, hidden `_`/`.` files skipped) or one
  // file. A path that does not exist locally is looked up as an HDFS path in `data_dir`
  // (`<data_dir>/hdfs/…`, where `smartcar hive` keeps its tables); failing that, a path under
  // /user/hive/warehouse/ names the warehouse table of that name in `data_dir` (its Parquet
  // partitions, `wrk_date` as the last column).
  std::string export_dir;
  std::string data_dir = "smartcar-data";
  std::vector<std::string> columns;  // --columns: target columns the fields fill, in order.
  TextFormat input;                  // --input-fields-terminated-by, --input-enclosed-by, ...
  // --input-null-string: the text read as NULL for string columns (Sqoop's default: "null").
  std::optional<std::string> input_null_string;
  // --input-null-non-string: for other columns (Sqoop's default: "null" and the empty string).
  std::optional<std::string> input_null_non_string;
  std::vector<std::string> update_keys;  // --update-key: UPDATE rows matching on these columns.
  bool allow_insert = false;             // --update-mode allowinsert: INSERT the unmatched ones.
  std::string staging_table;             // --staging-table
  bool clear_staging_table = false;      // --clear-staging-table
  // Rejected lines, with file, line and reason; empty = `<data_dir>/dead-letter/sqoop-export-
  // <table>.txt`.
  std::string dead_letter_path;
  uint64_t max_rejects = 1000;  // More rejects than this fail the export (nothing is written).
  bool idempotent = true;       // Record the export; skip an identical re-run (see above).
  // Called after each batch of rows is sent, with the rows sent so far (tests stop the server).
  std::function<void(uint64_t rows_sent)> on_progress;
};

struct ExportReport {
  uint64_t files = 0;
  uint64_t lines = 0;     // Records read from the files.
  uint64_t rows = 0;      // Rows written (inserted + updated); 0 when already exported.
  uint64_t inserted = 0;  // Of which INSERTed.
  uint64_t updated = 0;   // Of which UPDATEd (--update-key).
  uint64_t rejects = 0;
  uint64_t attempts = 1;          // Transactions tried (a refused value costs one more).
  bool already_exported = false;  // An identical export had committed before: nothing written.
  std::string digest;             // Hex digest of the rows, as recorded in the ledger.
  std::string dead_letter_path;   // "" when nothing was rejected.
  std::string first_reject;
};

// Runs one export. InvalidArgument for bad options (unknown column, missing table...),
// IOError for unreadable files or a lost connection (nothing written), Aborted when more than
// max_rejects lines were rejected.
Result<ExportReport> Export(const ExportOptions& options);

struct ImportOptions {
  ConnectionOptions connection;
  std::string table;                 // --table (or `query`).
  std::vector<std::string> columns;  // --columns: a subset, in order; default all.
  std::string where;                 // --where: an SQL condition on the source table.
  // --query: a SELECT containing `$CONDITIONS` (replaced by TRUE), instead of --table.
  std::string query;
  // --target-dir: a folder that receives `part-m-00000` (delimited text, `output` format).
  std::string target_dir;
  bool delete_target_dir = false;        // --delete-target-dir
  TextFormat output;                     // --fields-terminated-by, --enclosed-by, ...
  std::string null_string = "null";      // --null-string (Sqoop's default "null").
  std::string null_non_string = "null";  // --null-non-string
  // --hive-import: land the rows as partition `hive_partition_value` (yyyyMMdd) of warehouse
  // table `hive_table` in data_dir instead (atomic; replaces that partition).
  bool hive_import = false;
  std::string hive_table;
  std::string hive_partition_key = "wrk_date";
  std::string hive_partition_value;
  std::string data_dir = "smartcar-data";
};

struct ImportReport {
  uint64_t rows = 0;
  std::vector<std::string> columns;
  std::string path;  // The file written, or the warehouse partition folder.
};

// Runs one import with `COPY (SELECT ...) TO STDOUT`. The target file or partition is written
// to a temporary name and renamed into place: a failed import leaves the old one.
Result<ImportReport> Import(const ImportOptions& options);

}  // namespace smartcar::rdbms

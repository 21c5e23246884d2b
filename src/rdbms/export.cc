// Export: delimited files (or a warehouse table) → one PostgreSQL table, all-or-nothing and
// idempotent (see sqoop.h). This file holds the transaction: the ledger, the COPY and its retries
// after a refused value; the input side (finding the files, encoding the records) is in
// export_input.cc.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.h"
#include "rdbms/export_input.h"
#include "rdbms/pg.h"
#include "rdbms/sqoop.h"

namespace smartcar::rdbms {
namespace {

using export_internal::DeadLetters;
using export_internal::Encoded;
using export_internal::Encoder;
using export_internal::Fnv64;
using export_internal::Inputs;
using export_internal::ResolveInputs;

constexpr std::string_view kLedgerTable = "smartcar_sqoop_exports";
constexpr size_t kChunkBytes = 1 << 20;

// "COPY t, line 12, column a: ..." → 12; 0 when absent.
uint64_t CopyLine(const std::string& context) {
  const size_t at = context.find(", line ");
  if (at == std::string::npos) return 0;
  return std::strtoull(context.c_str() + at + 7, nullptr, 10);
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

Status Validate(const ExportOptions& o) {
  if (auto url = ParseJdbcUrl(o.connection.connect); !url) return url.error();
  if (o.table.empty()) return Status::InvalidArgument("--table is required");
  if (o.export_dir.empty()) return Status::InvalidArgument("--export-dir is required");
  if (o.allow_insert && o.update_keys.empty()) {
    return Status::InvalidArgument("--update-mode allowinsert needs --update-key");
  }
  if (!o.staging_table.empty() && !o.update_keys.empty()) {
    return Status::InvalidArgument(
        "--staging-table cannot be used with --update-key (as in Sqoop)");
  }
  if (o.clear_staging_table && o.staging_table.empty()) {
    return Status::InvalidArgument("--clear-staging-table needs --staging-table");
  }
  if (o.input.fields_terminated_by == '\0' || o.input.fields_terminated_by == '\n') {
    return Status::InvalidArgument("--input-fields-terminated-by cannot be NUL or a newline");
  }
  return Status::OK();
}

}  // namespace

Result<ExportReport> Export(const ExportOptions& o) {
  SMARTCAR_RETURN_IF_ERROR(Validate(o));
  ExportReport report;
  auto conn_or = PgConnection::Connect(o.connection);
  if (!conn_or) return Err(conn_or.error());
  PgConnection& conn = **conn_or;
  auto target = conn.QualifiedName(o.table);
  if (!target) {
    if (target.error().IsNotFound()) {
      return Err(Status::InvalidArgument(target.error().message() +
                                         ": create it first (an export never creates tables)"));
    }
    return Err(target.error());
  }
  auto table_cols = conn.TableColumns(*target);
  if (!table_cols) return Err(table_cols.error());

  // The columns the fields fill, in order.
  std::vector<const PgColumn*> cols;
  if (o.columns.empty()) {
    for (const PgColumn& c : *table_cols) cols.push_back(&c);
  } else {
    for (const std::string& want : o.columns) {
      const PgColumn* hit = nullptr;
      for (const PgColumn& c : *table_cols) {
        if (c.name == want) hit = &c;
      }
      for (const PgColumn& c : *table_cols) {
        if (hit == nullptr && EqualsIgnoreAsciiCase(c.name, want)) hit = &c;
      }
      if (hit == nullptr) {
        std::vector<std::string> names;
        for (const PgColumn& c : *table_cols) names.push_back(c.name);
        return Err(Status::InvalidArgument("--columns: " + want + " is not a column of " + *target +
                                           " (" + Join(names, ", ") + ")"));
      }
      cols.push_back(hit);
    }
  }
  Inputs in;
  const bool with_date = std::any_of(cols.begin(), cols.end(),
                                     [](const PgColumn* c) { return c->name == "wrk_date"; });
  SMARTCAR_RETURN_IF_ERROR(ResolveInputs(o, with_date, &in));
  std::vector<std::string> col_names;
  for (const PgColumn* c : cols) {
    col_names.push_back(conn.QuoteIdent(c->name));
  }
  std::vector<std::string> keys;
  for (const std::string& k : o.update_keys) {
    std::string name;
    for (const PgColumn* c : cols) {
      if (c->name == k || (name.empty() && EqualsIgnoreAsciiCase(c->name, k))) name = c->name;
    }
    if (name.empty()) {
      return Err(
          Status::InvalidArgument("--update-key: " + k + " is not one of the exported columns"));
    }
    keys.push_back(name);
  }
  std::string staging;
  if (!o.staging_table.empty()) {
    auto s = conn.QualifiedName(o.staging_table);
    if (!s) {
      return Err(Status::InvalidArgument("--staging-table: " + s.error().message()));
    }
    staging = *s;
  }

  std::string dead_path = o.dead_letter_path;
  if (dead_path.empty()) {
    std::string safe = o.table;
    for (char& c : safe) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') c = '_';
    }
    dead_path = o.data_dir + "/dead-letter/sqoop-export-" + safe + ".txt";
  }
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  DeadLetters dead(dead_path, std::string("sqoop export --table ") + o.table + " --export-dir " +
                                  o.export_dir + " at " + stamp);

  Encoded enc;
  Encoder encoder(in, cols, o, &enc, &dead, &report);
  auto too_many_rejects = [&] {
    return Status::Aborted(std::to_string(dead.count()) + " lines rejected (more than " +
                           std::to_string(o.max_rejects) + "; first: " + dead.first() +
                           "); nothing exported; see " + dead.path());
  };

  if (o.idempotent) {
    auto created = conn.Exec("CREATE TABLE IF NOT EXISTS " + std::string(kLedgerTable) +
                             " (target_table text NOT NULL, source text NOT NULL, digest text "
                             "NOT NULL, row_count bigint NOT NULL, exported_at timestamptz NOT "
                             "NULL DEFAULT now(), PRIMARY KEY (target_table, source, digest))");
    if (!created) {
      // Two exports creating it at once: one wins; the other sees a duplicate and goes on.
      auto again = conn.Query("SELECT to_regclass($1)", {std::string(kLedgerTable)});
      if (!again || again->empty() || !(*again)[0][0]) return Err(created.error());
    }
  }

  const std::string cols_sql = "(" + Join(col_names, ", ") + ")";
  std::vector<bool> rejected;  // By record: refused by the database, not sent again.
  for (;;) {
    report.inserted = report.updated = 0;
    auto tx = conn.Exec("BEGIN");
    if (!tx) return Err(tx.error());
    auto rollback = [&] { (void)conn.Exec("ROLLBACK"); };
    std::string copy_target;
    if (!keys.empty()) {
      auto temp = conn.Exec("CREATE TEMP TABLE smartcar_sqoop_in ON COMMIT DROP AS SELECT " +
                            Join(col_names, ", ") + " FROM " + *target + " WITH NO DATA");
      if (!temp) {
        rollback();
        return Err(temp.error());
      }
      copy_target = "smartcar_sqoop_in";
    } else if (!staging.empty()) {
      if (o.clear_staging_table) {
        auto cleared = conn.Exec("DELETE FROM " + staging);
        if (!cleared) {
          rollback();
          return Err(cleared.error());
        }
      } else {
        auto any = conn.Query("SELECT 1 FROM " + staging + " LIMIT 1", {});
        if (!any) {
          rollback();
          return Err(any.error());
        }
        if (!any->empty()) {
          rollback();
          return Err(Status::InvalidArgument("--staging-table " + staging +
                                             " is not empty: empty it or add "
                                             "--clear-staging-table"));
        }
      }
      copy_target = staging;
    } else {
      copy_target = *target;
    }

    // Send every record not rejected, in chunks; sent[k] = record index of COPY line k+1. The
    // first attempt encodes each chunk just before sending it.
    std::vector<uint32_t> sent;
    sent.reserve(enc.end.size());
    size_t next = 0;
    uint64_t rows_sent = 0;
    std::string chunk;
    auto producer = [&](std::string_view* out) -> bool {
      while (!encoder.done() && next >= enc.end.size()) encoder.EncodeMore(kChunkBytes);
      if (next >= enc.end.size()) return false;
      if (rows_sent > 0 && o.on_progress) o.on_progress(rows_sent);
      rejected.resize(enc.end.size(), false);
      chunk.clear();
      while (next < enc.end.size() && chunk.size() < kChunkBytes) {
        const uint64_t begin = next == 0 ? 0 : enc.end[next - 1];
        if (!rejected[next]) {
          chunk.append(enc.text, begin, enc.end[next] - begin);
          sent.push_back(static_cast<uint32_t>(next));
          ++rows_sent;
        }
        ++next;
      }
      *out = chunk;
      return true;
    };
    PgError err;
    Status copied =
        conn.CopyIn("COPY " + copy_target + " " + cols_sql + " FROM STDIN", producer, &err);
    if (!encoder.status().ok()) {
      rollback();
      return Err(encoder.status());
    }
    if (dead.count() > o.max_rejects) {
      rollback();
      return Err(too_many_rejects());
    }
    if (!copied.ok()) {
      rollback();
      const uint64_t copy_line = CopyLine(err.context);
      if (copied.IsCorruption() && copy_line >= 1 && copy_line <= sent.size()) {
        const uint32_t rec = sent[copy_line - 1];
        rejected[rec] = true;
        const uint64_t begin = rec == 0 ? 0 : enc.raw_end[rec - 1];
        std::string raw = enc.raw.substr(begin, enc.raw_end[rec] - begin);
        const std::string& file = in.temp_file.empty() ? in.files[enc.file[rec]] : o.export_dir;
        std::string reason = err.message;
        if (const size_t col = err.context.find("column "); col != std::string::npos) {
          reason += " (" + err.context.substr(col) + ")";
        }
        SMARTCAR_RETURN_IF_ERROR(dead.Add(file, enc.line[rec], reason, raw));
        if (dead.count() > o.max_rejects) return Err(too_many_rejects());
        ++report.attempts;
        continue;
      }
      if (copied.IsIOError()) {
        return Err(Status::IOError(copied.message() +
                                   "; nothing was exported (the transaction rolled back)"));
      }
      return Err(copied);
    }
    const uint64_t good = rows_sent;
    // Every record is read now: the digest of the rows, and the ledger row in this transaction.
    if (report.digest.empty()) {
      Fnv64 digest;
      digest.Add(*target);
      digest.Add("\n");
      digest.Add(Join(col_names, ","));
      digest.Add("\n");
      digest.Add(Join(keys, ",") + (o.allow_insert ? "+insert" : ""));
      digest.Add("\n");
      digest.Add(enc.text);
      report.digest = digest.Hex();
    }
    if (o.idempotent) {
      auto added =
          conn.Exec("INSERT INTO " + std::string(kLedgerTable) +
                        " (target_table, source, digest, row_count) VALUES ($1, $2, $3, "
                        "$4) ON CONFLICT DO NOTHING",
                    {*target, o.export_dir, report.digest, std::to_string(enc.end.size())});
      if (!added) {
        rollback();
        return Err(added.error());
      }
      if (*added == 0) {  // An identical export committed before: write nothing.
        rollback();
        report.already_exported = true;
        report.rows = 0;
        break;
      }
    }
    Status finish;
    if (!keys.empty()) {
      std::vector<std::string> set, match;
      for (const PgColumn* c : cols) {
        const std::string q = conn.QuoteIdent(c->name);
        if (std::find(keys.begin(), keys.end(), c->name) == keys.end()) {
          set.push_back(q + " = s." + q);
        }
      }
      for (const std::string& k : keys) {
        match.push_back("t." + conn.QuoteIdent(k) + " = s." + conn.QuoteIdent(k));
      }
      if (!set.empty()) {
        auto updated = conn.Exec("UPDATE " + *target + " AS t SET " + Join(set, ", ") +
                                 " FROM smartcar_sqoop_in AS s WHERE " + Join(match, " AND "));
        if (!updated) finish = updated.error();
        if (updated) report.updated = *updated;
      }
      if (finish.ok() && o.allow_insert) {
        auto inserted = conn.Exec("INSERT INTO " + *target + " " + cols_sql + " SELECT " +
                                  Join(col_names, ", ") +
                                  " FROM smartcar_sqoop_in AS s WHERE NOT EXISTS (SELECT 1 FROM " +
                                  *target + " AS t WHERE " + Join(match, " AND ") + ")");
        if (!inserted) finish = inserted.error();
        if (inserted) report.inserted = *inserted;
      }
    } else if (!staging.empty()) {
      auto moved = conn.Exec("INSERT INTO " + *target + " " + cols_sql + " SELECT " +
                             Join(col_names, ", ") + " FROM " + staging);
      if (!moved) finish = moved.error();
      if (moved) report.inserted = *moved;
      if (finish.ok()) {
        auto emptied = conn.Exec("DELETE FROM " + staging);
        if (!emptied) finish = emptied.error();
      }
    } else {
      report.inserted = good;
    }
    if (finish.ok()) {
      auto committed = conn.Exec("COMMIT");
      if (!committed) finish = committed.error();
    }
    if (!finish.ok()) {
      rollback();
      if (finish.IsIOError()) {
        return Err(Status::IOError(finish.message() +
                                   "; nothing was exported (the transaction rolled back)"));
      }
      return Err(finish);
    }
    report.rows = report.inserted + report.updated;
    break;
  }
  report.rejects = dead.count();
  if (report.rejects > 0) {
    report.dead_letter_path = dead.path();
    report.first_reject = dead.first();
  }
  return report;
}

}  // namespace smartcar::rdbms

// ParseStatement: a recursive-descent parser over the lexer's tokens for Hive's DDL, DML headers
// and session commands. Queries are passed on as text.
#include "hive/statement.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "hive/lexer.h"

namespace smartcar::hive {
namespace {

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  bool Accept(std::string_view word) {
    if (!Peek().IsWord(word)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(std::string_view symbol) {
    if (!Peek().IsSymbol(symbol)) return false;
    ++pos_;
    return true;
  }
  Status Expect(std::string_view word) {
    if (Accept(word)) return Status::OK();
    return Unexpected(AsciiUpper(word));
  }
  Status ExpectSymbol(std::string_view symbol) {
    if (AcceptSymbol(symbol)) return Status::OK();
    return Unexpected("'" + std::string(symbol) + "'");
  }
  Status Unexpected(const std::string& wanted) const {
    const Token& t = Peek();
    std::string got = t.kind == TokenKind::kEnd
                          ? "the end of the statement"
                          : "'" + std::string(text_.substr(t.offset, t.length)) + "'";
    return Status::InvalidArgument(Where(t) + " expected " + wanted + ", found " + got);
  }
  Status NotSupported(const Token& at, const std::string& what) const {
    return Status::NotSupported(Where(at) + " not supported: " + what);
  }
  // An identifier: a word or `quoted`.
  Result<std::string> Identifier(const std::string& what) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent) {
      ++pos_;
      return t.text;
    }
    return Err(Unexpected(what));
  }
  // [default.]name; another database is not supported.
  Result<std::string> TableName() {
    const Token& first = Peek();
    auto name = Identifier("a table name");
    if (!name) return name;
    if (AcceptSymbol(".")) {
      if (AsciiLower(*name) != "default") {
        return Err(NotSupported(first, "database '" + *name + "' (only `default`)"));
      }
      return Identifier("a table name after '.'");
    }
    return name;
  }
  Result<std::string> StringLiteral(const std::string& what) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kString) return Err(Unexpected(what));
    ++pos_;
    return t.text;
  }
  // The rest of the statement from the current token, with everything before it blanked (line
  // breaks kept), so that positions in it are positions in the statement.
  std::string Rest(size_t* offset) const {
    *offset = Peek().offset;
    return Blanked(*offset);
  }
  std::string Blanked(size_t offset) const {
    std::string out(text_);
    for (size_t i = 0; i < offset && i < out.size(); ++i) {
      if (out[i] != '\n') out[i] = ' ';
    }
    return out;
  }
  Status ExpectEnd() {
    if (AtEnd()) return Status::OK();
    return Unexpected("the end of the statement");
  }

  Result<Statement> Parse();

 private:
  Result<Statement> ParseCreate();
  Result<Statement> ParseAlter();
  Result<Statement> ParseShow();
  Result<Statement> ParseInsert();
  Result<Statement> ParseLoad();
  Result<Statement> ParseSet();
  Status ParseColumns(std::vector<Column>* columns);
  Result<std::string> ParseType();
  Status ParseRowFormat(std::string* delimiter);
  Status ParseProperties(std::map<std::string, std::string>* props);
  Result<PartitionSpec> ParsePartitionSpec(bool allow_dynamic);

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

Result<std::string> Parser::ParseType() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kWord) return Err(Unexpected("a column type"));
  std::string type = AsciiLower(t.text);
  ++pos_;
  if (type == "array" || type == "map" || type == "struct" || type == "uniontype") {
    return Err(NotSupported(t, "complex type " + AsciiUpper(type)));
  }
  if (AcceptSymbol("(")) {
    type += "(";
    bool first = true;
    while (!AcceptSymbol(")")) {
      if (!first && !AcceptSymbol(",")) return Err(Unexpected("',' or ')'"));
      if (Peek().kind != TokenKind::kNumber) return Err(Unexpected("a number"));
      type += (first ? "" : ",") + Peek().text;
      ++pos_;
      first = false;
    }
    type += ")";
  }
  if (auto duck = DuckType(type); !duck) {
    return Err(duck.error().WithPrefix(Where(t) + " "));
  }
  return type;
}

Status Parser::ParseColumns(std::vector<Column>* columns) {
  SMARTCAR_RETURN_IF_ERROR(ExpectSymbol("("));
  while (true) {
    auto name = Identifier("a column name");
    if (!name) return name.error();
    auto type = ParseType();
    if (!type) return type.error();
    if (Accept("comment")) {
      if (auto c = StringLiteral("a comment string"); !c) return c.error();
    }
    for (const Column& c : *columns) {
      if (EqualsIgnoreAsciiCase(c.name, *name)) {
        return Status::InvalidArgument(Where(tokens_[pos_ - 1]) + " column " + *name +
                                       " is declared twice");
      }
    }
    columns->push_back({*name, *type});
    if (AcceptSymbol(")")) return Status::OK();
    SMARTCAR_RETURN_IF_ERROR(ExpectSymbol(","));
  }
}

Status Parser::ParseRowFormat(std::string* delimiter) {
  // ROW FORMAT has been read.
  if (Peek().IsWord("serde")) return NotSupported(Peek(), "ROW FORMAT SERDE");
  SMARTCAR_RETURN_IF_ERROR(Expect("delimited"));
  while (true) {
    const Token& at = Peek();
    if (Accept("fields")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("terminated"));
      SMARTCAR_RETURN_IF_ERROR(Expect("by"));
      auto d = StringLiteral("a delimiter string such as ','");
      if (!d) return d.error();
      if (d->size() != 1) {
        return Status::InvalidArgument(Where(at) + " FIELDS TERMINATED BY must be one character");
      }
      *delimiter = *d;
      if (Accept("escaped")) return NotSupported(at, "ESCAPED BY");
    } else if (Accept("lines")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("terminated"));
      SMARTCAR_RETURN_IF_ERROR(Expect("by"));
      auto d = StringLiteral("a delimiter string");
      if (!d) return d.error();
      if (*d != "\n") return NotSupported(at, "LINES TERMINATED BY other than '\\n'");
    } else if (Accept("collection") || Accept("map")) {
      return NotSupported(at, "COLLECTION ITEMS / MAP KEYS TERMINATED BY (no complex types)");
    } else if (Accept("null")) {
      return NotSupported(at, "NULL DEFINED AS (NULL is \\N)");
    } else {
      return Status::OK();
    }
  }
}

Status Parser::ParseProperties(std::map<std::string, std::string>* props) {
  SMARTCAR_RETURN_IF_ERROR(ExpectSymbol("("));
  while (true) {
    auto key = StringLiteral("a property name string");
    if (!key) return key.error();
    SMARTCAR_RETURN_IF_ERROR(ExpectSymbol("="));
    auto value = StringLiteral("a property value string");
    if (!value) return value.error();
    (*props)[*key] = *value;
    if (AcceptSymbol(")")) return Status::OK();
    SMARTCAR_RETURN_IF_ERROR(ExpectSymbol(","));
  }
}

Result<PartitionSpec> Parser::ParsePartitionSpec(bool allow_dynamic) {
  PartitionSpec spec;
  SMARTCAR_RETURN_IF_ERROR(ExpectSymbol("("));
  while (true) {
    const Token& at = Peek();
    auto name = Identifier("a partition column");
    if (!name) return Err(name.error());
    std::optional<std::string> value;
    if (AcceptSymbol("=")) {
      const Token& v = Peek();
      if (v.kind == TokenKind::kString || v.kind == TokenKind::kNumber) {
        value = v.text;
        ++pos_;
      } else {
        return Err(Unexpected("a partition value"));
      }
    } else if (!allow_dynamic) {
      return Err(Status::InvalidArgument(Where(at) + " partition column " + *name +
                                         " needs a value here (" + *name + "='…')"));
    }
    spec.emplace_back(*name, value);
    if (AcceptSymbol(")")) return spec;
    SMARTCAR_RETURN_IF_ERROR(ExpectSymbol(","));
  }
}

Result<Statement> Parser::ParseCreate() {
  CreateTableStmt st;
  const Token& start = Peek();
  if (Accept("temporary")) return Err(NotSupported(start, "TEMPORARY tables"));
  st.table.external = Accept("external");
  if (Peek().IsWord("database") || Peek().IsWord("schema")) {
    return Err(NotSupported(Peek(), "CREATE DATABASE (only `default`)"));
  }
  if (Peek().IsWord("view")) return Err(NotSupported(Peek(), "CREATE VIEW"));
  if (Peek().IsWord("function") || Peek().IsWord("temporary")) {
    return Err(NotSupported(Peek(), "CREATE FUNCTION"));
  }
  SMARTCAR_RETURN_IF_ERROR(Expect("table"));
  if (Accept("if")) {
    SMARTCAR_RETURN_IF_ERROR(Expect("not"));
    SMARTCAR_RETURN_IF_ERROR(Expect("exists"));
    st.if_not_exists = true;
  }
  auto name = TableName();
  if (!name) return Err(name.error());
  st.table.name = *name;
  if (Peek().IsWord("like")) return Err(NotSupported(Peek(), "CREATE TABLE … LIKE"));
  if (Peek().IsSymbol("(")) {
    if (Status s = ParseColumns(&st.table.columns); !s.ok()) return Err(s);
  }
  bool stored = false;
  while (!AtEnd()) {
    const Token& at = Peek();
    if (Accept("comment")) {
      if (auto c = StringLiteral("a comment string"); !c) return Err(c.error());
    } else if (Accept("partitioned")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("by"));
      if (Status s = ParseColumns(&st.table.partition_columns); !s.ok()) return Err(s);
      for (const Column& p : st.table.partition_columns) {
        for (const Column& c : st.table.columns) {
          if (EqualsIgnoreAsciiCase(c.name, p.name)) {
            return Err(Status::InvalidArgument(Where(at) + " partition column " + p.name +
                                               " is also a table column"));
          }
        }
      }
    } else if (Accept("clustered")) {
      return Err(NotSupported(at, "CLUSTERED BY"));
    } else if (Accept("skewed")) {
      return Err(NotSupported(at, "SKEWED BY"));
    } else if (Accept("row")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("format"));
      if (Status s = ParseRowFormat(&st.table.field_delimiter); !s.ok()) return Err(s);
    } else if (Accept("stored")) {
      stored = true;
      if (Accept("by")) {
        auto handler = StringLiteral("a storage handler class string");
        if (!handler) return Err(handler.error());
        if (*handler != "org.apache.hadoop.hive.hbase.HBaseStorageHandler") {
          return Err(NotSupported(at, "storage handler " + *handler));
        }
        st.table.format = StorageFormat::kHBase;
        if (Accept("with")) {
          SMARTCAR_RETURN_IF_ERROR(Expect("serdeproperties"));
          std::map<std::string, std::string> serde;
          if (Status s = ParseProperties(&serde); !s.ok()) return Err(s);
          for (const auto& [k, v] : serde) st.table.properties[k] = v;
        }
      } else {
        SMARTCAR_RETURN_IF_ERROR(Expect("as"));
        const Token& f = Peek();
        if (Accept("textfile")) {
          st.table.format = StorageFormat::kText;
        } else if (Accept("parquet")) {
          st.table.format = StorageFormat::kParquet;
        } else if (f.kind == TokenKind::kWord) {
          return Err(NotSupported(f, "STORED AS " + AsciiUpper(f.text) + " (TEXTFILE or PARQUET)"));
        } else {
          return Err(Unexpected("TEXTFILE or PARQUET"));
        }
      }
    } else if (Accept("location")) {
      auto loc = StringLiteral("a location string");
      if (!loc) return Err(loc.error());
      st.table.location = *loc;
    } else if (Accept("tblproperties")) {
      if (Status s = ParseProperties(&st.table.properties); !s.ok()) return Err(s);
    } else if (Accept("as")) {
      if (!Peek().IsWord("select") && !Peek().IsWord("with") && !Peek().IsSymbol("(")) {
        return Err(Unexpected("SELECT after AS"));
      }
      st.as_select = Rest(&st.as_select_offset);
      break;
    } else {
      return Err(
          Unexpected("PARTITIONED BY, ROW FORMAT, STORED AS, LOCATION, TBLPROPERTIES or AS"));
    }
  }
  (void)stored;
  if (st.table.format == StorageFormat::kHBase) {
    const auto table = st.table.properties.find("hbase.table.name");
    st.table.hbase_table = table == st.table.properties.end() ? st.table.name : table->second;
    const auto mapping = st.table.properties.find("hbase.columns.mapping");
    if (mapping == st.table.properties.end()) {
      return Err(Status::InvalidArgument(Where(start) +
                                         " an HBaseStorageHandler table needs "
                                         "SERDEPROPERTIES (\"hbase.columns.mapping\" = …)"));
    }
    std::string entry;
    std::vector<std::string> entries;
    for (char c : mapping->second + ",") {
      if (c == ',') {
        if (!entry.empty()) entries.push_back(entry);
        entry.clear();
      } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
        entry += c;
      }
    }
    // Hive: the row key is :key; when the mapping has one entry fewer than the columns, the
    // first column is the key.
    if (std::find(entries.begin(), entries.end(), ":key") == entries.end()) {
      entries.insert(entries.begin(), ":key");
    }
    if (entries.size() != st.table.columns.size()) {
      return Err(Status::InvalidArgument(
          Where(start) + " hbase.columns.mapping has " + std::to_string(entries.size()) +
          " entries (with :key) for " + std::to_string(st.table.columns.size()) + " columns"));
    }
    if (!st.table.partition_columns.empty()) {
      return Err(NotSupported(start, "PARTITIONED BY on an HBase table"));
    }
    st.table.hbase_mapping = std::move(entries);
  }
  if (st.table.columns.empty() && st.as_select.empty()) {
    return Err(Status::InvalidArgument(Where(start) + " CREATE TABLE " + st.table.name +
                                       " needs columns or AS SELECT"));
  }
  if (!st.as_select.empty() && (st.table.external || !st.table.partition_columns.empty())) {
    return Err(NotSupported(start, "CREATE EXTERNAL or PARTITIONED table AS SELECT"));
  }
  return Statement(std::move(st));
}

Result<Statement> Parser::ParseAlter() {
  const Token& start = Peek();
  SMARTCAR_RETURN_IF_ERROR(Expect("table"));
  AlterPartitionsStmt st;
  auto name = TableName();
  if (!name) return Err(name.error());
  st.table = *name;
  const Token& op = Peek();
  if (Accept("add")) {
    st.add = true;
    if (Accept("if")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("not"));
      SMARTCAR_RETURN_IF_ERROR(Expect("exists"));
      st.if_clause = true;
    }
    if (!Peek().IsWord("partition"))
      return Err(NotSupported(op, "ALTER TABLE … ADD other than PARTITION"));
    while (Accept("partition")) {
      auto spec = ParsePartitionSpec(false);
      if (!spec) return Err(spec.error());
      st.specs.push_back(std::move(*spec));
      std::string location;
      if (Accept("location")) {
        auto loc = StringLiteral("a location string");
        if (!loc) return Err(loc.error());
        location = *loc;
      }
      st.locations.push_back(location);
    }
  } else if (Accept("drop")) {
    st.add = false;
    if (Accept("if")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("exists"));
      st.if_clause = true;
    }
    if (!Peek().IsWord("partition"))
      return Err(NotSupported(op, "ALTER TABLE … DROP other than PARTITION"));
    do {
      SMARTCAR_RETURN_IF_ERROR(Expect("partition"));
      auto spec = ParsePartitionSpec(false);
      if (!spec) return Err(spec.error());
      st.specs.push_back(std::move(*spec));
      st.locations.emplace_back();
    } while (AcceptSymbol(","));
    if (Accept("purge")) {
    }
  } else {
    return Err(NotSupported(op.kind == TokenKind::kEnd ? start : op,
                            "ALTER TABLE other than ADD/DROP PARTITION"));
  }
  SMARTCAR_RETURN_IF_ERROR(ExpectEnd());
  return Statement(std::move(st));
}

Result<Statement> Parser::ParseShow() {
  ShowStmt st;
  const Token& at = Peek();
  if (Accept("tables")) {
    st.kind = ShowStmt::Kind::kTables;
    if (Accept("in") || Accept("from")) {
      auto db = Identifier("a database name");
      if (!db) return Err(db.error());
      if (AsciiLower(*db) != "default") return Err(NotSupported(at, "database '" + *db + "'"));
    }
    Accept("like");
    if (Peek().kind == TokenKind::kString) st.like = Peek().text, ++pos_;
  } else if (Accept("databases") || Accept("schemas")) {
    st.kind = ShowStmt::Kind::kDatabases;
  } else if (Accept("partitions")) {
    st.kind = ShowStmt::Kind::kPartitions;
    auto name = TableName();
    if (!name) return Err(name.error());
    st.table = *name;
  } else if (Accept("create")) {
    SMARTCAR_RETURN_IF_ERROR(Expect("table"));
    st.kind = ShowStmt::Kind::kCreateTable;
    auto name = TableName();
    if (!name) return Err(name.error());
    st.table = *name;
  } else {
    return Err(NotSupported(
        at, "SHOW " + AsciiUpper(at.text) + " (TABLES, PARTITIONS, DATABASES, CREATE TABLE)"));
  }
  SMARTCAR_RETURN_IF_ERROR(ExpectEnd());
  return Statement(std::move(st));
}

Result<Statement> Parser::ParseInsert() {
  InsertStmt st;
  const Token& start = Peek();
  if (Accept("overwrite")) {
    st.overwrite = true;
  } else if (!Accept("into")) {
    return Err(Unexpected("OVERWRITE or INTO"));
  }
  if (st.overwrite && (Peek().IsWord("local") || Peek().IsWord("directory"))) {
    st.directory = true;
    st.local = Accept("local");
    SMARTCAR_RETURN_IF_ERROR(Expect("directory"));
    auto dir = StringLiteral("a directory string");
    if (!dir) return Err(dir.error());
    st.target = *dir;
    if (Accept("row")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("format"));
      if (Status s = ParseRowFormat(&st.field_delimiter); !s.ok()) return Err(s);
    }
    if (Accept("stored")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("as"));
      if (!Accept("textfile"))
        return Err(NotSupported(Peek(), "directories STORED AS other than TEXTFILE"));
    }
  } else {
    Accept("table");  // INSERT INTO t is allowed without TABLE; OVERWRITE needs it in Hive.
    auto name = TableName();
    if (!name) return Err(name.error());
    st.target = *name;
    if (Accept("partition")) {
      auto spec = ParsePartitionSpec(true);
      if (!spec) return Err(spec.error());
      st.partition = std::move(*spec);
    }
    if (Peek().IsSymbol("(")) return Err(NotSupported(Peek(), "a column list after the table"));
    if (Peek().IsWord("values")) return Err(NotSupported(Peek(), "INSERT … VALUES"));
    if (Accept("if")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("not"));
      SMARTCAR_RETURN_IF_ERROR(Expect("exists"));
    }
  }
  if (!Peek().IsWord("select") && !Peek().IsWord("with") && !Peek().IsSymbol("(")) {
    if (Peek().IsWord("from")) return Err(NotSupported(Peek(), "FROM … INSERT (multi-insert)"));
    return Err(Unexpected("SELECT"));
  }
  (void)start;
  st.select = Rest(&st.select_offset);
  return Statement(std::move(st));
}

Result<Statement> Parser::ParseLoad() {
  LoadDataStmt st;
  SMARTCAR_RETURN_IF_ERROR(Expect("data"));
  st.local = Accept("local");
  SMARTCAR_RETURN_IF_ERROR(Expect("inpath"));
  auto path = StringLiteral("a path string");
  if (!path) return Err(path.error());
  st.path = *path;
  st.overwrite = Accept("overwrite");
  SMARTCAR_RETURN_IF_ERROR(Expect("into"));
  SMARTCAR_RETURN_IF_ERROR(Expect("table"));
  auto name = TableName();
  if (!name) return Err(name.error());
  st.table = *name;
  if (Accept("partition")) {
    auto spec = ParsePartitionSpec(false);
    if (!spec) return Err(spec.error());
    st.partition = std::move(*spec);
  }
  SMARTCAR_RETURN_IF_ERROR(ExpectEnd());
  return Statement(std::move(st));
}

Result<Statement> Parser::ParseSet() {
  // `set k=v`: the value is the raw text after '=' (Hive does not tokenize it).
  SetStmt st;
  if (AtEnd()) return Statement(st);
  const size_t key_start = Peek().offset;
  while (!AtEnd() && !Peek().IsSymbol("=")) ++pos_;
  const size_t key_end = AtEnd() ? text_.size() : Peek().offset;
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
      s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
      s.remove_suffix(1);
    return std::string(s);
  };
  st.key = trim(text_.substr(key_start, key_end - key_start));
  if (!AtEnd()) {
    st.has_value = true;
    st.value = trim(text_.substr(Peek().offset + 1));
  }
  return Statement(std::move(st));
}

Result<Statement> Parser::Parse() {
  const Token& first = Peek();
  if (first.kind == TokenKind::kEnd) return Err(Status::InvalidArgument("empty statement"));
  if (first.IsWord("select") || first.IsWord("with") || first.IsSymbol("(")) {
    return Statement(QueryStmt{Blanked(first.offset)});
  }
  ++pos_;
  if (first.IsWord("create")) return ParseCreate();
  if (first.IsWord("alter")) return ParseAlter();
  if (first.IsWord("show")) return ParseShow();
  if (first.IsWord("insert")) return ParseInsert();
  if (first.IsWord("load")) return ParseLoad();
  if (first.IsWord("set")) return ParseSet();
  if (first.IsWord("drop")) {
    const Token& what = Peek();
    if (!Accept("table"))
      return Err(NotSupported(what, "DROP " + AsciiUpper(what.text) + " (only DROP TABLE)"));
    DropTableStmt st;
    if (Accept("if")) {
      SMARTCAR_RETURN_IF_ERROR(Expect("exists"));
      st.if_exists = true;
    }
    auto name = TableName();
    if (!name) return Err(name.error());
    st.table = *name;
    Accept("purge");
    SMARTCAR_RETURN_IF_ERROR(ExpectEnd());
    return Statement(std::move(st));
  }
  if (first.IsWord("describe") || first.IsWord("desc")) {
    DescribeStmt st;
    st.formatted = Accept("formatted") || Accept("extended");
    auto name = TableName();
    if (!name) return Err(name.error());
    st.table = *name;
    SMARTCAR_RETURN_IF_ERROR(ExpectEnd());
    return Statement(std::move(st));
  }
  if (first.IsWord("msck")) {
    SMARTCAR_RETURN_IF_ERROR(Expect("repair"));
    SMARTCAR_RETURN_IF_ERROR(Expect("table"));
    MsckStmt st;
    auto name = TableName();
    if (!name) return Err(name.error());
    st.table = *name;
    SMARTCAR_RETURN_IF_ERROR(ExpectEnd());
    return Statement(std::move(st));
  }
  if (first.IsWord("use")) {
    UseStmt st;
    auto db = Identifier("a database name");
    if (!db) return Err(db.error());
    if (AsciiLower(*db) != "default")
      return Err(NotSupported(first, "database '" + *db + "' (only `default`)"));
    st.database = *db;
    SMARTCAR_RETURN_IF_ERROR(ExpectEnd());
    return Statement(std::move(st));
  }
  if (first.kind == TokenKind::kWord) {
    return Err(NotSupported(first, AsciiUpper(first.text) + " statements"));
  }
  return Err(Status::InvalidArgument(Where(first) + " a statement cannot start with '" +
                                     first.text + "'"));
}

}  // namespace

Result<std::string> DuckType(std::string_view hive_type) {
  const std::string t = AsciiLower(hive_type);
  const std::string base = t.substr(0, t.find('('));
  if (base == "string" || base == "varchar" || base == "char") return std::string("VARCHAR");
  if (base == "tinyint") return std::string("TINYINT");
  if (base == "smallint") return std::string("SMALLINT");
  if (base == "int" || base == "integer") return std::string("INTEGER");
  if (base == "bigint") return std::string("BIGINT");
  if (base == "float") return std::string("FLOAT");
  if (base == "double") return std::string("DOUBLE");
  if (base == "boolean") return std::string("BOOLEAN");
  if (base == "date") return std::string("DATE");
  if (base == "timestamp") return std::string("TIMESTAMP");
  if (base == "decimal" || base == "numeric") {
    if (t.find('(') == std::string::npos) return std::string("DECIMAL(10,0)");  // Hive's default.
    return "DECIMAL" + t.substr(t.find('('));
  }
  return Err(Status::NotSupported("not supported: column type " + AsciiUpper(base)));
}

Result<Statement> ParseStatement(std::string_view text, int first_line) {
  auto tokens = Tokenize(text, first_line);
  if (!tokens) return Err(tokens.error());
  Parser parser(text, std::move(*tokens));
  return parser.Parse();
}

}  // namespace smartcar::hive

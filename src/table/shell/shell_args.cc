// The shell's argument helpers: arity, typed arguments (string, integer, boolean, columns, time
// range), allowed hash keys, and opening the table a command names.
#include <string>

#include "table/shell/shell_session.h"

namespace smartcar::table::shell {

Outcome Session::Arity(const Command& c, size_t min, size_t max) {
  if (c.args.size() < min || c.args.size() > max) {
    return Fail("wrong number of arguments (" + std::to_string(c.args.size()) + " for " +
                    std::to_string(min) + (max > min ? ".." + std::to_string(max) : "") + ")",
                true);
  }
  return {};
}

tl::expected<std::string, CommandError> Session::Text(const Value& v, const char* what) {
  if (v.kind == Value::Kind::kString) return v.text;
  if (v.kind == Value::Kind::kInteger) return v.text;
  return Fail(std::string(what) + " must be a string", true);
}

tl::expected<int64_t, CommandError> Session::Int(const Value& v, const char* what) {
  if (v.kind == Value::Kind::kInteger) return v.integer;
  return Fail(std::string(what) + " must be an integer", true);
}

tl::expected<bool, CommandError> Session::Bool(const Value& v, const char* what) {
  if (v.kind == Value::Kind::kWord && (v.text == "true" || v.text == "false")) {
    return v.text == "true";
  }
  return Fail(std::string(what) + " must be true or false", true);
}

tl::expected<std::vector<ColumnRef>, CommandError> Session::Columns(const Value& v) {
  std::vector<ColumnRef> cols;
  if (v.kind == Value::Kind::kString) {
    cols.push_back(ColumnRef::Parse(v.text));
  } else if (v.kind == Value::Kind::kArray) {
    for (const Value& item : v.array) {
      if (item.kind != Value::Kind::kString) return Fail("COLUMNS entries must be strings", true);
      cols.push_back(ColumnRef::Parse(item.text));
    }
  } else {
    return Fail("COLUMNS must be a string or an array of strings", true);
  }
  return cols;
}

tl::expected<TimeRange, CommandError> Session::Range(const Value& v) {
  if (v.kind != Value::Kind::kArray || v.array.size() != 2 ||
      v.array[0].kind != Value::Kind::kInteger || v.array[1].kind != Value::Kind::kInteger) {
    return Fail("TIMERANGE must be [min_ts, max_ts]", true);
  }
  return TimeRange{v.array[0].integer, v.array[1].integer};
}

Outcome Session::CheckKeys(const Value& h, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : h.hash) {
    bool ok = false;
    for (auto a : allowed) ok |= a == k;
    if (!ok) return Fail("unknown argument " + k, true);
  }
  return {};
}

tl::expected<std::shared_ptr<Table>, CommandError> Session::Open(const Value& v) {
  auto name = Text(v, "table name");
  if (!name) return tl::unexpected(name.error());
  auto t = store_->OpenTable(*name);
  if (!t) return Fail(t.error());
  return *t;
}

}  // namespace smartcar::table::shell

// Value's type names, its total order (NULL < booleans < numbers < strings), its JSON and display
// forms (time as the pilot's 14-digit stamp) and the binary encoding used for group keys.
#include "cep/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/decimal.h"
#include "core/event_time.h"

namespace smartcar::cep {

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kInt:
      return "long";
    case Type::kDouble:
      return "double";
    case Type::kString:
      return "string";
    case Type::kTime:
      return "time";
  }
  return "?";
}

namespace {
int Rank(Type t) {
  switch (t) {
    case Type::kNull:
      return 0;
    case Type::kBool:
      return 1;
    case Type::kInt:
    case Type::kDouble:
    case Type::kTime:
      return 2;
    case Type::kString:
      return 3;
  }
  return 4;
}
}  // namespace

int Compare(const Value& a, const Value& b) {
  const int ra = Rank(a.type), rb = Rank(b.type);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return static_cast<int>(a.b) - static_cast<int>(b.b);
    case 2:
      if (a.type != Type::kDouble && b.type != Type::kDouble) {
        return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
      } else {
        const double x = a.AsDouble(), y = b.AsDouble();
        return x < y ? -1 : (x > y ? 1 : 0);
      }
    default: {
      const int c = a.s.compare(b.s);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
}

bool Equal(const Value& a, const Value& b) { return Compare(a, b) == 0; }

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

namespace {
void AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  (void)ec;
  std::string_view text(buf, static_cast<size_t>(end - buf));
  out->append(text);
  if (text.find_first_of(".e") == std::string_view::npos) out->append(".0");
}
}  // namespace

void AppendJson(const Value& v, std::string* out) {
  switch (v.type) {
    case Type::kNull:
      out->append("null");
      break;
    case Type::kBool:
      out->append(v.b ? "true" : "false");
      break;
    case Type::kInt:
      AppendDecimal(v.i, out);
      break;
    case Type::kDouble:
      AppendDouble(v.d, out);
      break;
    case Type::kTime: {
      if (v.i >= -62167219200000LL && v.i < 253402300800000LL) {
        char buf[kTimestampDigits];
        FormatTimestamp14(EventTimeMs{v.i}, buf);
        AppendJsonString(std::string_view(buf, kTimestampDigits), out);
      } else {
        out->append(std::to_string(v.i));
      }
      break;
    }
    case Type::kString:
      AppendJsonString(v.s, out);
      break;
  }
}

std::string ToDisplay(const Value& v) {
  if (v.type == Type::kString) return "'" + v.s + "'";
  std::string out;
  AppendJson(v, &out);
  return out;
}

void AppendKey(const Value& v, std::string* out) {
  switch (v.type) {
    case Type::kNull:
      out->push_back('\0');
      break;
    case Type::kBool:
      out->push_back('\1');
      out->push_back(v.b ? '\1' : '\0');
      break;
    case Type::kInt:
    case Type::kTime:
    case Type::kDouble: {
      // Numbers that compare equal must encode equally: integral doubles use the long form.
      double d = v.AsDouble();
      if (v.type != Type::kDouble || (d == std::floor(d) && std::fabs(d) < 9.0e18)) {
        const int64_t i = v.type == Type::kDouble ? static_cast<int64_t>(d) : v.i;
        out->push_back('\2');
        char b[8];
        std::memcpy(b, &i, 8);
        out->append(b, 8);
      } else {
        out->push_back('\3');
        char b[8];
        std::memcpy(b, &d, 8);
        out->append(b, 8);
      }
      break;
    }
    case Type::kString:
      out->push_back('\4');
      out->append(v.s);
      out->push_back('\0');
      break;
  }
}

}  // namespace smartcar::cep

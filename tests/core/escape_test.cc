// EscapeBytes: messages and dead letters stay one printable line; the bytes stay recoverable.
#include "core/escape.h"

#include <gtest/gtest.h>

#include <string>

#include "core/events.h"
#include "core/line_codec.h"

namespace smartcar {
namespace {

TEST(EscapeTest, ControlBytesAndBackslashAreEscapedAndRecoverable) {
  const std::string raw("a\0b\tc\\d\x7f\xed\x95\x9c", 11);
  const std::string escaped = EscapeBytes(raw);
  EXPECT_EQ(escaped, "a\\x00b\\x09c\\\\d\\x7f\xed\x95\x9c");  // UTF-8 (Korean) kept as is.
  EXPECT_EQ(UnescapeBytes(escaped), raw);
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    EXPECT_EQ(UnescapeBytes(EscapeBytes(one)), one) << c;
    EXPECT_EQ(EscapeBytes(one).find('\n'), std::string::npos) << c;
  }
}

// A NUL inside a field no longer cuts the message: "field 2 (car_number): 'Z99\x00X' ...".
TEST(EscapeTest, ParseErrorsShowTheWholeFieldEscaped) {
  DriverEvent e;
  auto r = ParseDriverLine(std::string("20220426000000,Z99\0X,1,0,F,N,50,A01", 35), &e);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("field 2 (car_number): 'Z99\\x00X' is not a car number"),
            std::string::npos)
      << r.error().message();
}

}  // namespace
}  // namespace smartcar

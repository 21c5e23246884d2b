#include "core/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace smartcar {
namespace {

TEST(DecimalTest, WritesEveryInt64AsStdToStringDoes) {
  const int64_t values[] = {0,
                            7,
                            -7,
                            42,
                            1000000,
                            -1000000,
                            std::numeric_limits<int32_t>::max(),
                            std::numeric_limits<int32_t>::min(),
                            std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min()};
  for (int64_t v : values) {
    char buf[kMaxDecimalChars];
    EXPECT_EQ(DecimalText(v, buf), std::to_string(v));
  }
}

TEST(DecimalTest, AppendsAfterWhatIsThere) {
  std::string out = "speed=";
  AppendDecimal(-15, &out);
  out += ',';
  AppendDecimal(std::numeric_limits<int64_t>::min(), &out);
  EXPECT_EQ(out, "speed=-15,-9223372036854775808");
}

}  // namespace
}  // namespace smartcar

// JsonInteger: only integral JSON numbers that fit the target type, never a cast of a double.
#include "core/json_integer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace smartcar {
namespace {

using nlohmann::json;

TEST(JsonIntegerTest, AcceptsIntegersThatFit) {
  EXPECT_EQ(JsonInteger<int64_t>(json::parse("42")), 42);
  EXPECT_EQ(JsonInteger<int64_t>(json::parse("-7")), -7);
  EXPECT_EQ(JsonInteger<uint64_t>(json::parse("18446744073709551615")), UINT64_MAX);
  EXPECT_EQ(JsonInteger<int32_t>(json::parse("-2147483648")), INT32_MIN);
  EXPECT_EQ(JsonInteger<uint8_t>(json::parse("255")), 255);
}

TEST(JsonIntegerTest, RefusesFractionsHugeNumbersAndOtherTypes) {
  for (const char* text : {"1e300", "-1e300", "1.5", "\"3\"", "true", "null", "[1]"}) {
    EXPECT_FALSE(JsonInteger<int64_t>(json::parse(text)).has_value()) << text;
  }
  EXPECT_FALSE(JsonInteger<int64_t>(json::parse("18446744073709551615")).has_value());
  EXPECT_FALSE(JsonInteger<uint64_t>(json::parse("-1")).has_value());
  EXPECT_FALSE(JsonInteger<int32_t>(json::parse("2147483648")).has_value());
  EXPECT_FALSE(JsonInteger<uint8_t>(json::parse("256")).has_value());
}

TEST(JsonIntegerTest, OrThrowNamesTheKeyAndTheValue) {
  EXPECT_EQ(JsonIntegerOrThrow<int>(json::parse("3"), "n"), 3);
  try {
    JsonIntegerOrThrow<int64_t>(json::parse("1e300"), "emitted");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'emitted'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1e+300"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace smartcar

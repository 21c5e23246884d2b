#include "core/status.h"

#include <gtest/gtest.h>

namespace smartcar {
namespace {

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = Status::InvalidArgument("field 7 (speed): 'x9' is not an integer");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.ToString(), "Invalid argument: field 7 (speed): 'x9' is not an integer");
  Status copy = s;
  EXPECT_EQ(copy.ToString(), s.ToString());
  EXPECT_EQ(s.WithPrefix("line 3, ").message(), "line 3, field 7 (speed): 'x9' is not an integer");
  EXPECT_TRUE(Status().WithPrefix("x").ok());
}

TEST(StatusTest, ResultHoldsValueOrStatus) {
  Result<int> good = 3;
  Result<int> bad = Err(Status::NotFound("no such table 'x'"));
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().IsNotFound());
}

Status FailsAtSecond(int* calls) {
  ++*calls;
  SMARTCAR_RETURN_IF_ERROR(Status::OK());
  ++*calls;
  SMARTCAR_RETURN_IF_ERROR(Status::IOError("disk full"));
  ++*calls;
  return Status::OK();
}

TEST(StatusTest, ReturnIfErrorStopsAtFirstError) {
  int calls = 0;
  Status s = FailsAtSecond(&calls);
  EXPECT_TRUE(s.IsIOError());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace smartcar

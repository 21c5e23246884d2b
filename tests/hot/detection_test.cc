#include "hot/detection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartcar::hot {
namespace {

using ::testing::HasSubstr;

TEST(DetectionTest, JsonRoundTrip) {
  Detection d{"20220426", "O0010", 1650952200000, 1650952230000, 93.5, 30, "overspeed"};
  const std::string json = DetectionToJson(d);
  EXPECT_EQ(json,
            "{\"date\":\"20220426\",\"car\":\"O0010\",\"window_start_ms\":1650952200000,"
            "\"window_end_ms\":1650952230000,\"avg_speed\":93.5,\"event_count\":30,"
            "\"rule\":\"overspeed\"}");
  auto back = DetectionFromJson(json);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->date, d.date);
  EXPECT_EQ(back->car, d.car);
  EXPECT_EQ(back->window_start_ms, d.window_start_ms);
  EXPECT_EQ(back->window_end_ms, d.window_end_ms);
  EXPECT_DOUBLE_EQ(back->avg_speed, d.avg_speed);
  EXPECT_EQ(back->event_count, d.event_count);
  EXPECT_EQ(back->rule, d.rule);
}

TEST(DetectionTest, AreaIsWrittenWhenKnownAndReadBack) {
  Detection d{"20220426", "O0010", 1650952200000, 1650952230000, 93.5, 30, "overspeed", "F06"};
  const std::string json = DetectionToJson(d);
  EXPECT_THAT(json, HasSubstr(",\"rule\":\"overspeed\",\"area\":\"F06\"}"));
  auto back = DetectionFromJson(json);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->area, "F06");
  d.area.clear();
  EXPECT_THAT(DetectionToJson(d), ::testing::Not(HasSubstr("area")));
  EXPECT_EQ(DetectionFromJson(DetectionToJson(d))->area, "");
  EXPECT_EQ(DetectionFromJson("{\"date\":\"20220426\",\"car\":\"O0010\",\"window_start_ms\":1,"
                              "\"window_end_ms\":2,\"avg_speed\":1,\"event_count\":1,"
                              "\"rule\":\"r\",\"area\":7}")
                .error()
                .message(),
            "detection: field 'area' is not a string");
}

TEST(DetectionTest, BadJsonSaysWhy) {
  EXPECT_THAT(DetectionFromJson("{").error().message(), HasSubstr("parse error"));
  EXPECT_THAT(DetectionFromJson("[1]").error().message(), HasSubstr("not a JSON object"));
  EXPECT_THAT(DetectionFromJson("{\"date\":\"x\"}").error().message(),
              HasSubstr("missing field 'car'"));
  Detection d{"20220426", "O1", 1, 2, 3, 4, "r"};
  std::string json = DetectionToJson(d);
  json.replace(json.find("4,"), 1, "\"4\"");
  EXPECT_THAT(DetectionFromJson(json).error().message(),
              HasSubstr("field 'event_count' is not an integer"));
}

TEST(DetectionTest, InvalidUtf8IsReplacedNotThrown) {
  Detection d{"20220426", std::string("O\xff", 2), 0, 0, 0, 0, "r"};
  auto back = DetectionFromJson(DetectionToJson(d));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->car, "O\xEF\xBF\xBD");
}

TEST(DetectionTest, EscapesRoundTrip) {
  Detection d{"20220426", "q\"b\\s\n\t\x01\xE4\xBA\xAC", -5, 0, 1e-7, -1, "r\xF0\x9F\x9A\x97"};
  const std::string json = DetectionToJson(d);
  EXPECT_NE(json.find("q\\\"b\\\\s\\u000a\\u0009\\u0001"), std::string::npos) << json;
  auto back = DetectionFromJson(json);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->car, d.car);
  EXPECT_EQ(back->rule, d.rule);
  EXPECT_EQ(back->window_start_ms, -5);
  EXPECT_DOUBLE_EQ(back->avg_speed, 1e-7);
  d.avg_speed = 1.0 / 0.0;
  EXPECT_THAT(DetectionToJson(d), HasSubstr("\"avg_speed\":null"));
  EXPECT_FALSE(DetectionFromJson(DetectionToJson(d)).has_value());
}

TEST(DetectionTest, AddDetectionWritesSetAndValue) {
  HotWriteBatch b;
  AddDetection(Detection{"20220426", "O0010", 0, 0, 0, 0, "r"}, &b);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.ops()[0].kind, HotOp::Kind::kSetAdd);
  EXPECT_EQ(b.ops()[0].key, "20220426");
  EXPECT_EQ(b.ops()[0].value, "O0010");
  EXPECT_EQ(b.ops()[1].key, "20220426:O0010");
  EXPECT_EQ(DetectionKey("d", "c"), "d:c");
}

}  // namespace
}  // namespace smartcar::hot

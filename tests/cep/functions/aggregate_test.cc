#include "cep/functions/aggregate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace smartcar::cep {
namespace {

AggSpec Spec(AggKind kind, Type arg) {
  AggSpec s;
  s.kind = kind;
  s.arg.type = arg;
  s.type = AggResultType(kind, arg);
  return s;
}

TEST(AggregateTest, CountSumAvgEnterAndLeave) {
  AggSpec sum = Spec(AggKind::kSum, Type::kInt), avg = Spec(AggKind::kAvg, Type::kInt),
          cnt = Spec(AggKind::kCount, Type::kInt);
  AggState s1, s2, s3;
  for (int v : {10, 20, 60}) {
    AggEnter(sum, &s1, Value::Int(v));
    AggEnter(avg, &s2, Value::Int(v));
    AggEnter(cnt, &s3, Value::Int(v));
  }
  AggEnter(cnt, &s3, Value());  // count(x) skips nulls
  EXPECT_EQ(AggResult(sum, s1).i, 90);
  EXPECT_DOUBLE_EQ(AggResult(avg, s2).d, 30);
  EXPECT_EQ(AggResult(cnt, s3).i, 3);
  AggLeave(sum, &s1, Value::Int(10));
  AggLeave(avg, &s2, Value::Int(10));
  EXPECT_EQ(AggResult(sum, s1).i, 80);
  EXPECT_DOUBLE_EQ(AggResult(avg, s2).d, 40);
  AggLeave(avg, &s2, Value::Int(20));
  AggLeave(avg, &s2, Value::Int(60));
  EXPECT_TRUE(AggResult(avg, s2).is_null());  // empty window: avg is null
  EXPECT_EQ(AggResult(cnt, AggState{}).i, 0);
}

TEST(AggregateTest, MinMaxFollowRemovals) {
  AggSpec mn = Spec(AggKind::kMin, Type::kInt), mx = Spec(AggKind::kMax, Type::kInt);
  AggState a, b;
  for (int v : {5, 1, 9, 1}) {
    AggEnter(mn, &a, Value::Int(v));
    AggEnter(mx, &b, Value::Int(v));
  }
  EXPECT_EQ(AggResult(mn, a).i, 1);
  EXPECT_EQ(AggResult(mx, b).i, 9);
  AggLeave(mn, &a, Value::Int(1));
  EXPECT_EQ(AggResult(mn, a).i, 1);  // the other 1 is still there
  AggLeave(mn, &a, Value::Int(1));
  EXPECT_EQ(AggResult(mn, a).i, 5);
  AggLeave(mx, &b, Value::Int(9));
  EXPECT_EQ(AggResult(mx, b).i, 5);
  AggFree(mn, &a);
  AggFree(mx, &b);
  EXPECT_TRUE(AggResult(mn, a).is_null());  // freed: an empty state
}

TEST(AggregateTest, StddevAvedevMedian) {
  AggSpec sd = Spec(AggKind::kStddev, Type::kInt), ad = Spec(AggKind::kAvedev, Type::kInt),
          md = Spec(AggKind::kMedian, Type::kInt);
  AggState a, b, c;
  for (int v : {2, 4, 4, 4, 5, 5, 7, 9}) {
    AggEnter(sd, &a, Value::Int(v));
    AggEnter(ad, &b, Value::Int(v));
    AggEnter(md, &c, Value::Int(v));
  }
  // Sample standard deviation (n - 1), as Esper: sqrt(32 / 7).
  EXPECT_NEAR(AggResult(sd, a).d, std::sqrt(32.0 / 7.0), 1e-12);
  // Mean 5: |deviations| = 3,1,1,1,0,0,2,4 → 12 / 8.
  EXPECT_DOUBLE_EQ(AggResult(ad, b).d, 1.5);
  EXPECT_DOUBLE_EQ(AggResult(md, c).d, 4.5);
  AggLeave(md, &c, Value::Int(9));
  EXPECT_DOUBLE_EQ(AggResult(md, c).d, 4);
  AggState one;
  AggEnter(sd, &one, Value::Int(3));
  EXPECT_TRUE(AggResult(sd, one).is_null());  // one value: no sample deviation
  for (AggState* s : {&a, &one}) AggFree(sd, s);
  AggFree(ad, &b);
  AggFree(md, &c);
}

TEST(AggregateTest, FirstLastAndDistinct) {
  AggSpec first = Spec(AggKind::kFirst, Type::kString), last = Spec(AggKind::kLast, Type::kString),
          distinct = Spec(AggKind::kCountDistinct, Type::kString);
  AggState f, l, d;
  for (const char* v : {"a", "b", "a", "c"}) {
    AggEnter(first, &f, Value::String(v));
    AggEnter(last, &l, Value::String(v));
    AggEnter(distinct, &d, Value::String(v));
  }
  EXPECT_EQ(AggResult(first, f).s, "a");
  EXPECT_EQ(AggResult(last, l).s, "c");
  EXPECT_EQ(AggResult(distinct, d).i, 3);
  AggLeave(first, &f, Value::String("a"));
  EXPECT_EQ(AggResult(first, f).s, "b");
  AggLeave(distinct, &d, Value::String("a"));
  EXPECT_EQ(AggResult(distinct, d).i, 3);  // one "a" left
  AggLeave(distinct, &d, Value::String("a"));
  EXPECT_EQ(AggResult(distinct, d).i, 2);
  AggFree(first, &f);
  AggFree(last, &l);
  AggFree(distinct, &d);
}

TEST(AggregateTest, LookupIsCaseInsensitive) {
  ASSERT_NE(FindAggregate("AVG"), nullptr);
  EXPECT_EQ(FindAggregate("Avg")->kind, AggKind::kAvg);
  EXPECT_EQ(FindAggregate("average"), nullptr);
  EXPECT_EQ(AggResultType(AggKind::kSum, Type::kString), Type::kNull);
}

}  // namespace
}  // namespace smartcar::cep

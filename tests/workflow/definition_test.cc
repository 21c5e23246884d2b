#include <gtest/gtest.h>

#include "test_util.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto wf = ParseWorkflow(yaml, "wf.yaml");
  return wf ? std::string("(parsed)") : wf.error().message();
}

TEST(WorkflowDefinitionTest, ActionsAreSortedDependenciesFirstKeepingFileOrder) {
  auto wf = ParseWorkflow(R"(
name: day
params: {out: /tmp/x}
actions:
  - {name: report, type: report, depends_on: [load]}
  - {name: load, type: smartcar, args: [warehouse, load], retries: 2, retry_delay: 30s, timeout: 5m}
  - {name: wait, type: wait-for, path: "${out}"}
  - {name: export, type: export, depends_on: [report, load], args: [--table, t], when: "${pg}"}
)",
                          "day.yaml");
  ASSERT_TRUE(wf.has_value()) << wf.error().message();
  std::vector<std::string> order;
  for (const Action& a : wf->actions) order.push_back(a.name);
  EXPECT_EQ(order, (std::vector<std::string>{"load", "report", "wait", "export"}));
  EXPECT_EQ(wf->actions[0].retries, 2);
  EXPECT_EQ(wf->actions[0].retry_delay_ms, 30'000);
  EXPECT_EQ(wf->actions[0].timeout_ms, 300'000);
  EXPECT_EQ(wf->params.at("out"), "/tmp/x");
  EXPECT_FALSE(wf->schedule.enabled);
}

TEST(WorkflowDefinitionTest, MistakesNameTheFileAndLine) {
  EXPECT_EQ(ErrorOf("name: a\nactions:\n  - {name: x, type: shell, command: ls, retires: 3}\n"),
            "wf.yaml:3: unknown action key 'retires' (name, type, depends_on, args, sql, file, "
            "into, command, path, partition, by, when, retries, retry_delay, timeout, "
            "poke_interval)");
  EXPECT_NE(ErrorOf("name: a\nactions:\n  - {name: x, type: bash, command: ls}\n")
                .find("wf.yaml:3: unknown action type 'bash'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nactions:\n  - {name: x, type: shell, command: ls, depends_on: y}\n")
                .find("depends on unknown action 'y'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nactions:\n"
                    "  - {name: x, type: shell, command: ls, depends_on: y}\n"
                    "  - {name: y, type: shell, command: ls, depends_on: x}\n")
                .find("the dependencies of x, y form a cycle"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nactions:\n  - {name: x, type: shell, command: ls}\n"
                    "  - {name: x, type: shell, command: ls}\n")
                .find("wf.yaml:4: action 'x' is defined twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nactions:\n  - {name: x, type: shell, command: ls, timeout: 5q}\n")
                .find("timeout '5q' has an unknown unit"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nschedule: {cron: '61 * * * *'}\nactions:\n"
                    "  - {name: x, type: shell, command: ls}\n")
                .find("wf.yaml:2: cron '61 * * * *': minute '61' is not from 0 to 59"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nschedule: {daily: '01:30', timezone: Mars/Olympus}\nactions:\n"
                    "  - {name: x, type: shell, command: ls}\n")
                .find("time zone 'Mars/Olympus' is unknown"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nactions:\n  - {name: x, type: sql}\n")
                .find("needs exactly one of sql: and file:"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: a\nactions: [\n").find("wf.yaml:"), std::string::npos);
  EXPECT_EQ(ErrorOf("actions:\n  - {name: x, type: shell, command: ls}\n"),
            "wf.yaml: the workflow needs a name");
}

TEST(WorkflowDefinitionTest, VariablesAreSubstitutedAndUnknownOnesNamed) {
  const std::map<std::string, std::string> vars = {{"working_day", "20200322"}, {"data", "/d"}};
  EXPECT_EQ(Substitute("${data}/x_${working_day}.txt", vars).value(), "/d/x_20200322.txt");
  EXPECT_EQ(Substitute("where biz_date = '${hivevar:working_day}'", vars).value(),
            "where biz_date = '20200322'");
  auto bad = Substitute("${wrking_day}", vars);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "unknown variable ${wrking_day} (known: data, working_day)");
}

TEST(WorkflowDefinitionTest, TheShippedWorkflowsLoad) {
  auto all = LoadWorkflowFolder(std::string(SMARTCAR_SOURCE_DIR) + "/workflows");
  ASSERT_TRUE(all.has_value()) << all.error().message();
  ASSERT_EQ(all->size(), 1u);
  const Workflow& wf = (*all)[0];
  EXPECT_EQ(wf.name, "pilot-daily");
  EXPECT_TRUE(wf.schedule.enabled);
  EXPECT_EQ(wf.schedule.cron, "30 1 * * *");
  EXPECT_EQ(wf.schedule.timezone, "Asia/Seoul");
  EXPECT_EQ(wf.actions.front().name, "wait-status-log");
  EXPECT_EQ(wf.actions.back().name, "export-symptom");
}

}  // namespace
}  // namespace smartcar::workflow

// Data-file rule tests (DuckDB style): each tests/cep/rules/*.test holds an EPL rule, input
// lines and the exact expected output, and runs through RunRules — the path of
// `smartcar rules run`. Sections:
//   --- epl       the rule file
//   --- options   `flush`, `stmt NAME`, `lateness SECONDS` (one per line)
//   --- input     driving-log lines and `@ T` clock lines
//   --- output    expected JSON lines, exactly and in order (may be empty)
//   --- error     instead of input/output: the exact Compile() error message
//   --- warnings  expected bad-input messages, in order
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cep/cep_test_util.h"

namespace smartcar::cep {
namespace {

struct RuleCase {
  std::string file;
  std::map<std::string, std::string> sections;
};

RuleCase LoadCase(const std::filesystem::path& path) {
  RuleCase c;
  c.file = path.filename().string();
  std::ifstream in(path);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("--- ", 0) == 0) {
      current = line.substr(4);
      c.sections[current];
      continue;
    }
    if (current.empty()) continue;  // preamble: comments
    c.sections[current] += line + "\n";
  }
  return c;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(SMARTCAR_CEP_TEST_DIR)) {
    if (e.path().extension() == ".test") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class RuleFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFileTest, MatchesExpectedOutput) {
  const RuleCase c = LoadCase(std::filesystem::path(SMARTCAR_CEP_TEST_DIR) / GetParam());
  ASSERT_TRUE(c.sections.count("epl")) << c.file << " has no --- epl section";
  if (c.sections.count("error")) {
    std::string want = c.sections.at("error");
    while (!want.empty() && want.back() == '\n') want.pop_back();
    EXPECT_EQ(testing::CompileError(c.sections.at("epl")), want) << c.file;
    return;
  }
  RunOptions options;
  if (c.sections.count("options")) {
    for (const std::string& opt : Lines(c.sections.at("options"))) {
      if (opt == "flush") {
        options.flush = true;
      } else if (opt.rfind("stmt ", 0) == 0) {
        options.only_statement = opt.substr(5);
      } else if (opt.rfind("lateness ", 0) == 0) {
        options.allowed_lateness_ms = static_cast<int64_t>(std::stod(opt.substr(9)) * 1000);
      } else {
        FAIL() << c.file << ": unknown option '" << opt << "'";
      }
    }
  }
  ASSERT_TRUE(c.sections.count("output")) << c.file << " has no --- output section";
  testing::RunOutput out = testing::RunEpl(
      c.sections.at("epl"), c.sections.count("input") ? c.sections.at("input") : "", options);
  ASSERT_TRUE(out.status.ok()) << c.file << ": " << out.status.ToString();
  EXPECT_EQ(out.lines, Lines(c.sections.at("output"))) << c.file;
  const std::vector<std::string> warnings =
      c.sections.count("warnings") ? Lines(c.sections.at("warnings")) : std::vector<std::string>{};
  EXPECT_EQ(out.warnings, warnings) << c.file;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleFileTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace smartcar::cep

// Golden shell transcripts: each tests/table/shell/*.test file holds statements ("> " lines,
// "| " continuation lines) each followed by the exact output the shell prints, with the time in
// "Took X seconds" normalised. Each file runs on a fresh data folder.
// SMARTCAR_UPDATE_GOLDEN=1 rewrites the files from the actual output (review the diff!).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "table/shell/shell.h"
#include "test_util.h"

namespace smartcar::table::shell {
namespace {

struct Step {
  std::vector<std::string> comments;  // "#" lines before the statement, kept on rewrite.
  std::string statement;
  std::string expected;
};

std::vector<Step> ParseTranscript(const std::string& text) {
  std::vector<Step> steps;
  std::vector<std::string> comments;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("> ")) {
      steps.push_back({std::move(comments), line.substr(2), ""});
      comments.clear();
    } else if (line.starts_with("| ") && !steps.empty() && steps.back().expected.empty()) {
      steps.back().statement += "\n" + line.substr(2);
    } else if (line.starts_with("#") &&
               (steps.empty() || !steps.back().expected.empty() || line.starts_with("# "))) {
      comments.push_back(line);
    } else if (!steps.empty()) {
      steps.back().expected += line + "\n";
    }
  }
  return steps;
}

// "Took 0.0123 seconds" -> "Took X seconds".
std::string Normalise(const std::string& out) {
  std::string result;
  size_t pos = 0;
  while (true) {
    const size_t took = out.find("Took ", pos);
    if (took == std::string::npos) break;
    size_t end = took + 5;
    while (end < out.size() &&
           (std::isdigit(static_cast<unsigned char>(out[end])) || out[end] == '.')) {
      ++end;
    }
    result.append(out, pos, took - pos);
    result += end > took + 5 && out.compare(end, 8, " seconds") == 0 ? "Took X"
                                                                     : out.substr(took, end - took);
    pos = end;
  }
  return result + out.substr(pos);
}

class TranscriptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TranscriptTest, MatchesGolden) {
  const std::string path = GetParam();
  const std::string text = smartcar::testing::ReadFile(path);
  std::vector<Step> steps = ParseTranscript(text);
  ASSERT_FALSE(steps.empty()) << path;
  smartcar::testing::TempDir dir;
  auto store = TableStore::Open({.data_dir = dir.str()});
  ASSERT_TRUE(store.has_value());
  std::ostringstream rewritten;
  for (Step& step : steps) {
    std::ostringstream out;
    Shell shell(store->get(), &out);
    shell.RunScript(step.statement);
    const std::string actual = Normalise(out.str());
    EXPECT_EQ(actual, step.expected) << path << "\n> " << step.statement;
    for (const auto& c : step.comments) rewritten << c << "\n";
    std::istringstream st(step.statement);
    std::string l;
    bool first = true;
    while (std::getline(st, l)) {
      rewritten << (first ? "> " : "| ") << l << "\n";
      first = false;
    }
    rewritten << actual;
  }
  if (std::getenv("SMARTCAR_UPDATE_GOLDEN") != nullptr) {
    smartcar::testing::WriteFile(path, rewritten.str());
  }
}

std::vector<std::string> TranscriptFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(SMARTCAR_TABLE_SHELL_TESTS)) {
    if (e.path().extension() == ".test") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Golden, TranscriptTest, ::testing::ValuesIn(TranscriptFiles()),
                         [](const auto& info) {
                           return std::filesystem::path(info.param).stem().string();
                         });

}  // namespace
}  // namespace smartcar::table::shell

#include "gen/reference_data.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "core/file.h"
#include "core/random.h"
#include "gen/fleet.h"

namespace smartcar::gen {
namespace {

// The values of the pilot's CH06/CarMaster.txt.
constexpr std::string_view kSex[] = {"남", "여"};
constexpr std::string_view kMarriage[] = {"기혼", "미혼"};
constexpr std::string_view kRegion[] = {"경기", "서울", "강원", "인천", "충북", "충남",
                                        "대전", "경북", "경남", "대구", "전북", "전남",
                                        "울산", "부산", "광주", "제주", "세종"};
constexpr std::string_view kJob[] = {"개인사업", "공무원", "전문직", "주부",
                                     "프리랜서", "학생",   "회사원"};
constexpr std::string_view kCapacity[] = {"1000", "1200", "1500", "1700",
                                          "2000", "2500", "3000", "3500"};
constexpr std::string_view kModel[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
constexpr int kItems = 30;

template <size_t N>
std::string_view Pick(Random* r, const std::string_view (&values)[N]) {
  return values[r->Uniform(N)];
}

Status CheckCars(int cars) {
  if (cars < 1 || cars > 9999) {
    return Status::InvalidArgument("--cars must be between 1 and 9999, got " +
                                   std::to_string(cars));
  }
  return Status::OK();
}

}  // namespace

Result<uint64_t> RunMasterSimulator(const MasterSimOptions& o, const std::string& out_dir) {
  SMARTCAR_RETURN_IF_ERROR(CheckCars(o.cars));
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(out_dir));
  Random r(o.seed ^ 0x6d61737465720000ULL);  // "master": its own stream for the seed.
  const int numbers = std::max(o.cars, 100);
  std::string out;
  out.reserve(static_cast<size_t>(numbers) * 26 * 48);
  uint64_t lines = 0;
  for (char letter = 'A'; letter <= 'Z'; ++letter) {
    for (int n = 1; n <= numbers; ++n) {
      out += NumberedCar(letter, n).view();
      out += '|';
      out += Pick(&r, kSex);
      out += '|';
      out += std::to_string(r.Range(15, 70));
      out += '|';
      out += Pick(&r, kMarriage);
      out += '|';
      out += Pick(&r, kRegion);
      out += '|';
      out += Pick(&r, kJob);
      out += '|';
      out += Pick(&r, kCapacity);
      out += '|';
      out += std::to_string(r.Range(2000, 2016));
      out += '|';
      out += Pick(&r, kModel);
      out += '\n';
      ++lines;
    }
  }
  SMARTCAR_RETURN_IF_ERROR(WriteFileAtomically(out_dir + "/CarMaster.txt", out));
  return lines;
}

Result<uint64_t> RunBuyListSimulator(const BuyListSimOptions& o, const std::string& out_dir) {
  SMARTCAR_RETURN_IF_ERROR(CheckCars(o.cars));
  const std::string& m = o.month;
  const bool digits =
      m.size() == 6 && std::all_of(m.begin(), m.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int month = digits ? std::stoi(m.substr(4)) : 0;
  if (!digits || month < 1 || month > 12) {
    return Err(Status::InvalidArgument("--month must be yyyyMM (e.g. 202003), got '" + m + "'"));
  }
  if (o.lines < 0) {
    return Err(Status::InvalidArgument("--lines must be >= 0, got " + std::to_string(o.lines)));
  }
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(out_dir));
  // Each month its own purchases: the seed combined with the month.
  Random r(o.seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(std::stoll(m)));
  std::string out;
  out.reserve(static_cast<size_t>(o.lines) * 24);
  char item[24];
  for (int64_t i = 0; i < o.lines; ++i) {
    // A car of the fleet: the driving and status logs' cars for the same seed (gen/fleet.h).
    out +=
        FleetCarNumber(o.seed, static_cast<int>(r.Uniform(static_cast<uint64_t>(o.cars)))).view();
    std::snprintf(item, sizeof item, ",Item-%03d,", static_cast<int>(r.Range(1, kItems)));
    out += item;
    out += std::to_string(r.Range(1, 5));
    out += ',';
    out += m;
    out += '\n';
  }
  SMARTCAR_RETURN_IF_ERROR(WriteFileAtomically(out_dir + "/CarItemBuyList_" + m + ".txt", out));
  return static_cast<uint64_t>(o.lines);
}

}  // namespace smartcar::gen

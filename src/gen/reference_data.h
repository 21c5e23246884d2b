// The pilot's reference data, simulated: CarMasterMain (the car master: who drives each car) and
// CarItemBuyListMain (items bought per car and month), in the pilot's formats
// (CH06/CarMaster.txt, CH06/CarItemBuyList_202003.txt of wikibook/bigdata2nd).
//
// Car numbers are the pilot's: a letter A-Z and a 4-digit number. The driving and status
// simulators with `--cars N` name their cars <letter><index 1..N>, so a master written with the
// same N (letters A-Z times numbers 1..max(N, 100): 2,600 cars for the pilot's 100) holds every
// car either log can name, whatever their seeds. The buy list names the fleet's cars
// (gen/fleet.h): with the same seed and N, the cars of the driving and status logs. The pilot's
// joins always find their car. Same options, same bytes. The values are UTF-8 (Korean,
// as the pilot's file).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace smartcar::gen {

struct MasterSimOptions {
  int cars = 100;  // The fleet size the logs were written with, 1-9999.
  uint64_t seed = 1;
};

// Writes DIR/CarMaster.txt, one line per car:
// car_number|sex|age|marriage|region|job|car_capacity|car_year|car_model
// (e.g. "A0001|여|32|미혼|서울|프리랜서|1000|2009|F"). Returns the number of lines.
// InvalidArgument for bad options; IOError naming the path.
Result<uint64_t> RunMasterSimulator(const MasterSimOptions& options, const std::string& out_dir);

struct BuyListSimOptions {
  std::string month;  // yyyyMM.
  int cars = 100;     // As MasterSimOptions::cars.
  int64_t lines = 100000;
  uint64_t seed = 1;
};

// Writes DIR/CarItemBuyList_<month>.txt, one purchase per line:
// car_number,item,score,month (e.g. "M0014,Item-018,2,202003"); items Item-001..Item-030, score
// 1-5. Different months give different purchases. Returns the number of lines.
Result<uint64_t> RunBuyListSimulator(const BuyListSimOptions& options, const std::string& out_dir);

}  // namespace smartcar::gen

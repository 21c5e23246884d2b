// `smartcar gen driver`, `gen status`, `gen master` and `gen buylist`: the pilot's DriverLogMain,
// CarLogMain, CarMasterMain and CarItemBuyListMain.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/stop_signal.h"
#include "core/event_time.h"
#include "gen/driver_simulator.h"
#include "gen/reference_data.h"
#include "gen/status_simulator.h"

namespace smartcar::cli {
namespace {

std::string Today() {
  const auto now = std::chrono::system_clock::now();
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return FormatDate8(EventTimeMs{ms});
}

// Parses --date; prints the error and returns false when it is not a valid yyyyMMdd.
bool ParseDateFlag(const std::string& date, int64_t* days) {
  auto d = ParseDate8(date);
  if (!d) {
    std::fprintf(stderr, "smartcar gen: --date: %s\n", d.error().message().c_str());
    return false;
  }
  *days = *d;
  return true;
}

struct DriverFlags {
  std::string date = Today();
  int cars = 100;
  std::string out = ".";
  int64_t seconds = -1;
  int interval = 1;
  bool fast = false;
  uint64_t seed = 1;
  double overspeed_ratio = 0.1;
  bool pilot_headers = false;
};

int RunGenDriver(const DriverFlags& f) {
  gen::DriverSimOptions sim;
  if (!ParseDateFlag(f.date, &sim.start_day)) return kExitUsage;
  sim.cars = f.cars;
  sim.interval_seconds = f.interval;
  sim.seed = f.seed;
  sim.overspeed_ratio = f.overspeed_ratio;
  sim.pilot_headers = f.pilot_headers;
  if (Status s = gen::ValidateDriverSimOptions(sim); !s.ok()) {
    std::fprintf(stderr, "smartcar gen driver: %s\n", s.message().c_str());
    return kExitUsage;
  }
  if (f.fast && f.seconds < 0) {
    std::fprintf(stderr,
                 "smartcar gen driver: --fast needs --seconds N (a flat-out run must end)\n");
    return kExitUsage;
  }
  gen::DriverRunOptions run;
  run.out_dir = f.out;
  run.seconds = f.seconds;
  run.fast = f.fast;
  run.stop = &StopOnSignals();
  const uint64_t total =
      f.seconds < 0 ? 0
                    : static_cast<uint64_t>(f.seconds / f.interval) * static_cast<uint64_t>(f.cars);
  Progress progress("lines", total);
  run.on_progress = [&progress](uint64_t lines) { progress.Update(lines); };
  gen::DriverRunStats stats;
  Status s = gen::RunDriverSimulator(sim, run, &stats);
  progress.Finish(stats.lines);
  if (!s.ok()) {
    std::fprintf(stderr, "smartcar gen driver: %s\n", s.message().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "smartcar gen driver: wrote %llu lines (%llu ticks) to %s\n",
               static_cast<unsigned long long>(stats.lines),
               static_cast<unsigned long long>(stats.ticks), stats.path.c_str());
  return kExitOk;
}

struct StatusFlags {
  std::string date = Today();
  int cars = 100;
  std::string out = ".";
  uint64_t seed = 1;
  bool pilot_headers = false;
};

int RunGenStatus(const StatusFlags& f) {
  gen::StatusSimOptions sim;
  if (!ParseDateFlag(f.date, &sim.day)) return kExitUsage;
  sim.cars = f.cars;
  sim.seed = f.seed;
  sim.pilot_headers = f.pilot_headers;
  if (Status s = gen::ValidateStatusSimOptions(sim); !s.ok()) {
    std::fprintf(stderr, "smartcar gen status: %s\n", s.message().c_str());
    return kExitUsage;
  }
  std::atomic<bool>& stop = StopOnSignals();
  Progress progress("lines", 0);
  gen::StatusRunStats stats;
  Status s = gen::RunStatusSimulator(
      sim, f.out, &stop, [&progress](uint64_t lines, uint64_t) { progress.Update(lines); }, &stats);
  progress.Finish(stats.lines);
  if (!s.ok()) {
    std::fprintf(stderr, "smartcar gen status: %s\n", s.message().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "smartcar gen status: wrote %llu lines to %s\n",
               static_cast<unsigned long long>(stats.lines), stats.path.c_str());
  return kExitOk;
}

struct MasterFlags {
  int cars = 100;
  std::string out = ".";
  uint64_t seed = 1;
};

int RunGenMaster(const MasterFlags& f) {
  gen::MasterSimOptions o;
  o.cars = f.cars;
  o.seed = f.seed;
  auto lines = gen::RunMasterSimulator(o, f.out);
  if (!lines) {
    std::fprintf(stderr, "smartcar gen master: %s\n", lines.error().message().c_str());
    return lines.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  std::fprintf(stderr, "smartcar gen master: wrote %llu cars to %s/CarMaster.txt\n",
               static_cast<unsigned long long>(*lines), f.out.c_str());
  return kExitOk;
}

struct BuyListFlags {
  std::string month;
  int cars = 100;
  int64_t lines = 100000;
  std::string out = ".";
  uint64_t seed = 1;
};

int RunGenBuyList(const BuyListFlags& f) {
  gen::BuyListSimOptions o;
  o.month = f.month.empty() ? Today().substr(0, 6) : f.month;
  o.cars = f.cars;
  o.lines = f.lines;
  o.seed = f.seed;
  auto lines = gen::RunBuyListSimulator(o, f.out);
  if (!lines) {
    std::fprintf(stderr, "smartcar gen buylist: %s\n", lines.error().message().c_str());
    return lines.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  std::fprintf(stderr, "smartcar gen buylist: wrote %llu purchases to %s/CarItemBuyList_%s.txt\n",
               static_cast<unsigned long long>(*lines), f.out.c_str(), o.month.c_str());
  return kExitOk;
}

}  // namespace

void RegisterGen(CLI::App* app, int* exit_code) {
  CLI::App* gen = app->add_subcommand(
      "gen",
      "Simulators: the pilot's DriverLogMain, CarLogMain, CarMasterMain and CarItemBuyListMain");
  gen->require_subcommand(1);

  auto driver_flags = std::make_shared<DriverFlags>();
  CLI::App* drv = gen->add_subcommand(
      "driver",
      "Write driving logs (DIR/SmartCarDriverInfo.log, appended): one line per car per interval.\n"
      "Runs in real time until Ctrl-C (flush, exit 0) or for --seconds simulated seconds.\n"
      "One fleet: the same --seed and --cars name the same cars as gen status and gen buylist;\n"
      "each --date drives differently.");
  drv->add_option("--date", driver_flags->date,
                  "Simulated day yyyyMMdd, starting at 00:00:00 (default: today)");
  drv->add_option("--cars", driver_flags->cars, "Number of cars, 1-9999 (the pilot ran 100)")
      ->capture_default_str();
  drv->add_option("--out", driver_flags->out, "Output folder, created if missing")
      ->capture_default_str();
  drv->add_option("--seconds", driver_flags->seconds,
                  "Simulated seconds to write (default: until stopped)");
  drv->add_option("--interval", driver_flags->interval,
                  "Simulated seconds between a car's lines (the seeds ask 1; the pilot wrote 2)")
      ->capture_default_str();
  drv->add_flag("--fast", driver_flags->fast,
                "Write --seconds of simulated time as fast as the disk allows");
  drv->add_option("--seed", driver_flags->seed, "Random seed: same seed and date, same bytes")
      ->capture_default_str();
  drv->add_option("--overspeed-ratio", driver_flags->overspeed_ratio,
                  "Share of wild drivers whose 30 s average speed exceeds 80 km/h (pilot: ~0.1)")
      ->capture_default_str();
  drv->add_flag("--pilot-headers", driver_flags->pilot_headers,
                "Also write the pilot's per-car header lines ('Driver Status Infomation,...')");
  drv->callback([driver_flags, exit_code] { *exit_code = RunGenDriver(*driver_flags); });

  auto status_flags = std::make_shared<StatusFlags>();
  CLI::App* st = gen->add_subcommand(
      "status",
      "Write one day of car status logs (DIR/SmartCarStatusInfo_<date>.txt): a reading per car\n"
      "every 4 s, the last stamped hour 24 as the pilot's; ~1 MB per car. The cars of gen driver\n"
      "with the same --seed and --cars; each day its own readings, and each car's condition\n"
      "changes over the days (tyres wear until serviced, batteries age, lamps and engines fail\n"
      "for a while and get fixed), so week, month and year reports have trends to find.");
  st->add_option("--date", status_flags->date, "Day yyyyMMdd (default: today)");
  st->add_option("--cars", status_flags->cars, "Number of cars, 1-9999 (the pilot ran 100)")
      ->capture_default_str();
  st->add_option("--out", status_flags->out, "Output folder, created if missing")
      ->capture_default_str();
  st->add_option("--seed", status_flags->seed, "Random seed: same seed and date, same bytes")
      ->capture_default_str();
  st->add_flag("--pilot-headers", status_flags->pilot_headers,
               "Also write the pilot's per-car header lines ('SmartCar Status Information,...')");
  st->callback([status_flags, exit_code] { *exit_code = RunGenStatus(*status_flags); });

  auto master_flags = std::make_shared<MasterFlags>();
  CLI::App* ma = gen->add_subcommand(
      "master",
      "Write the car master (DIR/CarMaster.txt, the pilot's CarMasterMain and "
      "CH06/CarMaster.txt):\n"
      "car_number|sex|age|marriage|region|job|car_capacity|car_year|car_model, UTF-8. It lists\n"
      "every car the driving and status logs of --cars N can name (A-Z x 1..max(N,100)), so the\n"
      "pilot's joins find each car whatever the logs' seeds.");
  ma->add_option("--cars", master_flags->cars, "The logs' number of cars, 1-9999")
      ->capture_default_str();
  ma->add_option("--out", master_flags->out, "Output folder, created if missing")
      ->capture_default_str();
  ma->add_option("--seed", master_flags->seed, "Random seed: same seed, same bytes")
      ->capture_default_str();
  ma->callback([master_flags, exit_code] { *exit_code = RunGenMaster(*master_flags); });

  auto buy_flags = std::make_shared<BuyListFlags>();
  CLI::App* bu = gen->add_subcommand(
      "buylist",
      "Write a month of item purchases (DIR/CarItemBuyList_<month>.txt, the pilot's\n"
      "CarItemBuyListMain): car_number,item,score,month with items Item-001..Item-030 and\n"
      "scores 1-5, bought by the fleet's cars (gen driver/status with the same --seed and\n"
      "--cars). Each month differs.");
  bu->add_option("--month", buy_flags->month, "Month yyyyMM (default: this month)");
  bu->add_option("--cars", buy_flags->cars, "The logs' number of cars, 1-9999")
      ->capture_default_str();
  bu->add_option("--lines", buy_flags->lines, "Purchases to write (the pilot: 100000)")
      ->capture_default_str();
  bu->add_option("--out", buy_flags->out, "Output folder, created if missing")
      ->capture_default_str();
  bu->add_option("--seed", buy_flags->seed, "Random seed: same seed and month, same bytes")
      ->capture_default_str();
  bu->callback([buy_flags, exit_code] { *exit_code = RunGenBuyList(*buy_flags); });
}

}  // namespace smartcar::cli

// Child of embedded_crash_test: appends numbered batches to an embedded log forever and prints
// "ACK <first_seq> <count>" after each Append returned success, until SIGKILL ends it.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "queue/log.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: queue_crash_child DATA_DIR TOPIC\n");
    return 2;
  }
  smartcar::queue::QueueOptions o;
  o.data_dir = argv[1];
  o.retention_check_interval_ms = 0;
  auto log = smartcar::queue::OpenLog(o);
  if (!log) {
    std::fprintf(stderr, "%s\n", log.error().ToString().c_str());
    return 1;
  }
  auto producer = (*log)->NewProducer({});
  const std::string padding(80, 'x');
  for (long seq = 0;;) {
    std::vector<smartcar::queue::Record> batch(500);
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i].key = "car-" + std::to_string((seq + static_cast<long>(i)) % 100);
      batch[i].value = "seq:" + std::to_string(seq + static_cast<long>(i)) + ":" + padding;
    }
    auto r = (*producer)->Append({argv[2]}, batch);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().ToString().c_str());
      return 1;
    }
    std::printf("ACK %ld %zu\n", seq, batch.size());
    std::fflush(stdout);
    seq += static_cast<long>(batch.size());
  }
}

// librdkafka configuration for the Kafka engine: our defaults under the user's properties
// (BuildConf), the event log that names failing brokers, and librdkafka error codes as Status.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "queue/log.h"

namespace smartcar::queue::kafka {

// Collects librdkafka's error and log events so failures can name the broker that failed
// ("127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused").
class EventCollector final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override;
  std::string last_error() const;

 private:
  mutable std::mutex mu_;
  std::string last_error_;
};

// A librdkafka configuration: our defaults for the role, then every user property on top.
// InvalidArgument naming the property when librdkafka rejects a name or value.
Result<std::unique_ptr<RdKafka::Conf>> BuildConf(const QueueOptions& options,
                                                 const std::map<std::string, std::string>& defaults,
                                                 RdKafka::EventCb* events);

Status FromKafka(RdKafka::ErrorCode err, std::string_view what);
// A librdkafka transaction API error as a Status (and frees it): InvalidArgument for a bad
// argument, IOError otherwise, "<what>: <librdkafka's message>". Null: OK.
Status FromKafkaError(RdKafka::Error* e, std::string_view what);

}  // namespace smartcar::queue::kafka

// librdkafka configuration (BuildConf), the event collector and librdkafka errors as Status.
#include "queue/kafka/kafka_config.h"

namespace smartcar::queue::kafka {

void EventCollector::event_cb(RdKafka::Event& event) {
  if (event.type() == RdKafka::Event::EVENT_ERROR ||
      (event.type() == RdKafka::Event::EVENT_LOG &&
       event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING)) {
    std::lock_guard<std::mutex> l(mu_);
    last_error_ = event.str();
  }
}

std::string EventCollector::last_error() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_error_;
}

Status FromKafka(RdKafka::ErrorCode err, std::string_view what) {
  if (err == RdKafka::ERR_NO_ERROR) return Status::OK();
  const std::string msg = std::string(what) + ": " + RdKafka::err2str(err);
  switch (err) {
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__UNKNOWN_PARTITION:
      return Status::NotFound(msg);
    case RdKafka::ERR__INVALID_ARG:
      return Status::InvalidArgument(msg);
    case RdKafka::ERR_REBALANCE_IN_PROGRESS:
    case RdKafka::ERR_ILLEGAL_GENERATION:
    case RdKafka::ERR_UNKNOWN_MEMBER_ID:
    case RdKafka::ERR__ASSIGN_PARTITIONS:
    case RdKafka::ERR__REVOKE_PARTITIONS:
      return Status::Aborted(msg);
    default:
      return Status::IOError(msg);
  }
}

Status FromKafkaError(RdKafka::Error* e, std::string_view what) {
  if (e == nullptr) return Status::OK();
  std::unique_ptr<RdKafka::Error> owner(e);
  const std::string msg = std::string(what) + ": " + e->str();
  if (e->code() == RdKafka::ERR__INVALID_ARG) return Status::InvalidArgument(msg);
  return Status::IOError(msg);
}

Result<std::unique_ptr<RdKafka::Conf>> BuildConf(const QueueOptions& options,
                                                 const std::map<std::string, std::string>& defaults,
                                                 RdKafka::EventCb* events) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return Status::InvalidArgument("kafka property '" + k + "'='" + v + "': " + err);
    }
    return Status::OK();
  };
  if (Status s = set("bootstrap.servers", options.brokers); !s.ok()) return Err(std::move(s));
  for (const auto& [k, v] : defaults) {
    if (options.kafka_properties.count(k) != 0) continue;
    if (Status s = set(k, v); !s.ok()) return Err(std::move(s));
  }
  for (const auto& [k, v] : options.kafka_properties) {
    if (Status s = set(k, v); !s.ok()) return Err(std::move(s));
  }
  if (events != nullptr && conf->set("event_cb", events, err) != RdKafka::Conf::CONF_OK) {
    return Err(Status::InvalidArgument("kafka event_cb: " + err));
  }
  return conf;
}

}  // namespace smartcar::queue::kafka

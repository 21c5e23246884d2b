// KafkaMockCluster over librdkafka's rdkafka_mock API, and the process-wide registry that Find()
// searches by bootstrap servers.
#include "queue/kafka/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace smartcar::queue::kafka {
namespace {

std::mutex g_registry_mu;
std::vector<KafkaMockCluster*>& Registry() {
  static auto* r = new std::vector<KafkaMockCluster*>();
  return *r;
}

Status FromErr(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  return Status::IOError(std::string(what) + ": " + rd_kafka_err2str(err));
}

}  // namespace

struct KafkaMockCluster::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mc = nullptr;
  ~Impl() {
    if (mc != nullptr) rd_kafka_mock_cluster_destroy(mc);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

KafkaMockCluster::KafkaMockCluster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  bootstraps_ = rd_kafka_mock_cluster_bootstraps(impl_->mc);
}

Result<std::unique_ptr<KafkaMockCluster>> KafkaMockCluster::Start(int brokers) {
  if (brokers < 1) return Err(Status::InvalidArgument("mock cluster needs at least one broker"));
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the mock cluster; silence its "no bootstrap.servers" notice.
  if (rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Err(Status::InvalidArgument(err));
  }
  auto impl = std::make_unique<Impl>();
  impl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (impl->rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Err(Status::IOError(std::string("starting the mock cluster: ") + err));
  }
  impl->mc = rd_kafka_mock_cluster_new(impl->rk, brokers);
  if (impl->mc == nullptr) return Err(Status::IOError("starting the mock cluster failed"));
  std::unique_ptr<KafkaMockCluster> c(new KafkaMockCluster(std::move(impl)));
  std::lock_guard<std::mutex> l(g_registry_mu);
  Registry().push_back(c.get());
  return c;
}

KafkaMockCluster::~KafkaMockCluster() {
  std::lock_guard<std::mutex> l(g_registry_mu);
  auto& r = Registry();
  r.erase(std::remove(r.begin(), r.end(), this), r.end());
}

KafkaMockCluster* KafkaMockCluster::Find(std::string_view bootstraps) {
  std::lock_guard<std::mutex> l(g_registry_mu);
  for (KafkaMockCluster* c : Registry()) {
    if (c->bootstraps_ == bootstraps) return c;
  }
  return nullptr;
}

Status KafkaMockCluster::CreateTopic(std::string_view name, int32_t partitions,
                                     int replication_factor) {
  const std::string n(name);
  return FromErr(rd_kafka_mock_topic_create(impl_->mc, n.c_str(), partitions, replication_factor),
                 "creating topic '" + n + "' on the mock cluster");
}

Status KafkaMockCluster::SetBrokerDown(int32_t broker_id) {
  return FromErr(rd_kafka_mock_broker_set_down(impl_->mc, broker_id), "mock broker down");
}

Status KafkaMockCluster::SetBrokerUp(int32_t broker_id) {
  return FromErr(rd_kafka_mock_broker_set_up(impl_->mc, broker_id), "mock broker up");
}

void KafkaMockCluster::FailNextProduceRequests(int count) {
  std::vector<rd_kafka_resp_err_t> errs(static_cast<size_t>(count),
                                        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  rd_kafka_mock_push_request_errors_array(impl_->mc, 0 /* Produce */, errs.size(), errs.data());
}

Status KafkaMockCluster::SetPartitionLeader(std::string_view topic, int32_t partition,
                                            int32_t broker_id) {
  const std::string t(topic);
  return FromErr(rd_kafka_mock_partition_set_leader(impl_->mc, t.c_str(), partition, broker_id),
                 "mock partition leader");
}

Status KafkaMockCluster::SetTransactionCoordinator(std::string_view transactional_id,
                                                   int32_t broker_id) {
  const std::string id(transactional_id);
  return FromErr(rd_kafka_mock_coordinator_set(impl_->mc, "transaction", id.c_str(), broker_id),
                 "mock transaction coordinator");
}

}  // namespace smartcar::queue::kafka

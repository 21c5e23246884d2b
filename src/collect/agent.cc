// Agent: wires an AgentPlan (channels with their sinks, sources with their interceptors) and
// runs one thread per source, delivering each batch to every channel's sink before committing
// the source's position; per-component metrics as Prometheus text.
#include "collect/agent.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "collect/sinks/sinks.h"
#include "core/crash_point.h"
#include "core/thread_name.h"

namespace smartcar::collect {
namespace {

void SleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// A channel and the sink (or sink group) that drains it.
struct ChannelPath {
  std::string name;
  int64_t transaction_capacity = 100;
  std::unique_ptr<Sink> sink;  // Null if no sink reads the channel (a config error).
  ComponentMetrics* metrics = nullptr;
  std::mutex mu;  // Serialises sources sharing this channel.
};

struct SourcePath {
  std::string name;
  std::unique_ptr<Source> source;
  std::vector<std::unique_ptr<Interceptor>> interceptors;
  std::vector<ChannelPath*> channels;
  size_t batch_size = 100;
  ComponentMetrics* metrics = nullptr;
};

}  // namespace

void Source::WaitForInput(int64_t poll_ms) { SleepMs(poll_ms); }

struct Agent::Impl {
  AgentOptions options;
  std::string agent_name;
  std::vector<std::string> warnings;
  std::vector<std::unique_ptr<ComponentMetrics>> metrics;
  std::map<std::string, std::unique_ptr<ChannelPath>> channels;
  std::vector<std::unique_ptr<SourcePath>> sources;

  ComponentMetrics* NewMetrics(const std::string& kind, const std::string& name) {
    metrics.push_back(std::make_unique<ComponentMetrics>());
    metrics.back()->kind = kind;
    metrics.back()->name = name;
    return metrics.back().get();
  }

  Status RunSource(SourcePath* sp, const std::atomic<bool>& stop, const std::atomic<bool>& drain);
};

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Agent::~Agent() = default;
const std::vector<std::string>& Agent::warnings() const { return impl_->warnings; }
const std::vector<std::unique_ptr<ComponentMetrics>>& Agent::metrics() const {
  return impl_->metrics;
}

Result<std::unique_ptr<Agent>> Agent::Create(AgentPlan plan, const std::string& name,
                                             const AgentOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->agent_name = name;
  impl->warnings = std::move(plan.warnings);
  if (plan.sources.empty())
    return Err(Status::InvalidArgument(name + ": the agent has no sources"));
  for (AgentPlan::Channel& c : plan.channels) {
    if (c.sinks.empty()) {
      return Err(
          Status::InvalidArgument(name + ": channel '" + c.name + "' has no sink reading it"));
    }
    auto cp = std::make_unique<ChannelPath>();
    cp->name = c.name;
    cp->transaction_capacity = c.transaction_capacity;
    if (c.sinks.size() == 1) {
      cp->sink = std::move(c.sinks.front());
    } else {  // Several sinks on one channel take turns, as Flume's sink runners do.
      SinkGroupOptions go;
      go.kind = SinkGroupOptions::Kind::kLoadBalance;
      cp->sink = MakeSinkGroup(c.name + "-sinks", std::move(c.sinks), go);
    }
    cp->metrics = impl->NewMetrics("channel", c.name);
    cp->metrics->detail = c.detail;
    impl->channels[c.name] = std::move(cp);
  }
  for (AgentPlan::SourceEntry& s : plan.sources) {
    auto sp = std::make_unique<SourcePath>();
    sp->name = s.name;
    sp->source = std::move(s.source);
    sp->interceptors = std::move(s.interceptors);
    sp->batch_size = s.batch_size;
    if (sp->source == nullptr || s.channels.empty()) {
      return Err(Status::InvalidArgument(name + ": source '" + s.name +
                                         "' needs a source and at least one channel"));
    }
    for (const std::string& c : s.channels) {
      auto it = impl->channels.find(c);
      if (it == impl->channels.end()) {
        return Err(Status::InvalidArgument(name + ": source '" + s.name + "': channel '" + c +
                                           "' is not in the agent"));
      }
      if (static_cast<int64_t>(s.batch_size) > it->second->transaction_capacity) {
        return Err(Status::InvalidArgument(
            name + ": source '" + s.name + "': batch size " + std::to_string(s.batch_size) +
            " is larger than channel '" + c + "' transaction capacity (" +
            std::to_string(it->second->transaction_capacity) + ")"));
      }
      sp->channels.push_back(it->second.get());
    }
    sp->metrics = impl->NewMetrics("source", s.name);
    sp->metrics->targets = s.channels;
    sp->metrics->detail = s.detail;
    impl->sources.push_back(std::move(sp));
  }
  return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

Status Agent::Impl::RunSource(SourcePath* sp, const std::atomic<bool>& stop,
                              const std::atomic<bool>& drain) {
  // Exactly-once into a sink that stores the source position with each batch (the embedded
  // durable log): a crash between that write and the source's Commit() left the sink ahead.
  Sink* position_sink = sp->channels.size() == 1 ? sp->channels[0]->sink.get() : nullptr;
  const std::string position_key = agent_name + "." + sp->name;
  if (position_sink != nullptr) {
    auto stored = position_sink->LastPosition(position_key);
    if (!stored) return stored.error().WithPrefix("source '" + sp->name + "': ");
    if (stored->has_value()) {
      Status r = sp->source->RestorePosition(**stored);
      if (!r.ok() && r.code() != Status::Code::kNotSupported) {
        return r.WithPrefix("source '" + sp->name + "': ");
      }
    }
  }
  sp->metrics->SetPosition(sp->source->PendingPosition());  // nothing pending yet: the committed
  EventBatch batch;
  int64_t backoff = options.retry_backoff_ms;
  while (!stop.load()) {
    if (options.paused != nullptr && options.paused->load()) {
      SleepMs(options.poll_interval_ms);
      continue;
    }
    Status s = sp->source->Next(sp->batch_size, &batch);
    if (!s.ok()) {
      sp->metrics->failures++;
      if (drain.load()) return s.WithPrefix("source '" + sp->name + "': ");
      std::fprintf(options.log, "collect: source '%s': %s\n", sp->name.c_str(),
                   s.ToString().c_str());
      SleepMs(1000);
      continue;
    }
    sp->metrics->lag_bytes = sp->source->LagBytes();
    if (batch.empty()) {
      if (drain.load()) {
        if (sp->source->Idle()) return Status::OK();
        SleepMs(options.poll_interval_ms);  // All input is written: ends after its last commit.
      } else {
        sp->source->WaitForInput(options.poll_interval_ms);
      }
      continue;
    }
    const size_t received = batch.size();
    for (auto& icpt : sp->interceptors) {
      s = icpt->Intercept(&batch);
      if (!s.ok()) break;
    }
    bool delivered = s.ok();
    for (ChannelPath* c : sp->channels) {
      if (!delivered || batch.empty()) break;
      std::lock_guard<std::mutex> lock(c->mu);
      c->metrics->received += batch.size();
      s = position_sink != nullptr
              ? c->sink->DeliverWithPosition(batch, position_key, sp->source->PendingPosition())
              : c->sink->Deliver(batch);
      if (!s.ok()) {
        c->metrics->failures++;
        delivered = false;
      } else {
        c->metrics->accepted += batch.size();
        c->metrics->batches++;
      }
    }
    if (!delivered) {
      std::fprintf(options.log, "collect: source '%s': batch not delivered, will retry: %s\n",
                   sp->name.c_str(), s.ToString().c_str());
      Status r = sp->source->Rollback();
      if (!r.ok()) return r;
      SleepMs(backoff);
      backoff = std::min<int64_t>(backoff * 2, 5000);
      continue;
    }
    backoff = options.retry_backoff_ms;
    if (position_sink != nullptr) TEST_MaybeCrashAt("collect-after-deliver");
    s = sp->source->Commit();
    if (!s.ok()) {
      sp->metrics->failures++;
      if (drain.load()) return s.WithPrefix("source '" + sp->name + "': ");
      std::fprintf(options.log, "collect: source '%s': %s\n", sp->name.c_str(),
                   s.ToString().c_str());
      continue;
    }
    sp->metrics->received += received;
    sp->metrics->accepted += batch.size();
    sp->metrics->rejected += received - batch.size();
    sp->metrics->batches++;
    uint64_t bytes = 0;
    for (const Event& e : batch) bytes += e.body.size();
    sp->metrics->bytes += bytes;
    sp->metrics->lag_bytes = sp->source->LagBytes();
    sp->metrics->SetPosition(sp->source->PendingPosition());  // committed now
  }
  return Status::OK();
}

Status Agent::Run(const std::atomic<bool>& stop, bool drain) {
  const std::atomic<bool> drain_flag{drain};
  return Run(stop, drain_flag);
}

Status Agent::Run(const std::atomic<bool>& stop, const std::atomic<bool>& drain) {
  std::vector<std::thread> threads;
  std::vector<Status> results(impl_->sources.size());
  for (size_t i = 0; i < impl_->sources.size(); ++i) {
    threads.emplace_back([this, i, &stop, &drain, &results] {
      NameThisThread("src-" + impl_->sources[i]->name);
      results[i] = impl_->RunSource(impl_->sources[i].get(), stop, drain);
    });
  }
  for (auto& t : threads) t.join();
  Status first;
  for (auto& s : results) {
    if (first.ok() && !s.ok()) first = s;
  }
  for (auto& [name, c] : impl_->channels) {
    Status s = c->sink->Close();
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

std::string Agent::MetricsText() const {
  std::string out;
  auto line = [&out](const char* metric, const ComponentMetrics& m, uint64_t v) {
    out += std::string("smartcar_collect_") + metric + "{kind=\"" + m.kind + "\",component=\"" +
           m.name + "\"} " + std::to_string(v) + "\n";
  };
  for (const auto& m : impl_->metrics) {
    line("events_received_total", *m, m->received);
    line("events_accepted_total", *m, m->accepted);
    line("events_rejected_total", *m, m->rejected);
    line("batches_total", *m, m->batches);
    line("bytes_total", *m, m->bytes);
    line("failures_total", *m, m->failures);
    if (m->kind == "source") line("lag_bytes", *m, m->lag_bytes);
  }
  return out;
}

}  // namespace smartcar::collect

// TopologyBuilder: validates the wiring and creates tasks, queues and groupings.
#include <algorithm>
#include <functional>
#include <set>

#include "topology/topology_impl.h"

namespace smartcar::topology {
namespace {

class Declarer final : public OutputFieldsDeclarer {
 public:
  explicit Declarer(std::map<std::string, Fields, std::less<>>* out) : out_(out) {}
  void DeclareStream(const std::string& stream, Fields fields) override {
    (*out_)[stream] = std::move(fields);
  }

 private:
  std::map<std::string, Fields, std::less<>>* out_;
};

}  // namespace

BoltDeclarer& BoltDeclarer::Grouping(const std::string& source, const std::string& stream,
                                     GroupingSpec spec) {
  inputs_.push_back(Input{source, stream, std::move(spec)});
  return *this;
}
BoltDeclarer& BoltDeclarer::ShuffleGrouping(const std::string& source, const std::string& stream) {
  return Grouping(source, stream, {GroupingType::kShuffle, {}});
}
BoltDeclarer& BoltDeclarer::FieldsGrouping(const std::string& source,
                                           std::vector<std::string> fields,
                                           const std::string& stream) {
  return Grouping(source, stream, {GroupingType::kFields, std::move(fields)});
}
BoltDeclarer& BoltDeclarer::AllGrouping(const std::string& source, const std::string& stream) {
  return Grouping(source, stream, {GroupingType::kAll, {}});
}
BoltDeclarer& BoltDeclarer::GlobalGrouping(const std::string& source, const std::string& stream) {
  return Grouping(source, stream, {GroupingType::kGlobal, {}});
}
BoltDeclarer& BoltDeclarer::LocalOrShuffleGrouping(const std::string& source,
                                                   const std::string& stream) {
  return Grouping(source, stream, {GroupingType::kLocalOrShuffle, {}});
}
BoltDeclarer& BoltDeclarer::DirectGrouping(const std::string& source, const std::string& stream) {
  return Grouping(source, stream, {GroupingType::kDirect, {}});
}

struct TopologyBuilder::Component {
  std::string id;
  bool is_spout = false;
  int parallelism = 1;
  SpoutFactory spout_factory;
  BoltFactory bolt_factory;
  BoltDeclarer declarer;
};

TopologyBuilder::TopologyBuilder() = default;
TopologyBuilder::~TopologyBuilder() = default;

void TopologyBuilder::SetSpout(const std::string& id, SpoutFactory factory, int parallelism) {
  auto c = std::make_unique<Component>();
  c->id = id;
  c->is_spout = true;
  c->parallelism = parallelism;
  c->spout_factory = std::move(factory);
  components_.push_back(std::move(c));
}

BoltDeclarer& TopologyBuilder::SetBolt(const std::string& id, BoltFactory factory,
                                       int parallelism) {
  auto c = std::make_unique<Component>();
  c->id = id;
  c->parallelism = parallelism;
  c->bolt_factory = std::move(factory);
  components_.push_back(std::move(c));
  return components_.back()->declarer;
}

Result<std::unique_ptr<Topology>> TopologyBuilder::Build(const TopologyConfig& config) {
  auto impl = std::make_unique<TopologyImpl>(config);
  std::map<std::string, size_t, std::less<>> index;
  for (size_t i = 0; i < components_.size(); ++i) {
    const Component& c = *components_[i];
    if (c.id.empty()) return Err(Status::InvalidArgument("a component has an empty id"));
    if (!index.emplace(c.id, i).second) {
      return Err(Status::InvalidArgument("component id '" + c.id + "' is used twice"));
    }
    if (c.parallelism < 1) {
      return Err(Status::InvalidArgument("component '" + c.id + "': parallelism " +
                                         std::to_string(c.parallelism) + " must be at least 1"));
    }
    if (c.is_spout && !c.spout_factory) {
      return Err(Status::InvalidArgument("spout '" + c.id + "' has no factory"));
    }
    if (!c.is_spout && !c.bolt_factory) {
      return Err(Status::InvalidArgument("bolt '" + c.id + "' has no factory"));
    }
  }

  // Create the components (task instances) and collect declared streams.
  std::vector<std::vector<std::unique_ptr<Spout>>> spouts(components_.size());
  std::vector<std::vector<std::unique_ptr<Bolt>>> bolts(components_.size());
  int next_task = 0;
  for (size_t i = 0; i < components_.size(); ++i) {
    const Component& c = *components_[i];
    auto rt = std::make_unique<ComponentRuntime>();
    rt->id = c.id;
    rt->is_spout = c.is_spout;
    for (int k = 0; k < c.parallelism; ++k) {
      if (c.is_spout) {
        auto s = c.spout_factory();
        if (!s) return Err(s.error().WithPrefix("spout '" + c.id + "': "));
        spouts[i].push_back(std::move(*s));
      } else {
        auto b = c.bolt_factory();
        if (!b) return Err(b.error().WithPrefix("bolt '" + c.id + "': "));
        bolts[i].push_back(std::move(*b));
      }
      rt->task_ids.push_back(next_task++);
    }
    Declarer d(&rt->streams);
    if (c.is_spout) {
      spouts[i].front()->DeclareOutputFields(d);
    } else {
      bolts[i].front()->DeclareOutputFields(d);
    }
    impl->components_.push_back(std::move(rt));
  }

  // Check inputs.
  for (const auto& c : components_) {
    if (c->is_spout) continue;
    for (const BoltDeclarer::Input& in : c->declarer.inputs_) {
      const std::string where =
          "bolt '" + c->id + "' input from '" + in.source + "' stream '" + in.stream + "': ";
      auto it = index.find(in.source);
      if (it == index.end()) {
        return Err(Status::InvalidArgument(where + "no component named '" + in.source + "'"));
      }
      const ComponentRuntime& src = *impl->components_[it->second];
      auto st = src.streams.find(in.stream);
      if (st == src.streams.end()) {
        std::string declared;
        for (const auto& [name, f] : src.streams) declared += (declared.empty() ? "" : ", ") + name;
        return Err(Status::InvalidArgument(
            where + "'" + in.source + "' declares no stream '" + in.stream +
            "' (declared: " + (declared.empty() ? "none" : declared) + ")"));
      }
      Status s = ValidateGrouping(in.spec, st->second);
      if (!s.ok()) return Err(s.WithPrefix(where));
      std::string grouping(GroupingInfoFor(in.spec.type).name);
      for (const std::string& a : in.spec.args) grouping += " " + a;
      impl->components_[index.find(c->id)->second]->inputs.push_back(
          ComponentInput{in.source, in.stream, std::move(grouping)});
    }
  }

  // No cycles (a cycle with bounded blocking queues could deadlock).
  {
    std::vector<int> state(components_.size(), 0);  // 0 new, 1 on stack, 2 done.
    std::string cycle;
    std::function<bool(size_t)> dfs = [&](size_t v) {
      state[v] = 1;
      for (const auto& in : components_[v]->declarer.inputs_) {
        size_t u = index.find(in.source)->second;
        if (state[u] == 1 || (state[u] == 0 && dfs(u))) {
          if (cycle.empty()) cycle = "'" + components_[v]->id + "' <- '" + in.source + "'";
          return true;
        }
      }
      state[v] = 2;
      return false;
    };
    for (size_t v = 0; v < components_.size(); ++v) {
      if (state[v] == 0 && dfs(v)) {
        return Err(Status::InvalidArgument("the topology has a cycle through " + cycle));
      }
    }
  }

  // Tasks.
  std::map<std::string, std::vector<int>, std::less<>> component_tasks;
  for (const auto& rt : impl->components_) component_tasks[rt->id] = rt->task_ids;
  impl->bolt_by_id_.assign(static_cast<size_t>(next_task), nullptr);
  for (size_t i = 0; i < components_.size(); ++i) {
    ComponentRuntime* rt = impl->components_[i].get();
    for (int k = 0; k < components_[i]->parallelism; ++k) {
      const int id = rt->task_ids[static_cast<size_t>(k)];
      std::unique_ptr<TaskBase> task;
      if (rt->is_spout) {
        auto t = std::make_unique<SpoutTask>(impl.get(), rt, id, k,
                                             std::move(spouts[i][static_cast<size_t>(k)]));
        impl->spouts_.push_back(t.get());
        task = std::move(t);
      } else {
        auto t = std::make_unique<BoltTask>(impl.get(), rt, id, k,
                                            std::move(bolts[i][static_cast<size_t>(k)]),
                                            config.queue_capacity);
        impl->bolts_.push_back(t.get());
        impl->bolt_by_id_[static_cast<size_t>(id)] = t.get();
        task = std::move(t);
      }
      task->context().parallelism = components_[i]->parallelism;
      task->context().component_tasks = component_tasks;
      for (const auto& [stream, fields] : rt->streams) {
        task->out_streams()[stream].schema =
            std::make_shared<const StreamSchema>(StreamSchema{rt->id, stream, fields});
      }
      impl->tasks_.push_back(std::move(task));
    }
  }

  // Subscriptions: one grouping instance per (source task, input).
  for (size_t i = 0; i < components_.size(); ++i) {
    if (components_[i]->is_spout) continue;
    const ComponentRuntime& dst = *impl->components_[i];
    for (const BoltDeclarer::Input& in : components_[i]->declarer.inputs_) {
      const ComponentRuntime& src = *impl->components_[index.find(in.source)->second];
      for (int src_task : src.task_ids) {
        TaskBase* t = impl->tasks_[static_cast<size_t>(src_task)].get();
        OutStream& os = t->out_streams().find(in.stream)->second;
        Subscription sub;
        sub.direct = in.spec.type == GroupingType::kDirect;
        for (int d : dst.task_ids) sub.targets.push_back(impl->bolt_by_id_[static_cast<size_t>(d)]);
        GroupingContext ctx{src_task, os.schema->fields, dst.task_ids};
        sub.grouping = CreateGrouping(in.spec, ctx);
        os.subscriptions.push_back(std::move(sub));
      }
    }
  }
  return std::unique_ptr<Topology>(new Topology(std::move(impl)));
}

}  // namespace smartcar::topology

// MetricsServer over loopback: the three paths, content types, 404, bind errors, Stop; HttpGet.
#include "server/metrics_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "server/http_client.h"
#include "server/stats_json.h"
#include "server_test_util.h"
#include "wait_until.h"

namespace smartcar::server {
namespace {

MetricsProviders SampleProviders(std::atomic<int>* calls = nullptr) {
  MetricsProviders p;
  p.metrics = [calls] {
    if (calls != nullptr) ++*calls;
    return FormatSnapshotPrometheus(SampleSnapshot());
  };
  p.stats_json = [] { return SnapshotToJson(SampleSnapshot()); };
  return p;
}

std::unique_ptr<MetricsServer> StartOnFreePort(MetricsProviders p = SampleProviders()) {
  MetricsServerOptions o;
  o.port = 0;
  auto s = MetricsServer::Start(o, std::move(p));
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

TEST(MetricsServerTest, ReportsTheChosenPortAndUrl) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->host(), "127.0.0.1");
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()));
}

TEST(MetricsServerTest, ServesPrometheusTextWithHelpAndType) {
  std::atomic<int> calls{0};
  auto server = StartOnFreePort(SampleProviders(&calls));
  ASSERT_NE(server, nullptr);
  auto r = HttpGet(server->url() + "/metrics");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "text/plain; version=0.0.4; charset=utf-8");
  std::map<std::string, int> samples;
  EXPECT_EQ(CheckExposition(r->body, &samples), "") << r->body;
  // One sample per task for topology metrics, one per pipeline counter.
  EXPECT_EQ(samples["smartcar_topology_emitted_total"], 3);
  EXPECT_EQ(samples["smartcar_topology_queue_depth"], 3);
  EXPECT_EQ(samples["smartcar_pipeline_generated_total"], 1);
  EXPECT_NE(r->body.find("smartcar_pipeline_stored_total 149\n"), std::string::npos);
  EXPECT_NE(r->body.find("component=\"log-spout\""), std::string::npos);
  EXPECT_EQ(calls.load(), 1);  // The provider runs per request.
}

TEST(MetricsServerTest, ServesStatsJsonThatParsesBack) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  auto r = HttpGet(server->url() + "/stats.json");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "application/json");
  auto snap = SnapshotFromJson(r->body);
  ASSERT_TRUE(snap.has_value()) << snap.error().ToString();
  ASSERT_EQ(snap->topology.components.size(), 2u);
  EXPECT_EQ(snap->topology.components[1].id, "cep");
  EXPECT_EQ(snap->topology.components[1].tasks.size(), 2u);
  EXPECT_EQ(SnapshotToJson(*snap), r->body);
}

TEST(MetricsServerTest, HealthzAnswersOk) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  auto r = HttpGet(server->url() + "/healthz");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
}

// A degraded engine (Redis down) makes /healthz answer 503 with why, and 200 again once it works.
TEST(MetricsServerTest, HealthzIs503WhileDegraded) {
  auto degraded = std::make_shared<std::string>("hot store redis 127.0.0.1:1 failing since X");
  MetricsProviders p = SampleProviders();
  p.health = [degraded] { return *degraded; };
  auto server = StartOnFreePort(p);
  ASSERT_NE(server, nullptr);
  auto r = HttpGet(server->url() + "/healthz");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "degraded: hot store redis 127.0.0.1:1 failing since X\n");
  degraded->clear();
  r = HttpGet(server->url() + "/healthz");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST(MetricsServerTest, UnknownPathIs404WithAClearBody) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  for (const std::string path : {"/index.html", "/metricz", "/stats.json/x", "/ui/"}) {
    auto r = HttpGet(server->url() + path);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_NE(r->body.find("GET " + path + ": not found"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("/metrics"), std::string::npos) << r->body;
  }
}

// /api/v1/...: GET and POST reach the api provider with the path and the query parameters; its
// status and JSON go back as they are. Without a provider those paths are 404.
TEST(MetricsServerTest, ApiRequestsReachTheProvider) {
  MetricsProviders p = SampleProviders();
  p.api = [](const ApiRequest& req) {
    std::string params;
    for (const auto& [k, v] : req.params) params += k + "=" + v + ";";
    return ApiResponse{req.method == "POST" ? 202 : 200, "{\"method\":\"" + req.method +
                                                             "\",\"path\":\"" + req.path +
                                                             "\",\"params\":\"" + params + "\"}"};
  };
  auto server = StartOnFreePort(p);
  ASSERT_NE(server, nullptr);
  auto post = HttpPost(server->url() + "/api/v1/replay?from=20220426&to=20220427");
  ASSERT_TRUE(post.has_value()) << post.error().ToString();
  EXPECT_EQ(post->status, 202);
  EXPECT_EQ(post->content_type, "application/json");
  EXPECT_EQ(post->body,
            "{\"method\":\"POST\",\"path\":\"replay\",\"params\":\"from=20220426;to=20220427;\"}");
  auto get = HttpGet(server->url() + "/api/v1/replay");
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "{\"method\":\"GET\",\"path\":\"replay\",\"params\":\"\"}");

  auto plain = StartOnFreePort();
  ASSERT_NE(plain, nullptr);
  auto none = HttpPost(plain->url() + "/api/v1/replay");
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->status, 404);
  EXPECT_NE(none->body.find("/api/v1/"), std::string::npos) << none->body;
}

// A POST's body reaches the api provider (a rule to check); a form-encoded one comes as
// parameters; a body over kMaxApiBody is refused with 413 and a JSON error before the provider.
TEST(MetricsServerTest, ApiPostBodiesReachTheProviderUpToALimit) {
  MetricsProviders p = SampleProviders();
  std::atomic<int> calls{0};
  p.api = [&calls](const ApiRequest& req) {
    ++calls;
    std::string params;
    for (const auto& [k, v] : req.params) params += k + "=" + v + ";";
    return ApiResponse{200, "{\"body\":\"" + req.body + "\",\"params\":\"" + params +
                                "\",\"token\":\"" + req.token + "\"}"};
  };
  auto server = StartOnFreePort(p);
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  auto text = client.Post("/api/v1/rules/check", "SELECT 1", "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 200);
  EXPECT_EQ(text->body, "{\"body\":\"SELECT 1\",\"params\":\"\",\"token\":\"\"}");
  auto form = client.Post("/api/v1/replay", "from=20220426", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->body, "{\"body\":\"\",\"params\":\"from=20220426;\",\"token\":\"\"}");
  // The API token travels in a header (never a cookie).
  auto with_token =
      client.Post("/api/v1/rules/deploy", httplib::Headers{{"X-Smartcar-Token", "t0k"}}, "SELECT 1",
                  "text/plain");
  ASSERT_TRUE(with_token);
  EXPECT_EQ(with_token->body, "{\"body\":\"SELECT 1\",\"params\":\"\",\"token\":\"t0k\"}");
  EXPECT_EQ(calls.load(), 3);
  auto big = client.Post("/api/v1/rules/check", std::string(kMaxApiBody + 1, 'x'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->body.find("larger than 1048576 bytes"), std::string::npos) << big->body;
  EXPECT_EQ(calls.load(), 3);
}

// The console's pages are compiled in and served with a same-origin content policy; nothing
// else, and no file, is reachable through their paths (traversal attempts are 404s).
TEST(MetricsServerTest, ServesTheConsoleAndNoFiles) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  auto index = HttpGet(server->url() + "/");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<script src=\"/ui/app.js\"></script>"), std::string::npos);
  auto js = HttpGet(server->url() + "/ui/app.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js->body.find("textContent"), std::string::npos);
  httplib::Client client("127.0.0.1", server->port());
  auto headers = client.Get("/ui/app.css");
  ASSERT_TRUE(headers);
  EXPECT_EQ(headers->get_header_value("Content-Security-Policy"), "default-src 'self'");
  for (const std::string path :
       {"/ui/../../../../etc/passwd", "/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/../etc/passwd",
        "/ui/app.js/../../../etc/passwd", "/ui/..%2f..%2f..%2fetc%2fpasswd", "/ui/index.html"}) {
    auto r = client.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
}

TEST(MetricsServerTest, WithoutTheConsoleItsPagesAre404) {
  MetricsServerOptions o;
  o.console = false;  // `--ui off`
  auto server = MetricsServer::Start(o, SampleProviders());
  ASSERT_TRUE(server.has_value());
  for (const char* path : {"/", "/ui/app.js", "/ui/app.css"}) {
    auto r = HttpGet((*server)->url() + path);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 404) << path;
  }
  auto metrics = HttpGet((*server)->url() + "/metrics");
  ASSERT_TRUE(metrics.has_value());
  EXPECT_EQ(metrics->status, 200);
}

// Reads `events` Server-Sent Events from GET /api/v1/events, then closes the stream.
std::vector<std::string> ReadEvents(int port, int events, int* status) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(30));
  std::string text;
  std::vector<std::string> out;
  auto r = client.Get("/api/v1/events", [&](const char* data, size_t n) {
    text.append(data, n);
    // Comment lines (":") keep the stream alive between events; they are no part of one.
    while (text.rfind(":\n", 0) == 0) text.erase(0, 2);
    for (size_t end; (end = text.find("\n\n")) != std::string::npos;) {
      out.push_back(text.substr(0, end + 2));
      text.erase(0, end + 2);
      while (text.rfind(":\n", 0) == 0) text.erase(0, 2);
    }
    return static_cast<int>(out.size()) < events;
  });
  *status = r ? r->status : (r.error() == httplib::Error::Canceled ? 200 : -1);
  return out;
}

TEST(MetricsServerTest, EventsStreamTheStatsUntilTheClientGoes) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  int status = 0;
  const auto events = ReadEvents(server->port(), 2, &status);
  EXPECT_EQ(status, 200);
  ASSERT_EQ(events.size(), 2u);
  for (const std::string& e : events) {
    EXPECT_EQ(e, "event: stats\ndata: " + SnapshotToJson(SampleSnapshot()) + "\n\n");
  }
  // A stream the client closed gives its thread back (the server finds it closed on its next
  // write): more streams open after it, one after the other.
  for (int i = 0; i < 3; ++i) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    size_t got = 0;
    while (got == 0 && std::chrono::steady_clock::now() < deadline) {
      got = ReadEvents(server->port(), 1, &status).size();
      if (got == 0) {
        EXPECT_EQ(status, 429);  // both slots still held by closed streams
      }
    }
    EXPECT_EQ(got, 1u);
  }
}

TEST(MetricsServerTest, EventStreamsAreCappedAndEndWhenTheServerStops) {
  auto server = StartOnFreePort();  // 4 threads: at most 2 streams
  ASSERT_NE(server, nullptr);
  std::atomic<int> open{0};
  std::vector<std::thread> readers;
  std::vector<int> statuses(2);
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server->port());
      client.set_read_timeout(std::chrono::seconds(60));
      bool counted = false;
      auto r = client.Get("/api/v1/events", [&](const char*, size_t) {
        if (!counted) ++open;
        counted = true;
        return true;  // keep reading until the server ends the stream
      });
      statuses[i] = r ? r->status : -1;
    });
  }
  ::smartcar::testing::WaitUntil([&] { return open.load() >= 2; }, std::chrono::seconds(30),
                                 std::chrono::milliseconds(10));
  ASSERT_EQ(open.load(), 2);
  auto third = HttpGet(server->url() + "/api/v1/events");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->status, 429);
  EXPECT_NE(third->body.find("too many open event streams"), std::string::npos) << third->body;
  auto scrape = HttpGet(server->url() + "/metrics");  // the two other threads still answer
  ASSERT_TRUE(scrape.has_value());
  EXPECT_EQ(scrape->status, 200);
  server->Stop();  // ends both streams (the readers return)
  for (auto& t : readers) t.join();
  EXPECT_EQ(statuses, std::vector<int>({200, 200}));
}

TEST(MetricsServerTest, ApiRequestsAreRateLimitedPerClient) {
  MetricsProviders p = SampleProviders();
  p.api = [](const ApiRequest&) { return ApiResponse{200, "{}"}; };
  auto server = StartOnFreePort(std::move(p));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  int allowed = 0;
  std::optional<httplib::Response> limited;
  for (int i = 0; i < 5000; ++i) {
    auto r = client.Get("/api/v1/anything");
    ASSERT_TRUE(r);
    if (r->status == 429) {
      limited = *r;
      break;
    }
    ++allowed;
  }
  ASSERT_TRUE(limited.has_value()) << allowed << " requests, none refused";
  EXPECT_GE(allowed, static_cast<int>(kApiRequestsBurst));  // the burst is always allowed
  EXPECT_EQ(limited->get_header_value("Retry-After"), "1");
  EXPECT_NE(limited->body.find("API requests a second from 127.0.0.1"), std::string::npos)
      << limited->body;
  auto metrics = client.Get("/metrics");  // only /api/v1/ is limited
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
}

TEST(MetricsServerTest, PortInUseIsAClearError) {
  auto first = StartOnFreePort();
  ASSERT_NE(first, nullptr);
  MetricsServerOptions o;
  o.port = first->port();
  auto second = MetricsServer::Start(o, SampleProviders());
  ASSERT_FALSE(second.has_value());
  EXPECT_TRUE(second.error().IsIOError()) << second.error().ToString();
  EXPECT_EQ(second.error().message(),
            "cannot listen on 127.0.0.1:" + std::to_string(o.port) + ": address in use");
  // The first server is unaffected.
  auto r = HttpGet(first->url() + "/healthz");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST(MetricsServerTest, RejectsBadOptions) {
  MetricsServerOptions o;
  o.port = 70000;
  auto s = MetricsServer::Start(o, SampleProviders());
  ASSERT_FALSE(s.has_value());
  EXPECT_TRUE(s.error().IsInvalidArgument());
  EXPECT_NE(s.error().message().find("70000"), std::string::npos);
  o.port = 0;
  MetricsProviders none;
  auto t = MetricsServer::Start(o, none);
  ASSERT_FALSE(t.has_value());
  EXPECT_TRUE(t.error().IsInvalidArgument());
  o.host = "no-such-host.invalid";
  auto u = MetricsServer::Start(o, SampleProviders());
  ASSERT_FALSE(u.has_value());
  EXPECT_NE(u.error().message().find("cannot listen on no-such-host.invalid:0"), std::string::npos)
      << u.error().ToString();
}

TEST(MetricsServerTest, StopClosesThePortAndIsIdempotent) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  const std::string url = server->url();
  ASSERT_TRUE(HttpGet(url + "/healthz").has_value());
  server->Stop();
  server->Stop();
  auto r = HttpGet(url + "/healthz", std::chrono::milliseconds(500));
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().IsIOError()) << r.error().ToString();
  // The port is free again.
  MetricsServerOptions o;
  o.port = server->port();
  auto again = MetricsServer::Start(o, SampleProviders());
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
}

TEST(MetricsServerTest, StopRightAfterStartDoesNotHang) {
  for (int i = 0; i < 20; ++i) {
    auto server = StartOnFreePort();
    ASSERT_NE(server, nullptr);
    server->Stop();
  }
}

TEST(MetricsServerTest, ConcurrentStopsAreSafe) {
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { server->Stop(); });
  for (auto& t : threads) t.join();
  EXPECT_FALSE(HttpGet(server->url() + "/healthz", std::chrono::milliseconds(500)).has_value());
}

TEST(MetricsServerTest, ConcurrentScrapesAllSucceed) {
  std::atomic<int> calls{0};
  auto server = StartOnFreePort(SampleProviders(&calls));
  ASSERT_NE(server, nullptr);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = HttpGet(server->url() + "/metrics");
        if (r && r->status == 200 && CheckExposition(r->body).empty()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(calls.load(), 40);
}

TEST(HttpGetTest, RejectsUrlsItCannotRead) {
  auto a = HttpGet("https://127.0.0.1:1/metrics");
  ASSERT_FALSE(a.has_value());
  EXPECT_TRUE(a.error().IsInvalidArgument()) << a.error().ToString();
  auto b = HttpGet("http:///metrics");
  ASSERT_FALSE(b.has_value());
  EXPECT_TRUE(b.error().IsInvalidArgument()) << b.error().ToString();
}

TEST(HttpGetTest, NothingListeningIsIOError) {
  // Bind a free port, then stop, so nothing listens there.
  auto server = StartOnFreePort();
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  server->Stop();
  auto r =
      HttpGet("127.0.0.1:" + std::to_string(port) + "/metrics", std::chrono::milliseconds(500));
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().IsIOError());
  EXPECT_NE(r.error().message().find("GET 127.0.0.1:" + std::to_string(port) + "/metrics"),
            std::string::npos)
      << r.error().ToString();
}

}  // namespace
}  // namespace smartcar::server

// CdpBrowser: drives a real headless Chromium through the Chrome DevTools Protocol over
// --remote-debugging-pipe (fd 3: commands to the browser, fd 4: answers and events; each message
// one JSON text ended by a NUL byte), so browser tests click and type as a user does without
// puppeteer or a WebSocket. Test-only: every failure is a message in the returned Status.
//
//   CdpBrowser b;
//   ASSERT_TRUE(b.Start(profile_dir).ok());
//   ASSERT_TRUE(b.Navigate(url).ok());
//   auto title = b.Eval("document.title");            // the value, as JSON
//   b.Click("#deploy-form button");                   // a real mouse press and release
//   b.TypeInto("#rule-text", "100", /*select=*/"80");  // replaces the first "80" as keystrokes
//   b.WaitFor("document.querySelector('#x').textContent.includes('OK')");
//   b.Screenshot("page.png");
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "wait_until.h"

namespace smartcar::pipeline::testing {

class CdpBrowser {
 public:
  using json = nlohmann::json;

  CdpBrowser() = default;
  CdpBrowser(const CdpBrowser&) = delete;
  CdpBrowser& operator=(const CdpBrowser&) = delete;
  ~CdpBrowser() { Stop(); }

  // Starts Chromium headless with its profile in `profile_dir`, no network beyond loopback, and
  // opens one page.
  Status Start(const std::string& profile_dir, const std::string& chromium = "/usr/bin/chromium") {
    signal(SIGPIPE, SIG_IGN);  // a browser that died is an error from write(), not the end
    int to_browser[2], from_browser[2];
    if (pipe2(to_browser, O_CLOEXEC) != 0 || pipe2(from_browser, O_CLOEXEC) != 0) {
      return Status::IOError("pipe failed");
    }
    const std::string profile = "--user-data-dir=" + profile_dir;
    pid_ = fork();
    if (pid_ == 0) {
      // The child's fd 3 reads commands, fd 4 writes answers (dup2 clears O_CLOEXEC).
      const int in = fcntl(to_browser[0], F_DUPFD, 10), out = fcntl(from_browser[1], F_DUPFD, 10);
      dup2(in, 3);
      dup2(out, 4);
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      execl(chromium.c_str(), chromium.c_str(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--window-size=1280,1400", "--remote-debugging-pipe", profile.c_str(), "about:blank",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_browser[0]);
    close(from_browser[1]);
    write_fd_ = to_browser[1];
    read_fd_ = from_browser[0];
    if (pid_ < 0) return Status::IOError("fork failed");
    auto target = Call("Target.createTarget", {{"url", "about:blank"}}, /*page=*/false);
    if (!target) return target.error();
    auto attached = Call("Target.attachToTarget",
                         {{"targetId", (*target)["targetId"]}, {"flatten", true}}, false);
    if (!attached) return attached.error();
    session_ = (*attached)["sessionId"].get<std::string>();
    for (const char* domain : {"Page.enable", "Runtime.enable"}) {
      if (auto r = Call(domain, json::object()); !r) return r.error();
    }
    return Status::OK();
  }

  void Stop() {
    if (pid_ <= 0) return;
    if (write_fd_ >= 0) Send("Browser.close", json::object(), false);
    int st = 0;
    if (!::smartcar::testing::WaitUntil([&] { return waitpid(pid_, &st, WNOHANG) == pid_; },
                                        std::chrono::seconds(10))) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &st, 0);
    }
    pid_ = -1;
    if (write_fd_ >= 0) close(write_fd_);
    if (read_fd_ >= 0) close(read_fd_);
    write_fd_ = read_fd_ = -1;
  }

  // Opens `url` in the page and waits for its load event.
  Status Navigate(const std::string& url) {
    events_.clear();
    auto r = Call("Page.navigate", {{"url", url}});
    if (!r) return r.error();
    if (r->contains("errorText")) {
      return Status::IOError(url + ": " + (*r)["errorText"].get<std::string>());
    }
    return WaitEvent("Page.loadEventFired");
  }

  // Evaluates `expression` in the page (promises awaited) and returns its value.
  Result<json> Eval(const std::string& expression) {
    auto r = Call("Runtime.evaluate",
                  {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true}});
    if (!r) return Err(r.error());
    if (r->contains("exceptionDetails")) {
      return Err(Status::InvalidArgument(expression + ": " + (*r)["exceptionDetails"].dump()));
    }
    const json& v = (*r)["result"];
    return v.contains("value") ? v["value"] : json();
  }

  // Waits until `expression` is truthy in the page (at most `timeout`).
  Status WaitFor(const std::string& expression,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto v = Eval("!!(" + expression + ")");
      if (v && v->is_boolean() && v->get<bool>()) return Status::OK();
      if (!v) last = v.error().message();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status::IOError("timed out waiting for " + expression + (last.empty() ? "" : ": ") +
                           last);
  }

  // A mouse click (press and release of the left button) at the centre of `selector`'s element,
  // scrolled into view first.
  Status Click(const std::string& selector) {
    auto box = Eval("(() => { const e = document.querySelector(" + json(selector).dump() +
                    "); if (!e) return null; e.scrollIntoView({block: 'center'});"
                    " const r = e.getBoundingClientRect();"
                    " return [r.left + r.width / 2, r.top + r.height / 2]; })()");
    if (!box) return box.error();
    if (!box->is_array()) return Status::NotFound("no element " + selector);
    for (const char* type : {"mouseMoved", "mousePressed", "mouseReleased"}) {
      json p{{"type", type}, {"x", (*box)[0]}, {"y", (*box)[1]}};
      if (std::string(type) != "mouseMoved") {
        p["button"] = "left";
        p["clickCount"] = 1;
      }
      if (auto r = Call("Input.dispatchMouseEvent", p); !r) return r.error();
    }
    return Status::OK();
  }

  // Focuses `selector`'s input or textarea, selects the first occurrence of `select` in its value
  // (the whole value when empty) and types `text` over it (as an IME commit: input events fire as
  // for keystrokes); an empty `text` deletes the selection with the Delete key.
  Status TypeInto(const std::string& selector, const std::string& text,
                  const std::string& select = "") {
    auto found = Eval("(() => { const e = document.querySelector(" + json(selector).dump() +
                      "); if (!e) return -2; e.focus(); const s = " + json(select).dump() +
                      "; const at = s === '' ? 0 : e.value.indexOf(s); if (at < 0) return -1;"
                      " e.setSelectionRange(at, s === '' ? e.value.length : at + s.length);"
                      " return at; })()");
    if (!found) return found.error();
    if (*found == -2) return Status::NotFound("no element " + selector);
    if (*found == -1) return Status::NotFound("'" + select + "' is not in " + selector);
    if (text.empty()) {  // the Delete key on the selection
      for (const char* type : {"keyDown", "keyUp"}) {
        auto r = Call(
            "Input.dispatchKeyEvent",
            {{"type", type}, {"key", "Delete"}, {"code", "Delete"}, {"windowsVirtualKeyCode", 46}});
        if (!r) return r.error();
      }
      return Status::OK();
    }
    auto r = Call("Input.insertText", {{"text", text}});
    return r ? Status::OK() : r.error();
  }

  // Saves a PNG of the whole page, or of `selector`'s element only.
  Status Screenshot(const std::string& path, const std::string& selector = "") {
    json params{{"format", "png"}, {"captureBeyondViewport", true}};
    if (!selector.empty()) {
      auto box = Eval("(() => { const e = document.querySelector(" + json(selector).dump() +
                      "); if (!e) return null; const r = e.getBoundingClientRect();"
                      " return [r.left + scrollX, r.top + scrollY, r.width, r.height]; })()");
      if (!box) return box.error();
      if (!box->is_array()) return Status::NotFound("no element " + selector);
      params["clip"] = {{"x", (*box)[0]},
                        {"y", (*box)[1]},
                        {"width", (*box)[2]},
                        {"height", (*box)[3]},
                        {"scale", 1}};
    }
    auto r = Call("Page.captureScreenshot", params);
    if (!r) return r.error();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << Base64Decode((*r)["data"].get<std::string>());
    return out ? Status::OK() : Status::IOError("cannot write " + path);
  }

  // A protocol command on the page (or the browser) and its result.
  Result<json> Call(const std::string& method, const json& params, bool page = true) {
    const int64_t id = Send(method, params, page);
    if (id < 0) return Err(Status::IOError(method + ": cannot write to the browser"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      auto m = Read(deadline);
      if (!m) return Err(m.error().WithPrefix(method + ": "));
      if (m->contains("id") && (*m)["id"] == id) {
        if (m->contains("error")) return Err(Status::IOError(method + ": " + (*m)["error"].dump()));
        return (*m)["result"];
      }
      if (m->contains("method")) events_.push_back(std::move(*m));
    }
  }

 private:
  int64_t Send(const std::string& method, const json& params, bool page) {
    json m{{"id", ++next_id_}, {"method", method}, {"params", params}};
    if (page) m["sessionId"] = session_;
    std::string text = m.dump();
    text.push_back('\0');
    for (size_t done = 0; done < text.size();) {
      const ssize_t n = write(write_fd_, text.data() + done, text.size() - done);
      if (n <= 0) return -1;
      done += static_cast<size_t>(n);
    }
    return next_id_;
  }

  Status WaitEvent(const std::string& method) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      for (auto it = events_.begin(); it != events_.end(); ++it) {
        if ((*it)["method"] == method) {
          events_.erase(it);
          return Status::OK();
        }
      }
      auto m = Read(deadline);
      if (!m) return m.error().WithPrefix("waiting for " + method + ": ");
      if (m->contains("method")) events_.push_back(std::move(*m));
    }
  }

  // The next message from the browser.
  Result<json> Read(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      const size_t end = buffer_.find('\0');
      if (end != std::string::npos) {
        json m = json::parse(buffer_.substr(0, end), nullptr, false);
        buffer_.erase(0, end + 1);
        if (m.is_discarded()) return Err(Status::Corruption("a message that is not JSON"));
        return m;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Err(Status::IOError("no answer from the browser in time"));
      pollfd p{read_fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[65536];
      const ssize_t n = read(read_fd_, chunk, sizeof chunk);
      if (n <= 0) return Err(Status::IOError("the browser closed its pipe (exited?)"));
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  static std::string Base64Decode(const std::string& in) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (const char c : in) {
      int v = c >= 'A' && c <= 'Z'   ? c - 'A'
              : c >= 'a' && c <= 'z' ? c - 'a' + 26
              : c >= '0' && c <= '9' ? c - '0' + 52
              : c == '+'             ? 62
              : c == '/'             ? 63
                                     : -1;
      if (v < 0) continue;
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xff));
      }
    }
    return out;
  }

  pid_t pid_ = -1;
  int write_fd_ = -1;
  int read_fd_ = -1;
  int64_t next_id_ = 0;
  std::string session_;
  std::string buffer_;
  std::deque<json> events_;
};

}  // namespace smartcar::pipeline::testing

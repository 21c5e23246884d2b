// SmartCar console: reads the run's JSON API (/api/v1/, docs/API.md) and /stats.json. Every value
// goes into the page as text (textContent), never as HTML, so a car number, a rule or a cell
// holding "<script>" is shown, not run.
"use strict";

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(typeof c === "object" && c !== null ? c : el("td", c));
  return tr;
}

function num(v) { return el("td", v, "num"); }

async function api(path, options) {
  const o = options || {};
  const headers = { "Accept": "application/json" };
  if (o.token) headers["X-Smartcar-Token"] = o.token;  // a header, never a cookie
  if (o.body !== undefined) headers["Content-Type"] = "text/plain";
  const res = await fetch(path, { method: o.method || "GET", headers, body: o.body });
  const body = await res.json().catch(() => ({ error: "not JSON (HTTP " + res.status + ")" }));
  if (!res.ok) throw new Error(body.error || ("HTTP " + res.status));
  return body;
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function duration(ms) {
  const m = Math.round(ms / 60000), d = Math.floor(m / 1440), h = Math.floor(m % 1440 / 60);
  return (d > 0 ? d + " d " : "") + (d > 0 || h > 0 ? h + " h " : "") + (m % 60) + " min";
}

function time(ms) { return new Date(ms).toISOString().replace("T", " ").replace(".000Z", "Z"); }

// ---- Overview: counters with rates, and the topology's components, pushed by the endpoint
// every second (Server-Sent Events, GET /api/v1/events); polled every 2 s when it cannot push.
let last = null;
// The last 15 minutes of each counter: seeded from GET /api/v1/history, then one point per update.
const history = { time_ms: [], counters: {} };
const HISTORY_MS = 15 * 60 * 1000;

function remember(s) {
  history.time_ms.push(s.time_ms);
  for (const c of s.pipeline) {
    (history.counters[c.name] ??= new Array(history.time_ms.length - 1).fill(c.value)).push(c.value);
  }
  while (history.time_ms.length > 2 && history.time_ms[0] < s.time_ms - HISTORY_MS) {
    history.time_ms.shift();
    for (const v of Object.values(history.counters)) v.shift();
  }
}

// Per-second rates of a cumulative series sampled at times t.
function rates(t, v) {
  const out = [];
  for (let i = 1; i < v.length; i++) out.push(t[i] > t[i - 1] ? (v[i] - v[i - 1]) * 1000 / (t[i] - t[i - 1]) : 0);
  return out;
}

// A small line chart of `values` (oldest first), `title` as its tooltip; null under 2 points.
function lineSvg(values, W, H, title, max) {
  if (values.length < 2) return null;
  const top = max ?? Math.max(...values, 1);
  const g = svg("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H });
  g.appendChild(svg("title", {}, title));
  g.appendChild(svg("polyline", { class: "series", points: values.map((r, i) =>
    (i * (W - 2) / (values.length - 1) + 1).toFixed(1) + "," + (H - 2 - (H - 4) * Math.min(r, top) / top).toFixed(1)).join(" ") }));
  return g;
}

// A counter's rate per second over the history, as a small line chart.
function sparkline(name) {
  const t = history.time_ms, r = rates(t, history.counters[name] || []);
  const cell = el("td", undefined, "spark");
  const g = lineSvg(r, 180, 28, name + " per second, last " + Math.round((t[t.length - 1] - t[0]) / 60000) +
                    " min (max " + Math.max(...r, 1).toFixed(0) + "/s)");
  if (g) cell.appendChild(g);
  return cell;
}

function showOverview(s) {
  document.getElementById("state").textContent = s.state || "";
  const dt = last ? (s.time_ms - last.time_ms) / 1000 : 0;
  const before = {};
  if (last) for (const c of last.pipeline) before[c.name] = c.value;
  remember(s);
  fill(document.querySelector("#counters tbody"), s.pipeline.map(c => {
    const rate = dt > 0 && c.name in before ? ((c.value - before[c.name]) / dt).toFixed(0) : "";
    const name = el("td", c.name);
    name.title = c.help;
    return row([name, num(c.value), num(rate), sparkline(c.name)]);
  }));
  fill(document.querySelector("#components tbody"), s.topology.components.map(c => row([
    el("td", c.id), num(c.tasks.length), num(c.total.executed), num(c.total.emitted), num(c.total.failed),
    num(c.total.capacity.toFixed(2)), num((c.total.latency_p50_ns / 1e6).toFixed(2)),
    num((c.total.latency_p99_ns / 1e6).toFixed(2)), num(c.total.queue_depth)])));
  showProgress(s);
  drawTopology(s, last, dt);
  showAreas(s, last, dt);
  showCollector(s);
  last = s;
}

// A lag in event time: seconds below two minutes, else days, hours and minutes.
function lag(ms) { return ms < 120000 ? (ms / 1000).toFixed(1) + " s" : duration(ms); }

// The event-time watermark and its lags; the consumer group's lag per partition.
function showProgress(s) {
  const e = s.event_time;
  const mark = document.getElementById("watermark");
  mark.textContent = e ? time(e.watermark_ms) : "none yet (no event processed)";
  mark.dataset.ms = e ? e.watermark_ms : "";
  document.getElementById("wall-lag").textContent = e ? lag(e.wall_lag_ms) : "–";
  document.getElementById("written-lag").textContent =
    e && e.written_lag_ms >= 0 ? lag(e.written_lag_ms) : "– (not known in this process)";
  const parts = s.partitions || [];
  fill(document.querySelector("#partitions tbody"), parts.map(p => row([
    num(p.partition), num(p.committed >= 0 ? p.committed : "none"), num(p.latest), num(p.lag),
    p.event_time_ms > 0 ? time(p.event_time_ms) : "–"])));
  document.getElementById("partitions-summary").textContent = parts.length === 0 ? "" :
    "Consumer group " + s.consumer_group + ": " + parts.reduce((a, p) => a + p.lag, 0) +
    " record(s) after its committed offsets (a commit waits for the rules' open windows, so a few seconds of events stay uncommitted while a run keeps up).";
}

// ---- Topology: the graph of components (columns by depth from the spouts), the edges with
// their groupings, each node coloured by capacity; a click shows the component's history.
let selectedComponent = null;

function drawTopology(s, before, dt) {
  const comps = s.topology.components;
  const byId = new Map(comps.map(c => [c.id, c]));
  const depth = new Map();
  const depthOf = (c, seen) => {
    if (depth.has(c.id)) return depth.get(c.id);
    if (seen.has(c.id)) return 0;  // no cycles in a topology; never loop
    seen.add(c.id);
    let d = 0;
    for (const i of c.inputs || []) if (byId.has(i.from)) d = Math.max(d, depthOf(byId.get(i.from), seen) + 1);
    depth.set(c.id, d);
    return d;
  };
  const columns = [];
  for (const c of comps) (columns[depthOf(c, new Set())] ??= []).push(c);
  const W = 170, H = 70, GX = 130, GY = 24;
  const rows = Math.max(...columns.map(col => (col || []).length), 1);
  const width = columns.length * (W + GX), height = rows * (H + GY) + GY;
  const pos = new Map();
  columns.forEach((col, x) => (col || []).forEach((c, y) => pos.set(c.id, {
    x: 10 + x * (W + GX), y: GY + y * (H + GY) + (rows - col.length) * (H + GY) / 2 })));
  const prev = new Map((before ? before.topology.components : []).map(c => [c.id, c]));
  const g = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height });
  const defs = svg("defs", {});
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" });
  marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#8a93a3" }));
  defs.appendChild(marker);
  g.appendChild(defs);
  for (const c of comps) {
    const edges = new Map();  // one arrow per source, its streams and groupings joined
    for (const i of c.inputs || []) {
      if (!pos.has(i.from)) continue;
      (edges.get(i.from) ?? edges.set(i.from, []).get(i.from)).push(i.stream + ": " + i.grouping);
    }
    for (const [from, labels] of edges) {
      const a = pos.get(from), b = pos.get(c.id);
      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
      const path = svg("path", { class: "edge", "data-from": from, "data-to": c.id,
                                 d: "M" + x1 + "," + y1 + " C" + (x1 + GX / 2) + "," + y1 + " " + (x2 - GX / 2) + "," + y2 + " " + x2 + "," + y2 });
      path.appendChild(svg("title", {}, from + " → " + c.id + "\n" + labels.join("\n")));
      g.appendChild(path);
      // The data stream's grouping on the arrow; every stream's in its tooltip.
      const main = labels.find(l => !l.startsWith("eos: ")) || labels[0];
      g.appendChild(svg("text", { class: "grouping", x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 5, "text-anchor": "middle" },
                        main.replace(/^default: /, "") + (labels.length > 1 ? " +" + (labels.length - 1) : "")));
    }
  }
  for (const c of comps) {
    const p = pos.get(c.id), t = c.total, b = prev.get(c.id);
    const done = c.is_spout ? t.emitted : t.executed;
    const rate = b && dt > 0 ? ((done - (c.is_spout ? b.total.emitted : b.total.executed)) / dt).toFixed(0) + "/s" : "";
    const cls = t.capacity < 0.5 ? "cap-low" : t.capacity < 0.8 ? "cap-mid" : "cap-high";
    const node = svg("g", { "data-component": c.id });
    const rect = svg("rect", { class: "node " + cls + (c.id === selectedComponent ? " selected" : ""),
                               x: p.x, y: p.y, width: W, height: H, rx: 6 });
    rect.appendChild(svg("title", {}, c.id + (c.is_spout ? " (spout)" : " (bolt)") + ", " + c.tasks.length + " task(s)" +
                         (c.last_error ? "\nlast error: " + c.last_error : "")));
    node.appendChild(rect);
    const lines = [[c.id + (c.tasks.length > 1 ? " ×" + c.tasks.length : ""), "id"],
                   [(c.is_spout ? "emitted " : "executed ") + done + (rate ? " · " + rate : ""), ""],
                   ["capacity " + t.capacity.toFixed(2) + " · p50 " + (t.latency_p50_ns / 1e6).toFixed(2) + " p99 " + (t.latency_p99_ns / 1e6).toFixed(2) + " ms", ""],
                   [(c.is_spout ? "pending " + t.pending : "queue " + t.queue_depth) + " · failed " + t.failed, ""]];
    lines.forEach(([text, cl], k) => node.appendChild(svg("text", { class: cl, x: p.x + 8, y: p.y + 16 + 15 * k }, text)));
    node.addEventListener("click", () => showComponentHistory(c.id));
    g.appendChild(node);
  }
  document.getElementById("topology-graph").replaceChildren(g);
}

async function showComponentHistory(id) {
  selectedComponent = id;
  const out = document.getElementById("component-history");
  try {
    const h = await api("/api/v1/history");
    const c = (h.components || {})[id];
    if (!c || h.time_ms.length < 2) {
      out.replaceChildren(el("p", id + ": no history in this process yet (sampled once a second while a run serves the console)"));
      return;
    }
    const t = h.time_ms, ms = t[t.length - 1] - t[0];
    const span = ms < 60000 ? Math.round(ms / 1000) + " s" : Math.round(ms / 60000) + " min";
    const figure = (caption, values, max) => {
      const f = el("figure");
      const g = lineSvg(values, 260, 60, caption + " (last " + span + ", max " + Math.max(...values, 0).toFixed(2) + ")", max);
      if (g) f.appendChild(g);
      f.appendChild(el("figcaption", caption + ": now " + (values.length ? values[values.length - 1].toFixed(values[values.length - 1] % 1 ? 2 : 0) : "")));
      return f;
    };
    const done = c.executed[c.executed.length - 1] > 0 ? c.executed : c.emitted;
    out.replaceChildren(el("h3", id + ", last " + span),
                        figure((done === c.executed ? "executed" : "emitted") + " per second", rates(t, done)),
                        figure("capacity", c.capacity, 1),
                        figure("queue depth", c.queue_depth),
                        figure("failed per second", rates(t, c.failed)));
  } catch (e) {
    out.replaceChildren(el("p", id + ": " + e.message, "error"));
  }
}

// ---- Areas: A01-F10, shaded by driving events per second now, framed where the day's
// detections were.
let areaDetections = new Map();  // area -> cars detected there (the detections section's day)

function showAreas(s, before, dt) {
  const now = new Map(s.areas ? Object.entries(s.areas) : []);
  const then = new Map(before && before.areas ? Object.entries(before.areas) : []);
  const rate = a => dt > 0 ? Math.max(0, ((now.get(a) || 0) - (then.get(a) || 0)) / dt) : 0;
  const names = [];
  for (const letter of "ABCDEF") for (let n = 1; n <= 10; n++) names.push(letter + String(n).padStart(2, "0"));
  // Shaded by the rate now; when nothing moves (a finished run, a steady worker), by the totals.
  const moving = names.some(a => rate(a) > 0);
  const weight = a => moving ? rate(a) : (now.get(a) || 0);
  const top = Math.max(...names.map(weight), 1e-9);
  const rows = [];
  for (let r = 0; r < 6; r++) {
    const tr = document.createElement("tr");
    for (const a of names.slice(r * 10, r * 10 + 10)) {
      const per = rate(a), cars = areaDetections.get(a) || [];
      const td = el("td", a);
      td.dataset.area = a;
      td.dataset.events = now.get(a) || 0;
      td.dataset.detections = cars.length;
      td.style.background = "rgba(59, 111, 216, " + (0.08 + 0.7 * weight(a) / top).toFixed(2) + ")";
      td.title = a + ": " + (now.get(a) || 0) + " events parsed, " + per.toFixed(1) + "/s now" +
                 (cars.length ? "; detected here: " + cars.join(", ") : "");
      td.appendChild(el("br"));
      td.appendChild(el("span", moving ? per.toFixed(0) + "/s" : String(now.get(a) || 0)));
      if (cars.length) {
        td.classList.add("detected");
        td.appendChild(el("span", " " + cars.length, "n"));
      }
      tr.appendChild(td);
    }
    rows.push(tr);
  }
  fill(document.querySelector("#area-grid tbody"), rows);
}

// ---- Collector: the in-process collector's sources (with their committed file positions)
// and channels, from the same snapshot.
function position(text) {
  try {
    const files = JSON.parse(text);
    if (Array.isArray(files)) {
      return files.map(f => (f.file ?? "inode " + f.inode) + " @ byte " + f.pos + (f.line !== undefined ? " (line " + f.line + ")" : "")).join("; ");
    }
  } catch (e) {
    // not JSON: shown as it is
  }
  return text;
}

function showCollector(s) {
  const c = s.collector || [];
  document.getElementById("collector-summary").textContent = c.length === 0
    ? "No collector in this process: a worker reads the durable log that `smartcar collect` (or a run) fills; its counters are in that process's console."
    : "The run's collector (the pilot agent's driving half): TAILDIR → filter → channel → the durable log; positions are committed after the log has the batch.";
  fill(document.querySelector("#collector-components tbody"), c.map(m => row([
    m.name, m.kind, m.detail, (m.targets || []).join(", "), num(m.received), num(m.accepted), num(m.rejected),
    num(m.batches), num(m.bytes), num(m.failures), num(m.kind === "source" ? m.lag_bytes : ""),
    el("td", position(m.position), "position")])));
}

async function pollOverview() {
  try {
    showOverview(await api("/stats.json"));
  } catch (e) {
    document.getElementById("state").textContent = "endpoint: " + e.message;
  }
}

async function followOverview() {
  try {
    const h = await api("/api/v1/history");
    history.time_ms = h.time_ms;
    history.counters = h.counters;
  } catch (e) {
    // no history here (--ui off or an older process): the charts start now
  }
  const events = new EventSource("/api/v1/events");
  events.addEventListener("stats", ev => {
    document.getElementById("feed").textContent = "live";
    showOverview(JSON.parse(ev.data));
  });
  events.addEventListener("error", () => {
    if (events.readyState !== EventSource.CLOSED) return;  // it reconnects by itself
    // Refused (too many streams open) or gone: poll, and try to listen again in a minute.
    document.getElementById("feed").textContent = "polling every 2 s";
    const poll = setInterval(pollOverview, 2000);
    setTimeout(() => { clearInterval(poll); followOverview(); }, 60000);
  });
}

// ---- Detections: the day's set, as `smartcar overspeed DATE --details` shows it.
async function showDetections(date) {
  const summary = document.getElementById("detections-summary");
  const tbody = document.querySelector("#detections-list tbody");
  try {
    const d = await api("/api/v1/detections?details=1&date=" + encodeURIComponent(date));
    summary.className = "";
    summary.textContent = d.cars.length + " car(s) on " + d.date + " (" + d.store +
      (d.expires_in_ms > 0 ? "; the day's set expires in " + duration(d.expires_in_ms) : "") + ")";
    areaDetections = new Map();
    for (const x of d.details) if (x.area) (areaDetections.get(x.area) ?? areaDetections.set(x.area, []).get(x.area)).push(x.car);
    if (last) showAreas(last, null, 0);
    fill(tbody, d.details.map(x => row([
      x.car, num(x.avg_speed !== undefined ? x.avg_speed.toFixed(1) : ""), num(x.event_count ?? ""),
      x.area ?? "", x.rule ?? "",
      x.window_start_ms !== undefined ? time(x.window_start_ms) + " – " + time(x.window_end_ms) : ""])));
  } catch (e) {
    summary.className = "error";
    summary.textContent = e.message;
    fill(tbody, []);
  }
}

// ---- Rules: the folder's and the store's rules, an editor checked as you type, deploy
// (needs the API token), history and rollback.
async function showRules() {
  try {
    const r = await api("/api/v1/rules");
    const rows = [];
    for (const f of r.folder.files) rows.push(row([f.path.split("/").pop(), "folder", "", "", ""]));
    for (const v of r.store || []) rows.push(row([v.name, "store", num(v.version), v.author, v.checksum]));
    fill(document.querySelector("#rules-list tbody"), rows);
    const text = document.getElementById("rule-text");
    if (text.value === "") {
      const first = (r.store && r.store[0]) || r.folder.files[0];
      if (first) {
        text.value = first.text;
        if (first.name) document.getElementById("rule-name").value = first.name;
        checkRule();
      }
    }
    showHistory();
  } catch (e) {
    document.getElementById("rule-check").textContent = e.message;
  }
}

let checkTimer = null;
async function checkRule() {
  const out = document.getElementById("rule-check");
  try {
    const r = await api("/api/v1/rules/check", { method: "POST", body: document.getElementById("rule-text").value });
    out.className = "";
    out.textContent = "OK: " + r.statements.map(s => s.name + " (" + s.columns.join(", ") + ")").join("; ");
  } catch (e) {
    out.className = "error";
    out.textContent = e.message;
  }
}

async function deployRule() {
  const out = document.getElementById("deploy-result");
  const name = document.getElementById("rule-name").value;
  try {
    const v = await api("/api/v1/rules/deploy?name=" + encodeURIComponent(name), {
      method: "POST", body: document.getElementById("rule-text").value,
      token: document.getElementById("token").value });
    out.className = "";
    out.textContent = v.unchanged ? name + ": unchanged, version " + v.version + " is this text"
                                  : name + ": deployed version " + v.version + " (" + v.checksum + ")";
    showRules();
  } catch (e) {
    out.className = "error";
    out.textContent = e.message;
  }
}

async function showHistory() {
  const name = document.getElementById("rule-name").value;
  const tbody = document.querySelector("#rule-history tbody");
  try {
    const h = await api("/api/v1/rules/" + encodeURIComponent(name) + "/history");
    fill(tbody, h.versions.slice().reverse().map(v => {
      const b = el("button", "roll back to " + v.version);
      b.addEventListener("click", () => rollback(name, v.version));
      const cell = el("td");
      cell.appendChild(b);
      if (v.version > 1) {
        const d = el("button", "diff with " + (v.version - 1));
        d.addEventListener("click", () => showDiff(name, { query: "a=" + (v.version - 1) + "&b=" + v.version },
                                                   "--- " + name + " version " + (v.version - 1) + "\n+++ " + name + " version " + v.version));
        cell.appendChild(d);
      }
      return row([num(v.version), time(v.time_ms), v.author, v.message, v.checksum, cell]);
    }));
  } catch (e) {
    fill(tbody, []);  // not in the store (yet)
  }
}

// A line diff (`smartcar rules diff`): the editor's text against the latest stored version, or
// a stored version against the one before it.
async function showDiff(name, options, title) {
  const out = document.getElementById("rule-diff");
  try {
    const d = await api("/api/v1/rules/" + encodeURIComponent(name) + "/diff?" + options.query, options);
    const lines = d.diff.split("\n").filter(l => l !== "");
    out.replaceChildren(el("span", title + "\n", "diff-title"), ...lines.map(l =>
      el("span", l + "\n", l[0] === "+" ? "diff-add" : l[0] === "-" ? "diff-del" : "diff-same")));
  } catch (e) {
    out.replaceChildren(el("span", e.message, "error"));
  }
  out.hidden = false;
}

function diffEditor() {
  const name = document.getElementById("rule-name").value;
  showDiff(name, { query: "", method: "POST", body: document.getElementById("rule-text").value },
           "--- " + name + " (deployed, latest version)\n+++ the editor");
}

async function rollback(name, version) {
  const out = document.getElementById("deploy-result");
  try {
    const v = await api("/api/v1/rules/" + encodeURIComponent(name) + "/rollback?to=" + version, {
      method: "POST", token: document.getElementById("token").value });
    out.className = "";
    out.textContent = name + ": version " + version + " deployed again as version " + v.version;
    document.getElementById("rule-text").value = v.text;
    showRules();
  } catch (e) {
    out.className = "error";
    out.textContent = e.message;
  }
}

// ---- Backtest: the editor's rule over the stored events beside the deployed rule.
async function backtest() {
  const from = document.getElementById("backtest-from").value;
  const to = document.getElementById("backtest-to").value || from;
  const summary = document.getElementById("backtest-summary");
  const tbody = document.querySelector("#backtest-days tbody");
  summary.className = "";
  summary.textContent = "running…";
  try {
    const q = new URLSearchParams({ from, to });
    const name = document.getElementById("rule-name").value;
    if (name) q.set("against", name);
    const r = await api("/api/v1/rules/backtest?" + q.toString(), {
      method: "POST", body: document.getElementById("rule-text").value });
    const t = r.total;
    summary.textContent = "Backtest " + r.from + " .. " + r.to + " against " + (r.deployed ?? "nothing deployed") +
      ": " + t.events + " events, " + t.candidate_detections + " detection(s) by the editor's rule" +
      (r.deployed ? ", " + t.deployed_detections + " by the deployed rule" : "");
    fill(tbody, r.days.map(d => row([
      d.date, num(d.events), num(d.candidate.detections + " / " + d.candidate.cars.length),
      num(d.deployed ? d.deployed.detections + " / " + d.deployed.cars.length : ""),
      el("td", (d.added || []).join(" "), "added"), el("td", (d.removed || []).join(" "), "removed")])));
  } catch (e) {
    summary.className = "error";
    summary.textContent = e.message;
    fill(tbody, []);
  }
}

// ---- Replay: the days detected again by the deployed rules (their detections replaced).
async function replay() {
  const from = document.getElementById("replay-from").value;
  const to = document.getElementById("replay-to").value || from;
  const out = document.getElementById("replay-result");
  try {
    const q = new URLSearchParams({ from, to, replace_detections: "1" });
    await api("/api/v1/replay?" + q.toString(), {
      method: "POST", token: document.getElementById("token").value });
    out.className = "";
    out.textContent = "replay of " + from + " .. " + to + " started";
    for (;;) {
      await new Promise(done => setTimeout(done, 500));
      const s = await api("/api/v1/replay");
      if (s.error) throw new Error(s.error);
      if (s.done) break;
    }
    out.textContent = "replay of " + from + " .. " + to + " done";
    const date = document.getElementById("date");
    if (date.value >= from && date.value <= to) showDetections(date.value);
  } catch (e) {
    out.className = "error";
    out.textContent = e.message;
  }
}

// ---- Table: a scan with the HBase shell's parameters and filter language.
async function scan() {
  const q = new URLSearchParams();
  for (const k of ["startrow", "stoprow", "limit", "columns", "filter"]) {
    const v = document.getElementById("scan-" + k).value;
    if (v !== "") q.set(k, v);
  }
  const name = document.getElementById("scan-table").value;
  const summary = document.getElementById("scan-summary");
  const tbody = document.querySelector("#scan-rows tbody");
  try {
    const r = await api("/api/v1/tables/" + encodeURIComponent(name) + "/scan?" + q.toString());
    summary.className = "";
    summary.textContent = r.rows.length + " row(s)" + (r.more ? ", more from " + r.next_startrow : "");
    const rows = [];
    for (const x of r.rows) {
      for (const c of x.cells) rows.push(row([x.row, c.column, num(c.timestamp), c.value]));
    }
    fill(tbody, rows);
  } catch (e) {
    summary.className = "error";
    summary.textContent = e.message;
    fill(tbody, []);
  }
}

// ---- Put: one cell, after the user confirms it.
function askPut() {
  const t = document.getElementById("scan-table").value;
  const r = document.getElementById("put-row").value;
  const c = document.getElementById("put-column").value;
  const v = document.getElementById("put-value").value;
  document.getElementById("put-question").textContent =
    "put '" + t + "', '" + r + "', '" + c + "', '" + v + "'?";
  document.getElementById("put-confirm").hidden = false;
}

async function put() {
  document.getElementById("put-confirm").hidden = true;
  const out = document.getElementById("put-result");
  const t = document.getElementById("scan-table").value;
  const r = document.getElementById("put-row").value;
  try {
    const q = new URLSearchParams({ column: document.getElementById("put-column").value });
    const row = await api("/api/v1/tables/" + encodeURIComponent(t) + "/rows/" + encodeURIComponent(r) + "?" + q, {
      method: "POST", body: document.getElementById("put-value").value,
      token: document.getElementById("token").value });
    out.className = "";
    out.textContent = "stored: " + row.cells.map(c => row.row + " " + c.column + " @" + c.timestamp + " = " + c.value).join("; ");
    scan();
  } catch (e) {
    out.className = "error";
    out.textContent = e.message;
  }
}

// ---- SQL: a statement's rows as a table, a chart (first column along x, the first numeric
// column up) and a CSV file.
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function chart(result, kind) {
  const plot = document.getElementById("sql-plot");
  plot.replaceChildren();
  const y = result.columns.findIndex((_, i) => i > 0 && result.rows.length > 0 &&
                                          result.rows.every(r => typeof r[i] === "number" || r[i] === null));
  if (kind === "none" || y < 0 || result.rows.length === 0) return;
  const W = 900, H = 260, L = 60, B = 40;
  const values = result.rows.map(r => r[y] ?? 0);
  const max = Math.max(...values, 0), min = Math.min(...values, 0);
  const span = max - min || 1;
  const n = result.rows.length, band = (W - L - 10) / n;
  // Bars sit in the middle of equal bands; a line's points run from edge to edge.
  const x = kind === "bar" || n === 1 ? i => L + band * (i + 0.5) : i => L + (W - L - 10) * i / (n - 1);
  const yy = v => H - B - (H - B - 10) * (v - min) / span;
  const g = svg("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" });
  g.appendChild(svg("title", {}, result.columns[y] + " by " + result.columns[0]));
  g.appendChild(svg("line", { x1: L, y1: yy(0), x2: W - 10, y2: yy(0), class: "axis" }));
  g.appendChild(svg("text", { x: 4, y: 14, class: "label" }, max));
  g.appendChild(svg("text", { x: 4, y: H - B, class: "label" }, min));
  const step = Math.max(1, Math.ceil(result.rows.length / 20));
  if (kind === "line") {
    g.appendChild(svg("polyline", { points: values.map((v, i) => x(i) + "," + yy(v)).join(" "), class: "series" }));
  } else {
    const w = Math.max(1, band * 0.8);
    values.forEach((v, i) => {
      const bar = svg("rect", { x: x(i) - w / 2, y: Math.min(yy(v), yy(0)), width: w,
                                height: Math.abs(yy(v) - yy(0)), class: "bar" });
      bar.appendChild(svg("title", {}, result.rows[i][0] + ": " + v));
      g.appendChild(bar);
    });
  }
  result.rows.forEach((r, i) => {
    if (i % step === 0) g.appendChild(svg("text", { x: x(i), y: H - B + 16, class: "label tick" }, r[0]));
  });
  plot.appendChild(g);
}

function csv(result) {
  const cell = v => {
    const s = v === null ? "" : String(v);
    return /[",\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
  };
  return [result.columns, ...result.rows].map(r => r.map(cell).join(",")).join("\n") + "\n";
}

let sqlUrl = null;
let lastSql = null;
async function runSql() {
  const summary = document.getElementById("sql-summary");
  const link = document.getElementById("sql-csv");
  try {
    const r = await api("/api/v1/sql", { method: "POST", body: document.getElementById("sql-text").value,
                                          token: document.getElementById("token").value });
    summary.className = "";
    summary.textContent = r.row_count + " row(s)" + (r.truncated ? " (the first " + r.rows.length + " shown)" : "");
    fill(document.querySelector("#sql-rows thead tr"), r.columns.map(c => el("th", c)));
    fill(document.querySelector("#sql-rows tbody"), r.rows.map(x => row(x.map(v =>
      typeof v === "number" ? num(v) : el("td", v === null ? "NULL" : v)))));
    chart(r, document.getElementById("sql-chart").value);
    if (sqlUrl) URL.revokeObjectURL(sqlUrl);
    sqlUrl = URL.createObjectURL(new Blob([csv(r)], { type: "text/csv" }));
    link.href = sqlUrl;
    link.hidden = false;
    lastSql = r;
  } catch (e) {
    summary.className = "error";
    summary.textContent = e.message;
    fill(document.querySelector("#sql-rows tbody"), []);
    document.getElementById("sql-plot").replaceChildren();
    link.hidden = true;
  }
}
// ---- Cluster: members, leader and partitions; dead-letter files and their last lines.
async function showCluster() {
  const summary = document.getElementById("cluster-summary");
  try {
    const c = await api("/api/v1/cluster");
    summary.className = "";
    summary.textContent = c.members.length + " member(s) on " + c.coordinator +
      (c.leader ? "; leader " + c.leader : "; no leader");
    fill(document.querySelector("#members tbody"), c.members.map(m => {
      const link = el("td");
      if (m.metrics_url) {
        const a = el("a", m.metrics_url);
        a.href = m.metrics_url + "/";
        link.appendChild(a);
      }
      return row([m.id, m.command, m.id === c.leader ? "yes" : "", (m.partitions || []).join(" "),
                  Object.entries(m.rules || {}).map(([k, v]) => k + " " + v).join(", "),
                  time(m.started_ms), link]);
    }));
  } catch (e) {
    summary.className = "error";
    summary.textContent = e.message;
  }
  try {
    const d = await api("/api/v1/deadletters");
    fill(document.querySelector("#dead-letters tbody"), d.files.map(f => {
      const b = el("button", "last lines");
      b.addEventListener("click", () => showDeadLetter(f.name));
      const cell = el("td");
      cell.appendChild(b);
      return row([f.name, num(f.lines), num(f.bytes), cell]);
    }));
  } catch (e) {
    fill(document.querySelector("#dead-letters tbody"), []);
  }
}

let deadUrl = null;
async function showDeadLetter(name) {
  const out = document.getElementById("dead-letter-lines");
  const link = document.getElementById("dead-letter-download");
  try {
    const d = await api("/api/v1/deadletters/" + encodeURIComponent(name) + "?tail=200");
    out.textContent = name + ": the last " + d.lines.length + " of " + d.total_lines + " line(s)\n" + d.lines.join("\n");
    if (deadUrl) URL.revokeObjectURL(deadUrl);
    deadUrl = URL.createObjectURL(new Blob([d.lines.join("\n") + "\n"], { type: "text/plain" }));
    link.href = deadUrl;
    link.download = name;
    link.hidden = false;
  } catch (e) {
    out.textContent = e.message;
    link.hidden = true;
  }
  out.hidden = false;
}

function start() {
  const params = new URLSearchParams(location.search);
  const date = document.getElementById("date");
  date.value = params.get("date") || new Date().toISOString().slice(0, 10).replaceAll("-", "");
  document.getElementById("detections-form").addEventListener("submit", ev => {
    ev.preventDefault();
    showDetections(date.value);
  });
  for (const k of ["startrow", "stoprow", "limit", "columns", "filter"]) {
    if (params.has(k)) document.getElementById("scan-" + k).value = params.get(k);
  }
  document.getElementById("scan-form").addEventListener("submit", ev => {
    ev.preventDefault();
    scan();
  });
  document.getElementById("rule-text").addEventListener("input", () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(checkRule, 300);
  });
  document.getElementById("deploy-form").addEventListener("submit", ev => {
    ev.preventDefault();
    deployRule();
  });
  document.getElementById("rule-name").addEventListener("change", showHistory);
  document.getElementById("backtest-from").value = date.value;
  document.getElementById("replay-from").value = date.value;
  document.getElementById("diff-editor").addEventListener("click", diffEditor);
  document.getElementById("backtest-form").addEventListener("submit", ev => {
    ev.preventDefault();
    backtest();
  });
  document.getElementById("replay-form").addEventListener("submit", ev => {
    ev.preventDefault();
    replay();
  });
  showRules();
  document.getElementById("put-form").addEventListener("submit", ev => {
    ev.preventDefault();
    askPut();
  });
  document.getElementById("put-yes").addEventListener("click", put);
  document.getElementById("put-no").addEventListener("click", () => {
    document.getElementById("put-confirm").hidden = true;
  });
  document.getElementById("sql-form").addEventListener("submit", ev => {
    ev.preventDefault();
    runSql();
  });
  document.getElementById("sql-preset").addEventListener("change", ev => {
    if (ev.target.value) document.getElementById("sql-text").value = ev.target.value;
  });
  document.getElementById("sql-chart").addEventListener("change", ev => {
    if (lastSql) chart(lastSql, ev.target.value);
  });
  showCluster();
  setInterval(showCluster, 5000);
  setInterval(() => { if (selectedComponent) showComponentHistory(selectedComponent); }, 5000);  // members come and go, rules change
  followOverview();
  showDetections(date.value);
  scan();
}

start();

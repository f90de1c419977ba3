// Shardgate dashboard: polls /api/cluster (the console's SHOW answers as JSON) and redraws.
// Plain JavaScript, no build step; every value shown comes from a SHOW an operator could run.
"use strict";

const POLL_MILLIS = 1500;
const PALETTE = ["#2f7de1", "#e8743b", "#19a979", "#945ecf", "#ed4a7b", "#13a4b4", "#bf8b0b", "#525df4", "#6c8893", "#d6bb00"];
const RATE_POINTS = 40;
const shardColours = new Map();
let previous = null;            // the last answer, for rates
const rateHistory = new Map();  // shard -> recent transactions per second

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "class") node.className = value;
    else if (name === "style") node.style.cssText = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(columns, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...columns.map(c => el("th", {}, c)))),
    el("tbody", {}, ...rows));
}

function colour(shard) {
  if (!shardColours.has(shard)) shardColours.set(shard, PALETTE[shardColours.size % PALETTE.length]);
  return shardColours.get(shard);
}

function replace(id, ...children) {
  document.getElementById(id).replaceChildren(...children);
}

function section(data, name) {
  return (data.sections && data.sections[name]) || null;
}

function drawDistributions(data) {
  const distributions = section(data, "distributions") || [];
  const ranges = section(data, "key_ranges") || [];
  // Colours follow SHOW shards' order, so a shard keeps its colour whatever ranges it holds.
  const shards = (section(data, "shards") || []).map(s => s.shard_id);
  shards.forEach(colour);
  const blocks = distributions.map(d => {
    const own = ranges.filter(r => r.distribution_id === d.distribution_id);
    const bar = own.length === 0
      ? el("div", { class: "muted" }, "no key ranges")
      : el("div", { class: "bar" }, ...own.map(r => el("div", {
          class: "range" + (r.locked === "true" ? " locked" : ""),
          "data-range": r.key_range_id, "data-shard": r.shard_id, "data-locked": r.locked,
          title: r.key_range_id + ": keys from " + r.lower_bound + " on " + r.shard_id + (r.locked === "true" ? " (locked)" : ""),
          style: "background:" + colour(r.shard_id)
        }, el("b", {}, r.key_range_id + (r.locked === "true" ? " (locked)" : "")), "≥ " + r.lower_bound + " → " + r.shard_id)));
    return el("div", { class: "distribution", "data-distribution": d.distribution_id },
      el("h3", {}, d.distribution_id, el("span", { class: "muted" }, "  (" + d.column_types + ")" +
        (d.default_shard ? ", default shard " + d.default_shard : ""))), bar);
  });
  replace("distributions", ...(blocks.length ? blocks : [el("div", { class: "muted" }, "no distributions")]));
  replace("legend", ...shards.map(s => el("span", { class: "legend-item" },
    el("span", { class: "swatch", style: "background:" + colour(s) }), s)));
}

// How far a move got through its key range, when the bounds are numbers: the moved part keeps the
// range's id on the destination; the rest follows it on the source (the current batch split off its
// low end), up to the next range on another shard. A range of the source shard that was already
// next to the moving one counts as rest too: the fraction is an estimate.
function keyFraction(task, ranges) {
  const moved = ranges.find(r => r.key_range_id === task.key_range_id);
  if (!moved) return null;
  if (moved.shard_id === task.source_shard_id) return 0;
  const own = ranges.filter(r => r.distribution_id === moved.distribution_id);
  const i = own.indexOf(moved);
  const rest = own[i + 1];
  let end = i + 1;
  while (end < own.length && own[end].shard_id === task.source_shard_id) end++;
  const after = own[end];
  if (!rest || rest.shard_id !== task.source_shard_id || !after) return null;
  const low = Number(moved.lower_bound), at = Number(rest.lower_bound), high = Number(after.lower_bound);
  if (![low, at, high].every(Number.isFinite) || high <= low) return null;
  return Math.min(1, Math.max(0, (at - low) / (high - low)));
}

function drawTasks(data) {
  const tasks = section(data, "task_group");
  if (tasks === null) {
    replace("tasks", el("div", { class: "muted" }, data.role === "coordinator"
      ? "task groups unavailable" : "task groups run on the coordinator: open its dashboard"));
    return;
  }
  const ranges = section(data, "key_ranges") || [];
  const blocks = tasks.map(t => {
    const fraction = keyFraction(t, ranges);
    const rate = rowRate(t);
    const fill = el("div", { class: "fill", style: "width:" + (fraction === null ? 30 : Math.round(fraction * 100)) + "%" });
    return el("div", { class: "task", "data-task-group": t.task_group_id, "data-state": t.state.toLowerCase(),
        "data-rows-moved": t.rows_moved, "data-progress": fraction === null ? "" : fraction.toFixed(3) },
      el("div", {}, el("b", {}, t.task_group_id), ": ", t.key_range_id, " ", t.source_shard_id, " → ",
        t.destination_shard_id, "  ", el("span", { class: "state-" + t.state.toLowerCase() }, t.state.toLowerCase())),
      el("div", { class: "progress" + (fraction === null ? " indeterminate" : "") }, fill),
      el("div", { class: "muted" }, t.rows_moved + " rows moved in " + t.batches_done + " batches of " + t.batch_size +
        (fraction === null ? "" : ", " + Math.round(fraction * 100) + "% of the key range") +
        ", batch " + t.current_batch + " at " + t.current_step +
        (rate === null ? "" : ", " + rate.toFixed(0) + " rows/s") +
        (t.last_batch_lock_ms ? ", last batch locked " + t.last_batch_lock_ms + " ms" : "")),
      t.error ? el("div", { class: "error" }, t.error) : null);
  });
  replace("tasks", ...(blocks.length ? blocks : [el("div", { class: "muted" }, "none")]));
}

function rowRate(task) {
  const before = previous && (section(previous, "task_group") || []).find(p => p.task_group_id === task.task_group_id);
  if (!before || !current) return null;
  const seconds = (current.generated_at_ms - previous.generated_at_ms) / 1000;
  return seconds > 0 ? (Number(task.rows_moved) - Number(before.rows_moved)) / seconds : null;
}

function drawShards(data) {
  const shards = section(data, "shards") || [];
  const hosts = section(data, "hosts");
  const rows = [];
  for (const s of shards) {
    const checked = hosts === null ? [] : hosts.filter(h => h.shard === s.shard_id);
    const listed = checked.length ? checked : s.hosts.split(", ").map(h => ({ host: h }));
    listed.forEach((h, i) => rows.push(el("tr", { "data-shard": s.shard_id, "data-host": h.host, "data-state": h.state || "" },
      el("td", {}, i === 0 ? el("span", {}, el("span", { class: "swatch", style: "background:" + colour(s.shard_id) }), s.shard_id) : ""),
      el("td", {}, h.host), el("td", {}, h.role || ""),
      el("td", { class: "state-" + (h.state || "") }, h.state || (hosts === null ? "not checked" : "")),
      el("td", {}, h.lag_bytes ? h.lag_bytes + " B / " + h.lag_seconds + " s" : ""),
      el("td", {}, h.connections || ""),
      el("td", { class: "muted" }, h.last_error || ""))));
  }
  replace("shards", shards.length ? table(["shard", "host", "role", "state", "lag", "connections", "last error"], rows)
    : el("div", { class: "muted" }, "no shards"));
}

function shardTotals(data) {
  const totals = new Map();
  for (const s of section(data, "stats") || []) {
    const shard = s.shard || "(" + s.route.replace("_", "-") + ")";
    totals.set(shard, (totals.get(shard) || 0) + Number(s.total_xact_count));
  }
  return totals;
}

function sparkline(points) {
  const max = Math.max(1, ...points);
  const width = 160, height = 24;
  const coordinates = points.map((p, i) => (i * width / (RATE_POINTS - 1)).toFixed(1) + "," + (height - p / max * height).toFixed(1));
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", coordinates.join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#2f7de1");
  svg.append(line);
  return svg;
}

function drawRates(data) {
  if (section(data, "stats") === null) {
    replace("rates", el("div", { class: "muted" }, data.role === "coordinator"
      ? "Routers do not report statistics to the coordinator: open a router's dashboard (its http_port) for "
        + "transaction rates. Rows moved per second of each task group are shown above."
      : "statistics unavailable"));
    return;
  }
  const totals = shardTotals(data);
  const before = previous ? shardTotals(previous) : new Map();
  const seconds = previous ? (data.generated_at_ms - previous.generated_at_ms) / 1000 : 0;
  const rows = [];
  for (const [shard, total] of [...totals.entries()].sort()) {
    const rate = seconds > 0 && before.has(shard) ? Math.max(0, (total - before.get(shard)) / seconds) : 0;
    const history = rateHistory.get(shard) || [];
    if (seconds > 0) history.push(rate);
    while (history.length > RATE_POINTS) history.shift();
    rateHistory.set(shard, history);
    const last = history.length ? history[history.length - 1] : 0;
    rows.push(el("tr", { "data-rate-shard": shard, "data-tps": last.toFixed(1) }, el("td", {}, shard),
      el("td", {}, last.toFixed(1)), el("td", {}, total), el("td", {}, sparkline(history))));
  }
  replace("rates", rows.length ? table(["shard", "tx/s", "total", "last minute"], rows)
    : el("div", { class: "muted" }, "no transactions yet"));
}

function drawRouters(data) {
  const routers = section(data, "routers");
  if (routers === null) {
    const status = (section(data, "status") || [])[0];
    replace("routers", el("div", {}, "this router" + (status ? ": " + status.status : "") +
      "; the coordinator's dashboard lists every router with its metadata version"));
    return;
  }
  const version = r => { const m = /version (\d+)/.exec(r.status); return m ? Number(m[1]) : null; };
  const newest = Math.max(-1, ...routers.map(version).filter(v => v !== null));
  replace("routers", routers.length ? table(["router", "address", "status", "metadata version"], routers.map(r => {
    const v = version(r);
    const state = r.status.startsWith("down") ? "down" : v !== null && v < newest ? "behind" : "up";
    return el("tr", { "data-router": r.router_id, "data-version": v === null ? "" : v },
      el("td", {}, r.router_id), el("td", {}, r.address), el("td", { class: "state-" + state }, r.status),
      el("td", {}, v === null ? "?" : v + (v < newest ? " (behind " + newest + ")" : "")));
  })) : el("div", { class: "muted" }, "no routers registered"));
}

let current = null;

function draw(data) {
  current = data;
  document.getElementById("role").textContent = data.role;
  const version = (section(data, "version") || [])[0];
  document.getElementById("meta").textContent = (version ? "version " + version.version + " · " : "")
    + "updated " + new Date(data.generated_at_ms).toLocaleTimeString();
  drawDistributions(data);
  drawTasks(data);
  drawShards(data);
  drawRates(data);
  drawRouters(data);
  replace("problems", ...Object.entries(data.errors || {}).map(([show, message]) =>
    el("div", { "data-error": show }, "SHOW " + show + ": " + message)));
  document.body.dataset.loaded = "true";
  previous = data;
}

async function poll() {
  try {
    const response = await fetch("../api/cluster", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status + ": " + (await response.text()));
    draw(await response.json());
  } catch (e) {
    document.getElementById("meta").textContent = "cannot reach /api/cluster: " + e.message + " (retrying)";
  }
  setTimeout(poll, POLL_MILLIS);
}

poll();

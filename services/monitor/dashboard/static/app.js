// SUM monitor dashboard: polls the monitor's JSON APIs and draws with plain DOM and inline SVG.
// Every value from the APIs goes through textContent or setAttribute, never innerHTML: span
// names and attributes come from any OTLP sender and must not become markup.
"use strict";

const REFRESH_MS = 5000;
const LATENCY_SAMPLES = 60;
const SVG_NS = "http://www.w3.org/2000/svg";
const COLORS = { p50: "#2e9d5b", p95: "#d98a00", p99: "#cf3434", pending: "#2f6fde", ack: "#d98a00" };

const state = { latency: [], selectedTrace: null, documentFilter: "" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    // Through the CSSOM: the Content-Security-Policy blocks inline style attributes.
    else if (key === "style") Object.assign(node.style, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function fetchJson(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : null;
  } catch (error) {
    return null;
  }
}

function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function formatTime(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleTimeString();
}

function renderCounts(pipeline) {
  const docs = (pipeline && pipeline.documents) || {};
  const tiles = [
    ["Received", docs.received], ["Ingested", docs.ingested], ["Processed", docs.processed],
    ["Failed", docs.failed, docs.failed > 0], ["Dead letters", pipeline && pipeline.dead_letters,
      pipeline && pipeline.dead_letters > 0],
  ];
  document.getElementById("counts").replaceChildren(...tiles.map(([label, value, bad]) =>
    el("div", { class: bad ? "tile bad" : "tile" },
      el("div", { class: "muted", text: label }),
      el("div", { class: "value", text: value === undefined || value === null ? "–" : String(value) }))));
}

function axes(chart, width, height, pad, maxValue, unit) {
  chart.append(svg("line", { class: "axis", x1: pad, y1: height - 20, x2: width, y2: height - 20 }));
  chart.append(svg("line", { class: "axis", x1: pad, y1: 8, x2: width, y2: 8 }));
  const top = `${maxValue.toFixed(maxValue < 10 ? 1 : 0)}${unit}`;
  chart.append(svg("text", { class: "y-label", x: pad - 6, y: 12 }, top));
  chart.append(svg("text", { class: "y-label", x: pad - 6, y: height - 20 }, `0${unit}`));
}

function polyline(values, maxValue, width, height, pad, color) {
  const step = values.length > 1 ? (width - pad) / (values.length - 1) : 0;
  const points = values.map((value, index) =>
    `${(pad + index * step).toFixed(1)},${(height - 20 - (value / maxValue) * (height - 30)).toFixed(1)}`);
  return svg("polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": 2 });
}

function renderThroughput(values) {
  const chart = document.getElementById("throughput-chart");
  const [width, height, pad] = [400, 200, 56];
  chart.replaceChildren();
  const maxValue = Math.max(1, ...values);
  axes(chart, width, height, pad, maxValue, "/min");
  const barWidth = values.length ? (width - pad) / values.length : 0;
  values.forEach((value, index) => {
    const barHeight = (value / maxValue) * (height - 30);
    chart.append(svg("rect", {
      class: "throughput-bar", x: (pad + index * barWidth + 1).toFixed(1), y: (height - 20 - barHeight).toFixed(1),
      width: Math.max(1, barWidth - 2).toFixed(1), height: barHeight.toFixed(1), fill: COLORS.pending,
    }, undefined));
  });
  if (!values.length) chart.append(svg("text", { x: pad + 10, y: 100 }, "no data yet"));
}

function renderLatency(latency) {
  if (latency) {
    state.latency.push(latency);
    if (state.latency.length > LATENCY_SAMPLES) state.latency.shift();
  }
  const chart = document.getElementById("latency-chart");
  const [width, height, pad] = [400, 200, 56];
  chart.replaceChildren();
  const maxValue = Math.max(1, ...state.latency.map((sample) => sample.p99 || 0));
  axes(chart, width, height, pad, maxValue, "ms");
  const legend = document.getElementById("latency-legend");
  legend.replaceChildren();
  for (const key of ["p50", "p95", "p99"]) {
    const series = state.latency.map((sample) => sample[key] || 0);
    chart.append(polyline(series, maxValue, width, height, pad, COLORS[key]));
    const last = series.length ? formatMs(series[series.length - 1]) : "–";
    legend.append(el("span", {}, el("i", { style: { background: COLORS[key] } }), `${key} ${last}`));
  }
}

function renderBacklog(consumers) {
  const chart = document.getElementById("backlog-chart");
  const rowHeight = 28;
  const height = Math.max(1, consumers.length) * rowHeight + 8;
  chart.setAttribute("viewBox", `0 0 1200 ${height}`);
  chart.replaceChildren();
  if (!consumers.length) {
    chart.append(svg("text", { x: 10, y: 22 }, "no consumers reported"));
    return;
  }
  const maxValue = Math.max(1, ...consumers.map((c) => c.pending + c.ack_pending));
  const [labelWidth, barSpace] = [300, 560];
  consumers.forEach((consumer, index) => {
    const y = 4 + index * rowHeight;
    const pendingWidth = (consumer.pending / maxValue) * barSpace;
    const ackWidth = (consumer.ack_pending / maxValue) * barSpace;
    chart.append(svg("text", { x: 4, y: y + 17, class: "backlog-label" }, `${consumer.stream} / ${consumer.consumer}`));
    chart.append(svg("rect", { x: labelWidth, y, width: pendingWidth.toFixed(1), height: 20, fill: COLORS.pending }));
    chart.append(svg("rect", { x: (labelWidth + pendingWidth).toFixed(1), y, width: ackWidth.toFixed(1), height: 20, fill: COLORS.ack }));
    chart.append(svg("text", { x: labelWidth + barSpace + 16, y: y + 17 },
      `pending ${consumer.pending} · ack pending ${consumer.ack_pending} · redelivered ${consumer.redelivered}`));
  });
}

function renderAlerts(view) {
  const list = document.getElementById("alerts");
  if (!view) {
    list.replaceChildren(el("li", { text: "alerts unavailable" }));
    return;
  }
  const items = [...view.firing, ...view.resolved].map((alert) =>
    el("li", { class: `alert ${alert.status} ${alert.severity}`, "data-alert": alert.alert },
      el("span", { class: "name", text: alert.alert }),
      el("span", { text: `${alert.summary} — ${alert.status} since ${formatTime(alert.since)}` })));
  list.replaceChildren(...(items.length ? items : [el("li", { class: "none", text: "no alerts" })]));
}

function renderTraces(traces) {
  const body = document.querySelector("#traces tbody");
  if (!traces) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 6, text: "traces unavailable" })));
    return;
  }
  body.replaceChildren(...traces.map((trace) => {
    const row = el("tr", { class: "trace-row", "data-trace-id": trace.trace_id },
      el("td", { text: `${trace.root_service}: ${trace.root_span_name}` }),
      el("td", { text: trace.services.join(", ") }),
      el("td", { text: formatMs(trace.duration_ms) }),
      el("td", { text: String(trace.span_count) }),
      el("td", { class: trace.error_count ? "errors" : "", text: String(trace.error_count) }),
      el("td", { text: formatTime(trace.start_unix_nano / 1e9) }));
    if (trace.trace_id === state.selectedTrace) row.classList.add("selected");
    row.addEventListener("click", () => selectTrace(trace.trace_id));
    return row;
  }));
  if (!traces.length) body.append(el("tr", {}, el("td", { colspan: 6, text: "no traces yet" })));
  else if (!traces.some((trace) => trace.trace_id === state.selectedTrace)) selectTrace(traces[0].trace_id);
}

function flatten(nodes, depth, rows) {
  for (const node of nodes) {
    rows.push([node, depth]);
    flatten(node.children, depth + 1, rows);
  }
  return rows;
}

function renderWaterfall(view) {
  const container = document.getElementById("waterfall");
  const title = document.getElementById("waterfall-title");
  if (!view) {
    container.replaceChildren(el("div", { class: "muted", text: "trace no longer available" }));
    return;
  }
  const total = Math.max(view.summary.duration_ms, 0.001);
  title.textContent = `Span waterfall — trace ${view.summary.trace_id} (${formatMs(view.summary.duration_ms)})`;
  container.replaceChildren(...flatten(view.roots, 0, []).map(([span, depth]) => {
    const left = (span.offset_ms / total) * 100;
    const width = Math.max((span.duration_ms / total) * 100, 0.3);
    const label = el("div", { class: "wf-label", style: { paddingLeft: `${depth * 14}px` } },
      el("span", { class: "wf-service", text: span.service_name }), span.name);
    if (span.links.length) label.append(el("span", { class: "wf-links", text: `(${span.links.length} link)` }));
    const bar = el("div", { class: "wf-bar",
      style: { left: `${left.toFixed(2)}%`, width: `${Math.min(width, 100 - left).toFixed(2)}%` } });
    const errorClass = span.status_code === "STATUS_CODE_ERROR" ? " error" : "";
    return el("div", { class: `wf-row${errorClass}`, "data-span-id": span.span_id,
      title: `${span.kind} ${span.status_code} ${span.status_message}` },
    label, el("div", { class: "wf-track" }, bar), el("div", { class: "wf-duration", text: formatMs(span.duration_ms) }));
  }));
}

async function selectTrace(traceId) {
  state.selectedTrace = traceId;
  for (const row of document.querySelectorAll("#traces tbody tr")) {
    row.classList.toggle("selected", row.dataset.traceId === traceId);
  }
  renderWaterfall(await fetchJson(`/api/traces/${encodeURIComponent(traceId)}`));
}

async function refresh() {
  const tracesUrl = state.documentFilter
    ? `/api/traces?document_id=${encodeURIComponent(state.documentFilter)}` : "/api/traces?limit=25";
  const [pipeline, alerts, traces] = await Promise.all(
    [fetchJson("/api/pipeline"), fetchJson("/api/alerts"), fetchJson(tracesUrl)]);
  renderCounts(pipeline);
  renderThroughput((pipeline && pipeline.throughput_per_min) || []);
  renderLatency(pipeline && pipeline.latency_ms);
  renderBacklog((pipeline && pipeline.consumers) || []);
  renderAlerts(alerts);
  renderTraces(traces && traces.traces);
  document.getElementById("status").textContent =
    `updated ${new Date().toLocaleTimeString()}${pipeline ? "" : " · pipeline data unavailable"}`;
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("document-search").addEventListener("submit", (event) => {
    event.preventDefault();
    state.documentFilter = document.getElementById("document-id").value.trim();
    refresh();
  });
  document.getElementById("show-recent").addEventListener("click", () => {
    state.documentFilter = "";
    document.getElementById("document-id").value = "";
    refresh();
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
});

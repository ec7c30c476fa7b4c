// fusionline dashboard: polls /api/state once a second and draws a tile per source.
"use strict";

const token = window.FUSIONLINE_TOKEN;
const headers = { "X-Fusionline-Token": token };
const images = new Map(); // "source/sequence" -> HTMLImageElement (loaded or loading)

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function frameImage(source, sequence, onload) {
  const key = source + "/" + sequence;
  let img = images.get(key);
  if (!img) {
    img = new Image();
    img.onload = onload;
    img.src = "api/frame?source=" + encodeURIComponent(source) + "&sequence=" + sequence +
      "&token=" + encodeURIComponent(token);
    images.set(key, img);
    if (images.size > 200) images.delete(images.keys().next().value);
  }
  return img;
}

// The frame (when held) with the attention heat map over it: one cell per patch, red by weight.
function drawHeat(canvas, source, decision, frameAvailable) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  ctx.fillStyle = "#0c0f12";
  ctx.fillRect(0, 0, w, h);
  const v = decision.vision;
  if (!v) { canvas.dataset.heatCells = "0"; return; }
  if (frameAvailable) {
    const img = frameImage(source, v.frameSequence, () => drawHeat(canvas, source, decision, true));
    if (img.complete && img.naturalWidth > 0) ctx.drawImage(img, 0, 0, w, h);
  }
  const gw = v.gridWidth, gh = v.gridHeight;
  let cells = 0;
  if (gw > 0 && gh > 0 && v.heat.length === gw * gh) {
    const cw = w / gw, ch = h / gh;
    v.heat.forEach((heat, i) => {
      if (heat <= 0) return;
      ctx.fillStyle = "rgba(255, 64, 0, " + (0.6 * heat).toFixed(3) + ")";
      ctx.fillRect((i % gw) * cw, Math.floor(i / gw) * ch, cw, ch);
      cells++;
    });
    ctx.strokeStyle = "#ffd43b";
    ctx.lineWidth = 2;
    for (const p of v.patches) ctx.strokeRect((p % gw) * cw + 1, Math.floor(p / gw) * ch + 1, cw - 2, ch - 2);
  }
  canvas.dataset.heatCells = String(cells);
  canvas.dataset.frameSequence = String(v.frameSequence);
}

function transcriptLine(text, words) {
  const attended = new Set(words.map(w => w.word.toLowerCase()));
  const line = el("div", { class: "transcript" });
  for (const token of (text || "").split(/(\s+)/)) {
    const bare = token.toLowerCase().replace(/[^a-z0-9'-]/g, "");
    line.append(attended.has(bare) && bare ? el("mark", {}, token) : document.createTextNode(token));
  }
  return line;
}

// A number as text: NaN and ±Infinity (JSON carries them as strings) are shown as they are.
function num(v, digits) {
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n.toFixed(digits) : String(v);
}

// A width in pixels for a weight in [0, 1]; anything else draws nothing.
function bar(weight) {
  const n = Number(weight);
  return Number.isFinite(n) ? Math.max(0, Math.min(160, Math.round(n * 160))) + "px" : "0px";
}

function tile(t) {
  const d = t.decision;
  const stop = d.action === "STOP_LINE" || d.action === "BLOCK";
  const canvas = el("canvas", { width: 256, height: 256 });
  const card = el("div", { class: "tile" + (stop ? " stop" : ""), "data-decision-id": d.id, "data-source": t.source },
    el("h3", {}, el("span", {}, t.source), el("span", { class: "label" }, d.label + " " + num(d.score, 2))),
    canvas);
  for (const [modality, weight] of Object.entries(d.alpha)) {
    card.append(el("div", { class: "alpha" }, el("span", {}, modality),
      el("div", { style: "" }), num(Number(weight) * 100, 0) + "%"));
    card.lastChild.children[1].style.width = bar(weight);
  }
  if (t.transcript) card.append(transcriptLine(t.transcript, d.words));
  if (d.words.length) {
    card.append(el("div", { class: "meta" }, "attended words: " +
      d.words.map(w => w.word + " (" + w.modality + ")").join(", ")));
  }
  card.append(el("div", { class: "meta" }, d.action + " · " + d.route + " · " + d.id));
  drawHeat(canvas, t.source, d, t.frameAvailable);
  return card;
}

function spark(svg, values, label) {
  const nums = values.map(v => (v == null ? null : Number(v)));
  const max = Math.max(1, ...nums.filter(v => v != null));
  const w = Number(svg.getAttribute("width")), h = Number(svg.getAttribute("height"));
  const points = nums.map((v, i) => v == null ? null :
    (i * w / (nums.length - 1)).toFixed(1) + "," + (h - 2 - (v / max) * (h - 4)).toFixed(1)).filter(Boolean);
  svg.innerHTML = '<polyline fill="none" stroke="#4dabf7" stroke-width="1.5" points="' + points.join(" ") + '"/>';
  const last = [...nums].reverse().find(v => v != null);
  document.getElementById(label).textContent = last == null ? "–" : Math.round(last);
}

async function refresh() {
  try {
    const response = await fetch("api/state", { headers, cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const state = await response.json();
    const tiles = document.getElementById("tiles");
    tiles.replaceChildren(...state.sources.map(tile));
    document.getElementById("alerts").replaceChildren(...state.alerts.map(a =>
      el("li", { "data-decision-id": a.id, class: a.provisional ? "provisional" : "" },
        a.source + ": " + a.label + " " + num(a.score, 2) + " — " + a.action + (a.provisional ? " (provisional)" : ""),
        el("div", { class: "meta" }, a.eventTime))));
    spark(document.getElementById("throughput"), state.decisionsPerSecond, "throughput-now");
    spark(document.getElementById("latency"), state.p99LatencyMillis, "latency-now");
    document.getElementById("status").textContent =
      state.decisions + " decisions · updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("status").textContent = "disconnected (" + e.message + ")";
  }
}

refresh();
setInterval(refresh, 1000);

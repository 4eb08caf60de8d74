// The engine page: reads a workspace (and a patch) chosen or dropped by the user, and runs the
// HistFactory commands in a Web Worker (engine-worker.bundle.js, built from src/web). Plain
// browser JavaScript, no build step; results are the CLI's --json records.
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const num = (x) => (x === null || x === undefined ? "–" : typeof x !== "number" ? esc(x) : !Number.isFinite(x) ? String(x) : x === 0 ? "0" : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(5) : String(Number(x.toPrecision(7))));

let worker = null;
let nextId = 1;
const pending = new Map();
let loaded = null; // { workspace: {name,text}, patch?: {name,text,patchName?} }
let last = null;

function startWorker() {
  worker = new Worker("engine-worker.bundle.js", { type: "module" });
  worker.onmessage = (e) => { const p = pending.get(e.data.id); if (p) { pending.delete(e.data.id); p(e.data); } };
  worker.onerror = (e) => { for (const p of pending.values()) p({ ok: false, error: `searchlight: internal error: ${e.message}` }); pending.clear(); };
}
function call(req) {
  return new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); worker.postMessage({ ...req, id }); });
}

async function readFile(input) {
  const f = input.files[0];
  return f ? { name: f.name, text: await f.text() } : null;
}

function busy(on, what = "") {
  $("progress").hidden = !on;
  $("cancel").hidden = !on;
  for (const b of document.querySelectorAll("[data-run], #load")) b.disabled = on || (b.dataset.run !== undefined && !loaded);
  if (on) {
    const t0 = performance.now();
    const tick = () => { if (!$("progress").hidden) { $("status").textContent = `${what}… ${((performance.now() - t0) / 1000).toFixed(1)} s`; setTimeout(tick, 100); } };
    tick();
  }
}

function showError(msg) { $("error").textContent = msg ?? ""; }

// A patchset offers its patch names; a bare JSON Patch needs no choice.
$("patch-file").addEventListener("change", async () => {
  $("patch-pick").hidden = true;
  document.body.dataset.patch = "reading";
  const patch = await readFile($("patch-file"));
  const r = patch ? await call({ kind: "patches", patch }) : null;
  document.body.dataset.patch = "ready";
  if (!r) return;
  if (!r.ok) return showError(r.error);
  showError("");
  if (r.result.names) {
    $("patch-name").innerHTML = r.result.names.map((n) => `<option>${esc(n)}</option>`).join("");
    $("patch-pick").hidden = false;
  }
});

async function load() {
  showError("");
  const workspace = await readFile($("ws-file"));
  if (!workspace) return showError("searchlight: choose a workspace file first");
  const patch = await readFile($("patch-file"));
  if (patch && !$("patch-pick").hidden) patch.patchName = $("patch-name").value;
  busy(true, "loading");
  const r = await call({ kind: "load", workspace, patch: patch ?? undefined });
  busy(false);
  if (!r.ok) { loaded = null; busy(false); $("status").textContent = ""; return showError(r.error); }
  loaded = { workspace, patch };
  const s = r.result.summary;
  $("status").textContent = `loaded ${workspace.name}${r.result.patch ? ` patched by ${r.result.patch}` : ""}: ${s.channels.length} channels, ${s.n_bins} bins, ${s.n_parameters} parameters, POI ${s.poi ?? "(none)"}`;
  busy(false);
  show("inspect", s);
}
$("load").addEventListener("click", load);

async function run(what) {
  showError("");
  const req = { kind: "run", what, testStat: $("test-stat").value, poi: Number($("poi").value), cl: Number($("cl").value) };
  if (what === "cls" && !Number.isFinite(req.poi)) return showError("searchlight: POI value: not a number");
  if (what === "upper-limit" && !(req.cl > 0 && req.cl < 1)) return showError("searchlight: confidence level: must lie in (0, 1), e.g. 0.95");
  busy(true, what);
  const r = await call(req);
  busy(false);
  if (!r.ok) { $("status").textContent = ""; return showError(r.error); }
  $("status").textContent = `${what}: done in ${(r.ms / 1000).toFixed(3)} s`;
  show(what, r.result);
  if (what === "upper-limit") {
    // The CLs figure needs ~40 more hypotests: asked for once the limits are on the page.
    const f = await call({ kind: "run", what: "limit-figure" });
    if (f.ok && f.figure) await drawFigure($("cls-figure"), f.figure);
  }
}
for (const b of document.querySelectorAll("[data-run]")) b.addEventListener("click", () => run(b.dataset.run));

// Cancel: stop the worker and start a fresh one with the same input loaded again.
$("cancel").addEventListener("click", async () => {
  worker.terminate();
  for (const p of pending.values()) p({ ok: false, error: "cancelled" });
  pending.clear();
  startWorker();
  busy(false);
  $("status").textContent = "cancelled";
  if (loaded) await call({ kind: "load", ...loaded });
});

function table(head, rows, cls = "") {
  return `<table class="${cls}"><thead><tr>${head.map((h, i) => `<th${i === 0 ? ' class="name"' : ""}>${esc(h)}</th>`).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<td class="name">${esc(c)}</td>` : `<td>${c}</td>`)).join("")}</tr>`).join("") + "</tbody></table>";
}

const BANDS = ["−2σ", "−1σ", "median", "+1σ", "+2σ"];
function show(what, r) {
  last = { what, result: r };
  let html = "";
  if (what === "inspect") {
    html = table(["channel", "bins"], r.channels.map((c) => [c.name, c.bins])) + "<br>" +
      table(["modifier type", "parameter sets"], Object.entries(r.modifier_types).map(([k, v]) => [k, v]));
  } else if (what === "fit") {
    html = `<p>2 NLL = <span id="twice-nll">${num(r.twice_nll)}</span>, converged: ${r.converged} (${esc(r.message)})</p>` +
      table(["parameter", "best fit", "uncertainty"], Object.keys(r.bestfit).map((k) => [k + (k === r.poi ? " (POI)" : ""), num(r.bestfit[k]), num(r.uncertainties[k])]), "fit");
  } else if (what === "cls") {
    html = table(["", "CLs"], [["observed", `<span id="cls-obs">${num(r.cls_obs)}</span>`], ...r.cls_exp.map((x, i) => [`expected ${BANDS[i]}`, num(x)])]);
  } else if (what === "upper-limit") {
    html = `<p>${num(r.cl * 100)}% CL upper limit on ${esc(r.poi)} (${esc(r.test_stat)})</p>` +
      table(["", "limit"], [["observed", `<span id="limit-obs" data-value="${r.obs}">${num(r.obs)}</span>`],
        ...r.exp.map((x, i) => [`expected ${BANDS[i]}`, `<span class="limit-exp" data-value="${x}">${num(x)}</span>`])]) +
      `<figure id="cls-figure" aria-label="CLs versus ${esc(r.poi)}"></figure>`;
  } else if (what === "significance") {
    html = table(["", "p0", "Z"], [["observed", num(r.p0_obs), num(r.z_obs)], ["expected (POI = 1)", num(r.p0_exp), num(r.z_exp)]]);
  }
  $("result").innerHTML = html + `<details><summary>JSON (as the CLI prints with --json)</summary><pre id="json">${esc(JSON.stringify(r, null, 2))}</pre></details>`;
  $("download").hidden = false;
}

// Figures: the Vega-Lite spec the CLI renders (built in the worker by the same function),
// rendered here by vega (charts.bundle.js, loaded on the first figure), with SVG/PNG downloads.
async function drawFigure(el, spec) {
  const { renderSvg } = await import("./charts.bundle.js");
  const svg = await renderSvg(spec);
  el.innerHTML = svg + `<figcaption><button type="button" class="dl-svg">SVG</button> <button type="button" class="dl-png">PNG</button></figcaption>`;
  el.querySelector(".dl-svg").onclick = () => download(new Blob([svg], { type: "image/svg+xml" }), "figure.svg");
  el.querySelector(".dl-png").onclick = () => svgToPng(svg).then((b) => download(b, "figure.png"));
}
function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
}
function svgToPng(svg, scale = 2) {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = img.width * scale; c.height = img.height * scale;
      const g = c.getContext("2d"); g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height); g.drawImage(img, 0, 0, c.width, c.height);
      c.toBlob(resolve, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  });
}

$("download").addEventListener("click", () => {
  if (!last) return;
  download(new Blob([JSON.stringify(last.result, null, 2) + "\n"], { type: "application/json" }), `${last.what}.json`);
});

// Drag and drop onto the two drop zones fills their file inputs.
for (const [zone, input] of [["ws-drop", "ws-file"], ["patch-drop", "patch-file"]]) {
  const z = $(zone);
  z.addEventListener("dragover", (e) => { e.preventDefault(); z.classList.add("over"); });
  z.addEventListener("dragleave", () => z.classList.remove("over"));
  z.addEventListener("drop", (e) => {
    e.preventDefault();
    z.classList.remove("over");
    $(input).files = e.dataTransfer.files;
    $(input).dispatchEvent(new Event("change"));
  });
}

startWorker();
busy(false);

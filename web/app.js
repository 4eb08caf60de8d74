// Results browser (`searchlight serve DIR`): recognises the outputs in the served folder (bump
// scans, with bands and per-mass folders; any CSV, JSON or figure) and shows them: interactive
// charts built with the same chart builders and HEP style as the static figures (charts.bundle.js,
// from src/plot), sortable and filterable tables, and each mass point's panel. Plain browser
// JavaScript, no build step.
const $ = (id) => document.getElementById(id);
const list = $("files");
const view = $("view");
const filter = $("filter");
const views = $("views");
let files = [];
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const fileUrl = (path) => `/files/${path.split("/").map(encodeURIComponent).join("/")}`;
const fetchText = async (path) => (await fetch(fileUrl(path))).text();
let charts = null; // charts.bundle.js, loaded on the first chart
const chartLib = async () => (charts ??= await import("./charts.bundle.js"));

// --- CSV ---------------------------------------------------------------------------------------
// Tables are read with the CLI's own reader (src/io/csv.ts, in charts.bundle.js): RFC 4180
// quoting, `nan`/`inf`/`-inf` as numbers, empty as missing; a malformed file is its one-line error.
/** The header and the records of a CSV file: numeric cells become numbers. */
async function readTable(path) {
  const [{ parseCsv, cellNum }, text] = await Promise.all([chartLib(), fetchText(path)]);
  const { columns, rows } = parseCsv(text, path);
  const value = (c) => { const x = cellNum(c); return Number.isNaN(x) && !/^(nan)?$/i.test(c ?? "") ? c : x; };
  return { columns, records: rows.map((r) => Object.fromEntries(columns.map((h) => [h, value(r[h])]))) };
}
function fmt(cell) {
  const x = typeof cell === "number" ? cell : Number(cell);
  if (cell === "" || cell === null || cell === undefined) return "";
  if (typeof cell === "string" && (cell === "" || !Number.isFinite(x))) return esc(cell);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(4) : String(Number(x.toPrecision(6)));
}

/** A sortable (click a header), filterable table of records. */
function tableEl(head, rows, { onRow, errorCol = "error", id } = {}) {
  const wrap = document.createElement("div");
  wrap.innerHTML = `<input type="search" placeholder="filter rows…" aria-label="filter rows" class="rowfilter"> <span class="meta"></span><div class="scroll"><table${id ? ` id="${id}"` : ""}><thead><tr>${head.map((h) => `<th tabindex="0" data-col="${esc(h)}">${esc(h)}</th>`).join("")}</tr></thead><tbody></tbody></table></div>`;
  const tbody = wrap.querySelector("tbody");
  let order = rows.map((_, i) => i), sortCol = null, dir = 1;
  const render = () => {
    const f = wrap.querySelector(".rowfilter").value.toLowerCase();
    const shown = order.filter((i) => !f || head.some((h) => String(rows[i][h] ?? "").toLowerCase().includes(f)));
    wrap.querySelector(".meta").textContent = `${shown.length} of ${rows.length} rows`;
    tbody.innerHTML = shown.map((i) => `<tr data-i="${i}"${onRow ? ' tabindex="0" class="clickable"' : ""}${rows[i][errorCol] ? ' data-failed="1"' : ""}>${head.map((h) => `<td${h === errorCol && rows[i][h] ? ' class="err"' : ""}>${fmt(rows[i][h])}</td>`).join("")}</tr>`).join("");
  };
  const sortBy = (col) => {
    dir = sortCol === col ? -dir : 1;
    sortCol = col;
    const key = (i) => rows[i][col];
    order.sort((a, b) => {
      const x = key(a), y = key(b);
      return (typeof x === "number" && typeof y === "number" ? (Number.isNaN(x) ? 1 : Number.isNaN(y) ? -1 : x - y) : String(x).localeCompare(String(y))) * dir;
    });
    render();
  };
  wrap.querySelector("thead").addEventListener("click", (e) => { const th = e.target.closest("th"); if (th) sortBy(th.dataset.col); });
  wrap.querySelector("thead").addEventListener("keydown", (e) => { const th = e.target.closest("th"); if (th && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); sortBy(th.dataset.col); } });
  wrap.querySelector(".rowfilter").addEventListener("input", render);
  if (onRow) {
    const pick = (e) => { const tr = e.target.closest("tr[data-i]"); if (tr) onRow(rows[Number(tr.dataset.i)]); };
    tbody.addEventListener("click", pick);
    tbody.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(e); });
  }
  render();
  return wrap;
}

// --- charts -----------------------------------------------------------------------------------
/** Tooltips on every point and line mark of a Vega-Lite spec (hover shows the numbers). */
function withTooltips(spec) {
  const walk = (s) => {
    if (s.layer) s.layer.forEach(walk);
    if (s.mark && ["point", "line", "rule"].includes(typeof s.mark === "string" ? s.mark : s.mark.type) && s.encoding?.x?.field) {
      s.mark = typeof s.mark === "string" ? { type: s.mark } : s.mark;
      s.encoding.tooltip = [{ field: "series", type: "nominal", title: "" }, { ...s.encoding.x, axis: undefined, scale: undefined, format: ".6~g" }, { ...s.encoding.y, axis: undefined, scale: undefined, format: ".6~g" }].filter((t) => t.field && (t.field !== "series" || s.encoding.color));
    }
  };
  walk(spec);
  return spec;
}

/** A chart in a <figure>, with SVG and PNG downloads; `onPick(x)` on a click on a mark. */
async function chart(title, spec, onPick) {
  const fig = document.createElement("figure");
  fig.innerHTML = `<div class="chart" role="img" aria-label="${esc(title)}"></div><figcaption>${esc(title)} · <button type="button" class="dl" data-f="svg">SVG</button> <button type="button" class="dl" data-f="png">PNG</button></figcaption>`;
  const lib = await chartLib();
  const v = await lib.mountChart(fig.querySelector(".chart"), withTooltips(spec));
  if (onPick) v.addEventListener("click", (_e, item) => { const x = item?.datum?.x; if (typeof x === "number") onPick(x); });
  fig.addEventListener("click", async (e) => {
    const b = e.target.closest("button.dl");
    if (!b) return;
    const url = await v.toImageURL(b.dataset.f, b.dataset.f === "png" ? 2 : 1);
    const a = document.createElement("a");
    a.href = url; a.download = `${title.replace(/[^\w.-]+/g, "_")}.${b.dataset.f}`; a.click();
  });
  return fig;
}

// --- bump scans -------------------------------------------------------------------------------
const massTag = (m) => `m${String(Math.round(m * 1000)).padStart(3, "0")}MeV`;
const MASS = { title: "m(A') [MeV]" };

async function showBumpScan(dir) {
  const t0 = performance.now();
  const libReady = chartLib(); // the chart bundle loads while the tables are fetched
  const prefix = dir ? `${dir}/` : "";
  const rows = (await readTable(`${prefix}results_single.csv`)).records;
  const combined = files.includes(`${prefix}results_combined.csv`) ? (await readTable(`${prefix}results_combined.csv`)).records : [];
  const datasets = [...new Set(rows.map((r) => String(r.dataset)))].sort();
  const bandFiles = files.filter((f) => f.startsWith(prefix) && /(^|\/)ul_bands_[^/]*\.csv$/.test(f.slice(prefix.length)) && !f.slice(prefix.length).includes("/m"));
  const bands = new Map();
  for (const f of bandFiles) for (const r of (await readTable(f)).records) { if (!r.error && r.dataset !== undefined) { const d = String(r.dataset); if (!bands.has(d)) bands.set(d, []); bands.get(d).push(r); } }
  const failed = rows.filter((r) => r.error);
  view.innerHTML = `<h2>Bump scan: ${esc(dir || ".")}</h2><p class="meta">${rows.length} mass points in ${datasets.length} dataset(s) (${datasets.map(esc).join(", ")})${combined.length ? `, combination of ${combined.length} masses` : ""}; ${failed.length} failed. Click a mass (on a chart or in the table) for its panel.</p>`;
  const panel = document.createElement("section");
  panel.id = "mass-panel";
  panel.setAttribute("aria-live", "polite");
  view.append(panel);
  const grid = document.createElement("div");
  grid.className = "charts";
  view.append(grid);
  const open = (massGeV) => showMassPanel(panel, prefix, datasets, massGeV, rows, combined);
  const { linePlot, bandPlot } = await libReady;
  // Charts are mounted together (each one's vega parse and first render overlap the others' waits).
  const pending = [];
  const add = (title, spec, onPick) => { const slot = document.createElement("div"); grid.append(slot); pending.push(chart(title, spec, onPick).then((f) => slot.replaceWith(f))); };
  const ok = (d) => rows.filter((r) => String(r.dataset) === d && r.visibility === "observed" && !r.error);
  const pick = (xMeV) => open(xMeV / 1000);
  const cl = rows[0]?.cls_alpha ? `${Math.round((1 - rows[0].cls_alpha) * 100)}% CL` : "95% CL";
  for (const d of datasets) {
    const o = ok(d);
    const x = o.map((r) => 1000 * r.mass_GeV);
    const b = (bands.get(d) ?? []).filter((r) => Number.isFinite(r.A_med));
    const aSpec = b.length
      ? bandPlot({ title: d, x: b.map((r) => 1000 * r.mass_GeV), median: b.map((r) => r.A_med), minus1: b.map((r) => r.A_lo1), plus1: b.map((r) => r.A_hi1), minus2: b.map((r) => r.A_lo2), plus2: b.map((r) => r.A_hi2), observed: b.map((r) => r.A_obs), xAxis: MASS, yAxis: { title: `signal yield upper limit A (${cl}) [events]`, log: true } })
      : linePlot({ title: d, series: [{ name: `observed A_up (${cl})`, x, y: o.map((r) => r.A_up), points: true }], x: MASS, y: { title: `signal yield upper limit A_up (${cl}) [events]`, log: true } });
    add(`A upper limit, ${d}`, aSpec, pick);
    if (o.some((r) => Number.isFinite(r.eps2_up))) {
      const eSpec = b.length && b.some((r) => Number.isFinite(r.eps2_med))
        ? bandPlot({ title: d, x: b.map((r) => 1000 * r.mass_GeV), median: b.map((r) => r.eps2_med), minus1: b.map((r) => r.eps2_lo1), plus1: b.map((r) => r.eps2_hi1), minus2: b.map((r) => r.eps2_lo2), plus2: b.map((r) => r.eps2_hi2), observed: b.map((r) => r.eps2_obs), xAxis: MASS, yAxis: { title: `ε² upper limit (${cl})`, log: true } })
        : linePlot({ title: d, series: [{ name: `observed ε² upper limit (${cl})`, x, y: o.map((r) => r.eps2_up), points: true }], x: MASS, y: { title: `ε² upper limit (${cl})`, log: true } });
      add(`ε² upper limit, ${d}`, eSpec, pick);
    }
    add(`local and global significance, ${d}`, linePlot({ title: d, series: [{ name: "local Z", x, y: o.map((r) => r.Z_analytic), points: true }, { name: "global Z (Šidák)", x, y: o.map((r) => r.Z_global), dashed: true }], x: MASS, y: { title: "significance Z [σ]" } }), pick);
    add(`local and global p0, ${d}`, linePlot({ title: d, series: [{ name: "local p0", x, y: o.map((r) => r.p0_analytic), points: true }, { name: "global p0", x, y: o.map((r) => r.p0_global), dashed: true }], x: MASS, y: { title: "p0", log: true } }), pick);
    const g = o.filter((r) => Number.isFinite(r.ls_opt) && Number.isFinite(r.sigma_x));
    if (g.length) {
      const gx = g.map((r) => 1000 * r.mass_GeV);
      add(`GP length scale, ${d}`, linePlot({ title: `${d}: GP length scale / σ_x(m)`, series: [{ name: "ℓ_opt / σ_x", x: gx, y: g.map((r) => r.ls_opt / r.sigma_x), points: true }, { name: "ℓ_lo / σ_x", x: gx, y: g.map((r) => r.ls_lo / r.sigma_x), dashed: true }, { name: "ℓ_hi / σ_x", x: gx, y: g.map((r) => r.ls_hi / r.sigma_x), dashed: true }], x: MASS, y: { title: "length scale / σ_x", log: true } }), pick);
      if (g.some((r) => Number.isFinite(r.const_opt))) add(`GP amplitude, ${d}`, linePlot({ title: `${d}: GP amplitude`, series: [{ name: "C_opt", x: gx, y: g.map((r) => r.const_opt), points: true }], x: MASS, y: { title: "constant kernel amplitude C", log: true } }), pick);
    }
  }
  if (combined.length) {
    const c = combined.filter((r) => r.visibility === "observed" && !r.error);
    const x = c.map((r) => 1000 * r.mass_GeV);
    add("combination: ε² upper limit", linePlot({ title: "combination", series: [{ name: `combined ε² upper limit (${cl})`, x, y: c.map((r) => r.eps2_up), points: true }], x: MASS, y: { title: `ε² upper limit (${cl})`, log: true } }), pick);
    add("combination: significance", linePlot({ title: "combination", series: [{ name: "local Z", x, y: c.map((r) => r.Z_analytic), points: true }, { name: "global Z (Šidák)", x, y: c.map((r) => r.Z_global), dashed: true }], x: MASS, y: { title: "significance Z [σ]" } }), pick);
  }
  await Promise.all(pending);
  if (failed.length) {
    const f = document.createElement("section");
    f.id = "failed";
    f.innerHTML = `<h3>Failed mass points (${failed.length})</h3><ul id="failed-points">${failed.map((r) => `<li>${esc(r.dataset)} at ${fmt(1000 * r.mass_GeV)} MeV: <span class="err">${esc(r.error)}</span></li>`).join("")}</ul>`;
    view.append(f);
  }
  const h = document.createElement("h3");
  h.textContent = "Mass points";
  view.append(h);
  const cols = ["dataset", "mass_GeV", "A_up", "eps2_up", "A_hat", "sigma_A", "Z_analytic", "Z_global", "p0_analytic", "visibility", "error"].filter((k) => k in (rows[0] ?? {}));
  view.append(tableEl(cols, rows, { onRow: (r) => open(r.mass_GeV), id: "mass-table" }));
  view.dataset.renderMs = String(performance.now() - t0);
}

const PANEL_KEYS = [["A_hat", "Â (fitted signal yield)"], ["sigma_A", "σ_A"], ["Z_analytic", "local Z"], ["p0_analytic", "local p0"], ["A_up", "A upper limit"], ["eps2_up", "ε² upper limit"], ["eps2_hat", "ε̂²"], ["sigma_eps2", "σ(ε²)"], ["sigma_val", "mass resolution σ [GeV]"], ["visibility", "visibility"], ["error", "error"]];

async function showMassPanel(panel, prefix, datasets, massGeV, rows, combined) {
  const tag = massTag(massGeV);
  const parts = [...datasets, ...(combined.length ? ["combined"] : [])];
  const cells = await Promise.all(parts.map(async (d) => {
    const base = `${prefix}${tag}/${d}/`;
    const here = files.filter((f) => f.startsWith(base));
    let nums = null;
    if (here.includes(`${base}numbers.json`)) { try { nums = JSON.parse(await fetchText(`${base}numbers.json`)); } catch { nums = null; } }
    const row = (d === "combined" ? combined : rows.filter((r) => String(r.dataset) === d)).find((r) => massTag(r.mass_GeV) === tag);
    const src = nums ?? row;
    if (!src) return `<div class="panel-part"><h4>${esc(d)}</h4><p class="meta">no result at this mass</p></div>`;
    const err = row?.error || (here.includes(`${base}error.txt`) ? await fetchText(`${base}error.txt`) : "");
    const trs = PANEL_KEYS.filter(([k]) => src[k] !== undefined && src[k] !== "").map(([k, label]) => `<tr><td class="name">${esc(label)}</td><td id="panel-${esc(d)}-${k}" data-value="${esc(src[k])}">${fmt(src[k])}</td></tr>`).join("");
    const div = document.createElement("div");
    div.className = "panel-part";
    div.innerHTML = `<h4>${esc(d)}${nums ? ` <span class="meta">(${esc(base)}numbers.json)</span>` : ""}</h4>${err ? `<p class="err">failed: ${esc(err)}</p>` : ""}<table>${trs}</table>`;
    const rank = (f) => { const k = ["window_context", "blind_fit", "window_residuals", "fit_full"].findIndex((n) => figureBase(f).endsWith(`/${n}`)); return k < 0 ? 9 : k; };
    div.append(...(await figureEls([...here].sort((a, b) => rank(a) - rank(b)))));
    return div;
  }));
  panel.innerHTML = `<h3 id="panel-title">m = ${fmt(1000 * massGeV)} MeV</h3><div class="panel-parts"></div>`;
  panel.querySelector(".panel-parts").append(...cells.map((c) => (typeof c === "string" ? Object.assign(document.createElement("div"), { innerHTML: c }) : c)));
  panel.scrollIntoView({ block: "nearest" });
}

// --- figures written by the CLI ----------------------------------------------------------------
// Every figure the CLI writes has its Vega-Lite spec beside it (base.vl.json, plot/render.ts):
// the page draws that spec, interactively; a figure without one is shown as its image.
const figureBase = (path) => path.replace(/\.(png|svg|pdf|vl\.json)$/i, "");
const specOf = (path) => { const b = `${figureBase(path)}.vl.json`; return files.includes(b) ? b : null; };

async function figureEl(path) {
  const spec = specOf(path);
  const name = figureBase(path).split("/").pop();
  if (spec) {
    try {
      const f = await chart(name, JSON.parse(await fetchText(spec)));
      f.querySelector("figcaption").insertAdjacentHTML("beforeend", ` ${figureLinks(path)}`);
      return f;
    } catch { /* fall back to the image */ }
  }
  const img = ["png", "svg"].map((e) => `${figureBase(path)}.${e}`).find((p) => files.includes(p));
  const f = document.createElement("figure");
  f.innerHTML = img ? `<img src="${fileUrl(img)}" alt="${esc(name)}" loading="lazy"><figcaption>${esc(name)} ${figureLinks(path)}</figcaption>` : `<figcaption>${esc(name)} ${figureLinks(path)}</figcaption>`;
  return f;
}

/** One element per figure (deduplicated over its formats) of the given paths, in order. */
async function figureEls(paths) {
  const bases = [...new Set(paths.filter((p) => /\.(png|svg|pdf|vl\.json)$/i.test(p)).map(figureBase))];
  return Promise.all(bases.map((b) => figureEl(files.find((p) => figureBase(p) === b))));
}

/** Links to the other formats of a static figure (base.png, base.pdf, base.svg). */
function figureLinks(path) {
  const base = path.replace(/\.(png|svg|pdf)$/i, "");
  return ["png", "svg", "pdf"].filter((e) => files.includes(`${base}.${e}`)).map((e) => `<a href="${fileUrl(`${base}.${e}`)}" download>${e.toUpperCase()}</a>`).join(" ");
}

// --- single files -----------------------------------------------------------------------------
async function showFile(path) {
  for (const li of list.children) li.classList.toggle("active", li.dataset.path === path);
  const url = fileUrl(path);
  const meta = `<div class="meta">${esc(path)} · <a href="${url}" download>download</a></div>`;
  if (/\.(png|svg)$/i.test(path) || (/\.vl\.json$/i.test(path))) { view.innerHTML = meta; view.append(await figureEl(path)); return; }
  if (/\.pdf$/i.test(path)) { view.innerHTML = `${meta}<embed src="${url}" type="application/pdf" width="100%" height="800">`; return; }
  if (/\.csv$/i.test(path)) {
    try {
      const t = await readTable(path);
      view.innerHTML = meta;
      view.append(tableEl(t.columns, t.records));
    } catch (e) {
      view.innerHTML = `${meta}<p class="err">searchlight: ${esc(e.message)}</p>`; // a malformed file: the CLI's one line
    }
    return;
  }
  const text = await fetchText(path);
  if (/\.json$/i.test(path)) {
    let pretty = text;
    try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* show as is */ }
    view.innerHTML = `${meta}<pre>${esc(pretty)}</pre>`;
  } else {
    view.innerHTML = `${meta}<pre>${esc(text)}</pre>`;
  }
}

// --- navigation -------------------------------------------------------------------------------
/** The recognised results: every folder holding a bump scan's results_single.csv. */
function recognise() {
  const out = [];
  const dirOf = (f) => (f.includes("/") ? f.slice(0, f.lastIndexOf("/")) : "");
  for (const f of files) {
    let m;
    if ((m = /^(?:(.*)\/)?results_single\.csv$/.exec(f))) out.push({ kind: "bump scan", dir: m[1] ?? "", show: () => showBumpScan(m[1] ?? "") });
    else if ((m = /^(?:(.*)\/)?report\.json$/.exec(f))) out.push({ kind: "HistFactory report", dir: m[1] ?? "", show: () => showReport(m[1] ?? "") });
    else if ((m = /^(?:(.*)\/)?summary\.csv$/.exec(f)) && files.some((g) => g.startsWith(`${m[1] ? `${m[1]}/` : ""}`) && g.endsWith("/limits.json"))) out.push({ kind: "marginal limits", dir: m[1] ?? "", show: () => showTableAndFigures(m[1] ?? "", "summary.csv", "Marginal-likelihood limits per region and prior (T2/T3)") });
    else if ((m = /^(?:(.*)\/)?(merged(?:\.partial)?\.csv)$/.exec(f)) && files.includes(`${m[1] ? `${m[1]}/` : ""}job.json`)) {
      const name = m[2];
      out.push({ kind: name.includes("partial") ? "batch merge (partial)" : "batch merge", dir: m[1] ?? "", show: () => showTableAndFigures(m[1] ?? "", name, name.includes("partial") ? "Batch merge, partial: missing tasks are listed as rows" : "Merged batch results (one row per patch)") });
    }
  }
  const inside = (d, c) => c === "" || d === c || d.startsWith(`${c}/`);
  const figDirs = [...new Set(files.filter((f) => f.endsWith(".vl.json")).map(dirOf))].filter((d) => !out.some((v) => inside(d, v.dir)));
  for (const d of figDirs.slice(0, 50)) out.push({ kind: "figures", dir: d, show: () => showTableAndFigures(d, null, `Figures in ${d || "."}`) });
  return out;
}

/** A report folder (searchlight report): goodness of fit, the yields table and every figure. */
async function showReport(dir) {
  const prefix = dir ? `${dir}/` : "";
  const r = JSON.parse(await fetchText(`${prefix}report.json`));
  const g = r.goodness_of_fit ?? {};
  view.innerHTML = `<h2>HistFactory report: ${esc(r.workspace ?? dir)}${r.patch ? ` + ${esc(r.patch)}` : ""}</h2>` +
    `<p class="meta">${r.asimov ? "Asimov fit. " : ""}Goodness of fit (saturated model): ${Object.entries(g).filter(([, v]) => typeof v === "number" || typeof v === "string").map(([k, v]) => `${esc(k)} = ${fmt(v)}`).join(", ")}</p>`;
  if (files.includes(`${prefix}yields.csv`)) {
    const h = document.createElement("h3"); h.textContent = "Yields (pre-fit and post-fit)"; view.append(h);
    const t = await readTable(`${prefix}yields.csv`);
    view.append(tableEl(t.columns, t.records));
  }
  const grid = document.createElement("div"); grid.className = "charts"; view.append(grid);
  grid.append(...(await figureEls(files.filter((f) => f.startsWith(`${prefix}figures/`)))));
  for (const t of ["pulls.csv", "ranking.csv", "correlation.csv"]) {
    if (!files.includes(prefix + t)) continue;
    const h = document.createElement("h3"); h.textContent = t; view.append(h);
    const tab = await readTable(prefix + t);
    view.append(tableEl(tab.columns, tab.records));
  }
}

/** A table (if any) and the figures of one folder and its sub-folders. */
async function showTableAndFigures(dir, table, title) {
  const prefix = dir ? `${dir}/` : "";
  view.innerHTML = `<h2>${esc(title)}</h2><p class="meta">${esc(dir || ".")}</p>`;
  if (table && files.includes(prefix + table)) {
    const t = await readTable(prefix + table);
    view.append(tableEl(t.columns, t.records, { errorCol: t.columns.includes("reason") ? "reason" : "error" }));
  }
  const grid = document.createElement("div"); grid.className = "charts"; view.append(grid);
  grid.append(...(await figureEls(files.filter((f) => f.startsWith(prefix)).slice(0, 400))));
}

function render() {
  const f = filter.value.toLowerCase();
  list.innerHTML = files.filter((p) => p.toLowerCase().includes(f)).map((p) => `<li tabindex="0" data-path="${esc(p)}">${esc(p)}</li>`).join("");
}

list.addEventListener("click", (e) => { const li = e.target.closest("li"); if (li) showFile(li.dataset.path); });
list.addEventListener("keydown", (e) => { const li = e.target.closest("li"); if (li && e.key === "Enter") showFile(li.dataset.path); });
filter.addEventListener("input", render);
files = (await (await fetch("/api/files")).json()).files;
render();
const found = recognise();
views.innerHTML = found.map((v, i) => `<li tabindex="0" data-view="${i}">${esc(v.kind)}: ${esc(v.dir || ".")}</li>`).join("");
const pickView = (e) => { const li = e.target.closest("li[data-view]"); if (li) found[Number(li.dataset.view)].show(); };
views.addEventListener("click", pickView);
views.addEventListener("keydown", (e) => { if (e.key === "Enter") pickView(e); });
if (found.length) await found[0].show();
else if (files.length) showFile(files.find((p) => p.endsWith(".csv")) ?? files[0]);

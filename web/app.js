// Results browser: lists the files of the served output folder and shows CSV as tables,
// JSON pretty-printed, and figures inline. Plain browser JavaScript, no build step.
const list = document.getElementById("files");
const view = document.getElementById("view");
const filter = document.getElementById("filter");
let files = [];

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function parseCsv(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const cells = [];
    let cur = "", q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) { if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c; }
      else if (c === '"') q = true;
      else if (c === ",") { cells.push(cur); cur = ""; }
      else cur += c;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

function fmt(cell) {
  const x = Number(cell);
  if (cell === "" || !Number.isFinite(x)) return esc(cell);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(4) : String(Number(x.toPrecision(6)));
}

async function show(path) {
  for (const li of list.children) li.classList.toggle("active", li.dataset.path === path);
  const url = `/files/${path.split("/").map(encodeURIComponent).join("/")}`;
  const meta = `<div class="meta">${esc(path)} · <a href="${url}" download>download</a></div>`;
  if (/\.(png|svg)$/i.test(path)) { view.innerHTML = `${meta}<img src="${url}" alt="${esc(path)}">`; return; }
  if (/\.pdf$/i.test(path)) { view.innerHTML = `${meta}<embed src="${url}" type="application/pdf" width="100%" height="800">`; return; }
  const text = await (await fetch(url)).text();
  if (/\.csv$/i.test(path)) {
    const rows = parseCsv(text);
    const head = rows[0] ?? [];
    const errCol = head.indexOf("error");
    const body = rows.slice(1).map((r) => `<tr>${r.map((c, j) => `<td${j === errCol && c ? ' class="err"' : ""}>${fmt(c)}</td>`).join("")}</tr>`).join("");
    view.innerHTML = `${meta}<p>${rows.length - 1} rows</p><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table>`;
  } else if (/\.json$/i.test(path)) {
    let pretty = text;
    try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* show as is */ }
    view.innerHTML = `${meta}<pre>${esc(pretty)}</pre>`;
  } else {
    view.innerHTML = `${meta}<pre>${esc(text)}</pre>`;
  }
}

function render() {
  const f = filter.value.toLowerCase();
  list.innerHTML = files.filter((p) => p.toLowerCase().includes(f)).map((p) => `<li data-path="${esc(p)}">${esc(p)}</li>`).join("");
}

list.addEventListener("click", (e) => { const li = e.target.closest("li"); if (li) show(li.dataset.path); });
filter.addEventListener("input", render);
files = (await (await fetch("/api/files")).json()).files;
render();
if (files.length) show(files.find((p) => p.endsWith(".csv")) ?? files[0]);

// galleryk's thumbnail grid: a virtual scroller that asks the kernel for pages of thumbnails.
// Plain ES module for anywidget, no build step. Thumbnails arrive as binary buffers in custom
// messages and become blob: URLs; only the rows on screen (plus a margin) exist in the DOM, and
// at most MAX_PAGES pages of images are kept. Clicks go to the kernel, which owns the selection.

const MAX_PAGES = 24;
const GAP = 6;
const CAPTION = 22;
const BAR = 6;

function render({ model, el }) {
  el.classList.add("gk-grid");
  const viewport = document.createElement("div");
  viewport.className = "gk-viewport";
  viewport.tabIndex = 0;
  const canvas = document.createElement("div");
  canvas.className = "gk-canvas";
  viewport.appendChild(canvas);
  const note = document.createElement("div");
  note.className = "gk-note";
  el.appendChild(note);
  el.appendChild(viewport);

  let version = model.get("version");
  let pages = new Map(); // page number -> {ids, titles, urls}
  let asked = new Set();
  const tiles = new Map(); // tile index -> element
  let chosen = new Set(model.get("selected_ids"));
  let frame = 0;

  function geometry() {
    const size = model.get("tile_size");
    const width = viewport.clientWidth || el.clientWidth || 600;
    const cellW = size + 2 * GAP;
    const cols = Math.max(1, Math.floor((width - GAP) / cellW));
    const cellH = size + CAPTION + BAR + 2 * GAP;
    return { size, cols, cellW, cellH };
  }

  function tile(index) {
    const t = document.createElement("div");
    t.className = "gk-tile";
    t.dataset.index = String(index);
    const img = document.createElement("img");
    img.alt = "";
    img.draggable = false;
    const caption = document.createElement("div");
    caption.className = "gk-caption";
    const bar = document.createElement("div");
    bar.className = "gk-bar";
    bar.appendChild(document.createElement("div"));
    t.append(img, caption, bar);
    return t;
  }

  function fill(t, index) {
    const size = model.get("tile_size");
    t.style.width = size + "px";
    t.querySelector("img").style.height = size + "px";
    const per = model.get("page_size");
    const page = pages.get(Math.floor(index / per));
    const img = t.querySelector("img");
    const caption = t.querySelector(".gk-caption");
    if (page) {
      const j = index % per;
      const id = page.ids[j];
      t.dataset.id = String(id);
      caption.textContent = page.titles[j] || "";
      t.title = page.titles[j] || "";
      const url = page.urls[j];
      if (url) {
        if (img.src !== url) img.src = url;
        t.classList.remove("gk-missing", "gk-loading");
      } else {
        img.removeAttribute("src");
        t.classList.add("gk-missing");
        t.classList.remove("gk-loading");
        caption.textContent = (page.titles[j] || "") + " (no preview)";
      }
      t.classList.toggle("gk-selected", chosen.has(id));
    } else {
      delete t.dataset.id;
      img.removeAttribute("src");
      caption.textContent = "…";
      t.classList.add("gk-loading");
      t.classList.remove("gk-selected", "gk-missing");
    }
    t.classList.toggle("gk-focus", index === model.get("focus"));
    const progress = model.get("progress") || {};
    const p = progress[String(index)];
    const bar = t.querySelector(".gk-bar");
    if (p) {
      bar.style.visibility = "visible";
      bar.firstChild.style.width = Math.round(100 * Math.max(0, Math.min(1, p[0]))) + "%";
      bar.dataset.state = p[1] || "";
      t.dataset.state = p[1] || "";
    } else {
      bar.style.visibility = "hidden";
      delete t.dataset.state;
    }
  }

  function layout() {
    frame = 0;
    const count = model.get("count");
    const { cols, cellW, cellH } = geometry();
    viewport.style.height = model.get("height") + "px";
    canvas.style.height = Math.ceil(count / cols) * cellH + GAP + "px";
    note.textContent = model.get("message") || "";
    note.style.display = note.textContent ? "block" : "none";
    const top = viewport.scrollTop;
    const seen = viewport.clientHeight || model.get("height");
    const firstRow = Math.max(0, Math.floor(top / cellH) - 1);
    const lastRow = Math.ceil((top + seen) / cellH) + 1;
    const first = firstRow * cols;
    const last = Math.min(count, lastRow * cols);
    for (const [i, t] of tiles) {
      if (i < first || i >= last) {
        t.remove();
        tiles.delete(i);
      }
    }
    const per = model.get("page_size");
    for (let i = first; i < last; i++) {
      let t = tiles.get(i);
      if (!t) {
        t = tile(i);
        tiles.set(i, t);
        canvas.appendChild(t);
      }
      t.style.transform = `translate(${GAP + (i % cols) * cellW}px, ${GAP + Math.floor(i / cols) * cellH}px)`;
      fill(t, i);
      const k = Math.floor(i / per);
      if (!pages.has(k) && !asked.has(k)) {
        asked.add(k);
        model.send({ type: "page", page: k, version: version });
      }
    }
    evict(Math.floor(first / per));
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(layout);
  }

  function evict(current) {
    if (pages.size <= MAX_PAGES) return;
    const far = [...pages.keys()].sort((a, b) => Math.abs(b - current) - Math.abs(a - current));
    for (const k of far.slice(0, pages.size - MAX_PAGES)) {
      for (const url of pages.get(k).urls) if (url) URL.revokeObjectURL(url);
      pages.delete(k);
      asked.delete(k);
    }
  }

  function forget() {
    for (const page of pages.values()) for (const url of page.urls) if (url) URL.revokeObjectURL(url);
    pages = new Map();
    asked = new Set();
    for (const t of tiles.values()) t.remove();
    tiles.clear();
  }

  function refresh() {
    for (const [i, t] of tiles) fill(t, i);
  }

  function onMessage(msg, buffers) {
    if (!msg || msg.type !== "page" || msg.version !== version) return;
    const urls = [];
    let b = 0;
    for (let j = 0; j < msg.ids.length; j++) {
      if (msg.ok[j] && b < buffers.length) {
        urls.push(URL.createObjectURL(new Blob([buffers[b++]], { type: "image/jpeg" })));
      } else {
        urls.push(null);
      }
    }
    const old = pages.get(msg.page);
    if (old) for (const url of old.urls) if (url) URL.revokeObjectURL(url);
    pages.set(msg.page, { ids: msg.ids, titles: msg.titles, urls: urls });
    asked.delete(msg.page);
    refresh();
    schedule();
  }

  function onClick(event) {
    const t = event.target.closest(".gk-tile");
    if (!t || t.dataset.id === undefined) return;
    model.send({
      type: "click",
      index: Number(t.dataset.index),
      shift: event.shiftKey,
      toggle: event.ctrlKey || event.metaKey,
    });
    viewport.focus({ preventScroll: true });
  }

  function onMouseDown(event) {
    if (event.shiftKey) event.preventDefault(); // no text selection on shift-click
  }

  function onVersion() {
    version = model.get("version");
    forget();
    viewport.scrollTop = 0;
    schedule();
  }

  function onSelected() {
    chosen = new Set(model.get("selected_ids"));
    refresh();
  }

  model.on("msg:custom", onMessage);
  model.on("change:version", onVersion);
  model.on("change:count", schedule);
  model.on("change:tile_size", schedule);
  model.on("change:height", schedule);
  model.on("change:message", schedule);
  model.on("change:page_size", onVersion);
  model.on("change:selected_ids", onSelected);
  model.on("change:focus", refresh);
  model.on("change:progress", refresh);
  viewport.addEventListener("scroll", schedule, { passive: true });
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("mousedown", onMouseDown);
  const resized = new ResizeObserver(schedule);
  resized.observe(viewport);

  model.send({ type: "ready" });
  layout();

  return () => {
    resized.disconnect();
    model.off("msg:custom", onMessage);
    model.off("change:version", onVersion);
    model.off("change:count", schedule);
    model.off("change:tile_size", schedule);
    model.off("change:height", schedule);
    model.off("change:message", schedule);
    model.off("change:page_size", onVersion);
    model.off("change:selected_ids", onSelected);
    model.off("change:focus", refresh);
    model.off("change:progress", refresh);
    forget();
  };
}

export default { render };

// galleryk's thumbnail grid: a virtual scroller that asks the kernel for pages of thumbnails.
// Plain ES module for anywidget, no build step. Thumbnails (and the large view's picture) arrive
// as binary buffers in custom messages and become blob: URLs; only the rows on screen (plus a
// margin) exist in the DOM, and at most MAX_PAGES pages of images are kept. Clicks and keys go
// to the kernel, which owns the selection, the focus, the marks and the large view: this file
// only draws them. data-lm-suppress-shortcuts keeps JupyterLab's notebook shortcuts (K, X,
// Enter, Space...) from acting on the notebook while the grid has the keyboard.

const MAX_PAGES = 24;
const GAP = 6;
const CAPTION = 22;
const BAR = 6;
const MOVES = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"];
const KEYS = new Set([...MOVES, " ", "Enter", "Escape", "k", "K", "x", "X", "a", "A"]);

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render({ model, el }) {
  el.classList.add("gk-grid");
  const viewport = element("div", "gk-viewport");
  viewport.tabIndex = 0;
  viewport.setAttribute("data-lm-suppress-shortcuts", "true");
  viewport.setAttribute("role", "grid");
  viewport.setAttribute("aria-label", "Photos: arrows move, Space selects, Enter opens large, K keep, X reject");
  const canvas = element("div", "gk-canvas");
  viewport.appendChild(canvas);
  const note = element("div", "gk-note");
  el.append(note, viewport);

  let version = model.get("version");
  let pages = new Map(); // page number -> {ids, rows, titles, urls}
  let asked = new Set();
  const tiles = new Map(); // tile index -> element
  let chosen = new Set(model.get("selected_ids"));
  let near = "";
  let frame = 0;

  function geometry() {
    const size = model.get("tile_size");
    const width = viewport.clientWidth || el.clientWidth || 600;
    const cellW = size + 2 * GAP;
    const cols = Math.max(1, Math.floor((width - GAP) / cellW));
    const cellH = size + CAPTION + BAR + 2 * GAP;
    const rows = Math.max(1, Math.floor((viewport.clientHeight || model.get("height")) / cellH));
    return { size, cols, rows, cellW, cellH };
  }

  function tile(index) {
    const t = element("div", "gk-tile");
    t.dataset.index = String(index);
    t.setAttribute("role", "gridcell");
    const img = element("img");
    img.alt = "";
    img.draggable = false;
    const bar = element("div", "gk-bar");
    bar.appendChild(element("div"));
    t.append(img, element("span", "gk-mark"), element("div", "gk-caption"), bar);
    return t;
  }

  function pageOf(index) {
    const per = model.get("page_size");
    const page = pages.get(Math.floor(index / per));
    const j = index % per;
    return page && j < page.ids.length ? { page, j } : null;
  }

  function fill(t, index) {
    const size = model.get("tile_size");
    t.style.width = size + "px";
    const img = t.querySelector("img");
    img.style.height = size + "px";
    const caption = t.querySelector(".gk-caption");
    const mark = t.querySelector(".gk-mark");
    const found = pageOf(index);
    let state = "";
    if (found) {
      const { page, j } = found;
      const id = page.ids[j];
      t.dataset.id = String(id);
      t.dataset.row = String(page.rows[j]);
      caption.textContent = page.titles[j] || "";
      t.title = page.titles[j] || "";
      const url = page.urls[j];
      if (url) {
        if (img.src !== url) img.src = url;
        t.classList.remove("gk-missing", "gk-loading");
      } else {
        img.removeAttribute("src");
        t.classList.add("gk-missing");
        t.classList.remove("gk-loading");  // "no preview" is drawn in the picture's place (grid.css): the caption keeps the whole title
      }
      t.classList.toggle("gk-selected", chosen.has(id));
      t.setAttribute("aria-selected", chosen.has(id) ? "true" : "false");
      state = (model.get("marks") || {})[String(id)] || "";
      const progress = (model.get("progress") || {})[String(page.rows[j])];
      showProgress(t, progress);
    } else {
      delete t.dataset.id;
      delete t.dataset.row;
      img.removeAttribute("src");
      caption.textContent = "…";
      t.classList.add("gk-loading");
      t.classList.remove("gk-selected", "gk-missing");
      showProgress(t, null);
    }
    t.classList.toggle("gk-keep", state === "keep");
    t.classList.toggle("gk-reject", state === "reject");
    mark.textContent = state === "keep" ? "✓ keep" : state === "reject" ? "✕ reject" : "";
    if (state) t.dataset.mark = state;
    else delete t.dataset.mark;
    t.classList.toggle("gk-focus", index === model.get("focus"));
  }

  function showProgress(t, p) {
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
    const span = Math.floor(first / per) + ":" + Math.floor(Math.max(first, last - 1) / per);
    if (span !== near) {
      near = span; // the kernel drops requests for pages scrolled past before their turn came
      const [a, b] = span.split(":").map(Number);
      model.send({ type: "near", first: a, last: b });
    }
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
      const page = pages.get(k);
      const short = page && page.ids.length < per && count > k * per + page.ids.length; // the listing grew
      if ((!page || short) && !asked.has(k)) {
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

  // -- the large view: an overlay on the page's body, so no notebook container clips it --------------
  const box = element("div", "gk-lightbox");
  box.tabIndex = -1;
  box.setAttribute("data-lm-suppress-shortcuts", "true");
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "Large view: arrows step, K keep, X reject, Escape closes");
  const bar = element("div", "gk-lb-bar");
  const button = (cls, text, title, key) => {
    const b = element("button", "gk-lb-button " + cls, text);
    b.title = title;
    b.addEventListener("click", (event) => {
      event.stopPropagation();
      sendKey(key, false, false);
    });
    return b;
  };
  const lbTitle = element("span", "gk-lb-title");
  const lbMark = element("span", "gk-lb-mark");
  bar.append(
    button("gk-lb-prev", "◀", "Previous (←)", "ArrowLeft"),
    button("gk-lb-next", "▶", "Next (→)", "ArrowRight"),
    lbTitle,
    lbMark,
    button("gk-lb-keep", "Keep (K)", "Mark keep (K)", "k"),
    button("gk-lb-reject", "Reject (X)", "Mark reject (X)", "x"),
    button("gk-lb-close", "✕", "Close (Escape)", "Escape"),
  );
  const stage = element("div", "gk-lb-stage");
  const picture = element("img", "gk-lb-img");
  picture.alt = "";
  const lbNote = element("div", "gk-lb-note");
  stage.append(picture, lbNote);
  box.append(bar, stage);
  let largeUrl = null;
  let largeFor = null; // "version:index" of the picture shown
  let largeInfo = null; // the last "large" message: its title and id, for a tile whose page is not here

  function drawLarge() {
    const open = model.get("lightbox");
    if (!open) {
      if (box.parentNode) {
        box.remove();
        if (largeUrl) URL.revokeObjectURL(largeUrl);
        largeUrl = null;
        largeFor = null;
        largeInfo = null;
        picture.removeAttribute("src");
        viewport.focus({ preventScroll: true });
      }
      return;
    }
    if (!box.parentNode) {
      document.body.appendChild(box);
      box.focus({ preventScroll: true });
    }
    const index = model.get("focus");
    const found = pageOf(index);
    const known = largeInfo && largeInfo.index === index && largeInfo.version === version ? largeInfo : null;
    const title = found ? found.page.titles[found.j] || "" : known ? known.title : "";
    lbTitle.textContent = `${title}  (${(index + 1).toLocaleString()} of ${model.get("count").toLocaleString()})`;
    const id = found ? found.page.ids[found.j] : known ? known.id : null;
    const state = id === null ? "" : (model.get("marks") || {})[String(id)] || "";
    box.dataset.mark = state;
    lbMark.textContent = state === "keep" ? "✓ keep" : state === "reject" ? "✕ reject" : "";
    if (largeFor !== version + ":" + index) {
      box.classList.add("gk-lb-loading");
      lbNote.textContent = "Loading…";
    }
  }

  function showLarge(msg, buffers) {
    if (msg.version !== version || msg.index !== model.get("focus") || !model.get("lightbox")) return;
    if (largeUrl) URL.revokeObjectURL(largeUrl);
    largeUrl = null;
    largeFor = msg.version + ":" + msg.index;
    largeInfo = msg;
    box.classList.remove("gk-lb-loading");
    if (buffers.length) {
      largeUrl = URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime || "image/jpeg" }));
      picture.src = largeUrl;
      lbNote.textContent = "";
    } else {
      picture.removeAttribute("src");
      lbNote.textContent = msg.error || "No large picture for this photo.";
    }
    drawLarge();
  }

  // -- messages and events ---------------------------------------------------------------------------
  function onMessage(msg, buffers) {
    if (!msg) return;
    if (msg.type === "large") return showLarge(msg, buffers);
    if (msg.type !== "page" || msg.version !== version) return;
    asked.delete(msg.page);
    if (msg.dropped) return schedule();
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
    pages.set(msg.page, { ids: msg.ids, rows: msg.rows, titles: msg.titles, urls: urls });
    refresh();
    schedule();
    if (model.get("lightbox")) drawLarge();
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

  function onDoubleClick(event) {
    const t = event.target.closest(".gk-tile");
    if (t && t.dataset.id !== undefined) sendKey("Enter", false, false);
  }

  function onMouseDown(event) {
    if (event.shiftKey) event.preventDefault(); // no text selection on shift-click
  }

  function sendKey(key, shift, ctrl) {
    const { cols, rows } = geometry();
    model.send({ type: "key", key: key, shift: shift, ctrl: ctrl, cols: cols, rows: rows });
  }

  function onKey(event) {
    const ctrl = event.ctrlKey || event.metaKey;
    if (!KEYS.has(event.key) || event.altKey) return;
    if (ctrl && !MOVES.includes(event.key) && event.key !== "a" && event.key !== "A") return; // the browser's
    if (!ctrl && (event.key === "a" || event.key === "A")) return;
    event.preventDefault(); // no page scrolling, no notebook shortcut
    event.stopPropagation();
    sendKey(event.key, event.shiftKey, ctrl);
  }

  function onBackdrop(event) {
    if (event.target === box || event.target === stage) sendKey("Escape", false, false);
  }

  function onFocus() {
    const index = model.get("focus");
    refresh();
    if (model.get("lightbox")) drawLarge();
    if (index < 0) return;
    const { cols, cellH } = geometry();
    const top = Math.floor(index / cols) * cellH;
    const seen = viewport.clientHeight || model.get("height");
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + cellH + GAP > viewport.scrollTop + seen) viewport.scrollTop = top + cellH + GAP - seen;
  }

  function onMarks() {
    refresh();
    if (model.get("lightbox")) drawLarge();
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

  const listeners = [
    ["change:version", onVersion],
    ["change:count", schedule],
    ["change:tile_size", schedule],
    ["change:height", schedule],
    ["change:message", schedule],
    ["change:page_size", onVersion],
    ["change:selected_ids", onSelected],
    ["change:focus", onFocus],
    ["change:marks", onMarks],
    ["change:lightbox", drawLarge],
    ["change:progress", refresh],
  ];
  model.on("msg:custom", onMessage);
  for (const [name, fn] of listeners) model.on(name, fn);
  viewport.addEventListener("scroll", schedule, { passive: true });
  viewport.addEventListener("keydown", onKey);
  box.addEventListener("keydown", onKey);
  box.addEventListener("click", onBackdrop);
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("dblclick", onDoubleClick);
  canvas.addEventListener("mousedown", onMouseDown);
  const resized = new ResizeObserver(schedule);
  resized.observe(viewport);

  model.send({ type: "ready" });
  layout();
  drawLarge();

  return () => {
    resized.disconnect();
    model.off("msg:custom", onMessage);
    for (const [name, fn] of listeners) model.off(name, fn);
    box.remove();
    if (largeUrl) URL.revokeObjectURL(largeUrl);
    forget();
  };
}

export default { render };

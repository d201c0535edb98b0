// A link whose address never enters widget state: the kernel sends it in a custom message,
// asked for when the view appears, so a saved notebook does not keep a one-time login link.

function render({ model, el }) {
  const a = document.createElement("a");
  a.className = "gk-link";
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  el.appendChild(a);
  let url = null;

  function draw() {
    a.textContent = model.get("label");
    const on = Boolean(url) && model.get("active");
    a.style.display = on ? "inline-block" : "none";
    if (on) a.href = url;
    else a.removeAttribute("href");
  }

  function onMessage(msg) {
    if (msg && msg.type === "url") {
      url = msg.url || null;
      draw();
    }
  }

  model.on("msg:custom", onMessage);
  model.on("change:label", draw);
  model.on("change:active", draw);
  model.send({ type: "ready" });
  draw();
  return () => {
    model.off("msg:custom", onMessage);
    model.off("change:label", draw);
    model.off("change:active", draw);
  };
}

export default { render };

// Draw or upload digits; the server normalises, predicts, stores, and takes corrections.
(() => {
  const canvas = document.getElementById("canvas");
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let current = null;

  function reset() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  reset();
  ctx.lineWidth = 18; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
  const point = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener("pointerdown", (e) => { drawing = true; ctx.beginPath(); ctx.moveTo(...point(e)); canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener("pointermove", (e) => { if (drawing) { ctx.lineTo(...point(e)); ctx.stroke(); } });
  canvas.addEventListener("pointerup", () => { drawing = false; });
  document.getElementById("clear").addEventListener("click", reset);

  async function send(files, source) {
    const form = new FormData();
    for (const [blob, name] of files) form.append("files", blob, name);
    form.append("source", source);
    const response = await fetch("/api/digits/images", { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRF-Token": LoopLab.csrf() } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || response.statusText);
    return body;
  }

  function show(image) {
    current = image;
    document.getElementById("result").classList.remove("hidden");
    document.getElementById("normalised").src = `/api/digits/images/${image.id}/normalised.png`;
    document.getElementById("digit").textContent = image.digit === null ? "?" : image.digit;
    document.getElementById("detail").textContent =
      `cluster ${image.cluster}, confidence ${(image.confidence * 100).toFixed(1)}% (digit from ${image.digit_source}), model v${image.model_version}`;
    document.getElementById("exemplars").src = `/api/digits/clusters/${image.cluster}/exemplars.png`;
    document.getElementById("status").textContent = "";
  }

  document.getElementById("predict").addEventListener("click", () => {
    canvas.toBlob(async (blob) => {
      try {
        const [result] = await send([[blob, "canvas.png"]], "canvas");
        if (!result.error) return show(result.image);
        document.getElementById("result").classList.remove("hidden");
        document.getElementById("status").textContent = result.error;
      } catch (e) { document.getElementById("status").textContent = e.message; }
    }, "image/png");
  });

  document.getElementById("files").addEventListener("change", async (event) => {
    const list = document.getElementById("uploads");
    list.innerHTML = "";
    try {
      const results = await send([...event.target.files].map((f) => [f, f.name]), "upload");
      for (const r of results) {
        const item = document.createElement("li");
        item.textContent = r.error ? `${r.filename}: ${r.error}` : `${r.filename}: ${r.image.digit ?? "?"} (cluster ${r.image.cluster}, ${(r.image.confidence * 100).toFixed(0)}%)`;
        list.appendChild(item);
        if (!r.error) show(r.image);
      }
    } catch (e) { list.textContent = e.message; }
  });

  const buttons = document.getElementById("correct");
  for (let d = 0; d <= 9; d++) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "secondary"; b.textContent = d; b.dataset.digit = d;
    b.addEventListener("click", async () => {
      if (!current) return;
      try {
        await LoopLab.api(`/api/digits/images/${current.id}/correction`, { method: "POST", body: JSON.stringify({ digit: d }) });
        document.getElementById("status").textContent = `Thanks: stored as ${d}.`;
      } catch (e) { document.getElementById("status").textContent = e.message; }
    });
    buttons.appendChild(b);
  }

  LoopLab.bindLogin((user) => {
    document.getElementById("login-card").classList.toggle("hidden", !!user);
    document.getElementById("digits-card").classList.toggle("hidden", !user);
    if (user) document.getElementById("user-name").textContent = user.name;
  });
})();

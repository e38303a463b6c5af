// The Pictionary game page: pointer drawing on a canvas, a WebSocket to the server's guesser, the end screen.
// The server decides everything that is stored (recognition, times, attempts); this page only draws and shows.
(() => {
  const $ = (id) => document.getElementById(id);
  const SEND_EVERY_MS = 250;
  const canvas = $("canvas");
  const ctx = canvas.getContext("2d");
  const state = {
    ws: null, game: null, round: null, seconds: 20, roundStart: 0, deadline: 0, strokes: [], current: null,
    seq: 0, lastSent: 0, sendTimer: null, tick: null, results: [], over: false, resumeTries: 0,
  };

  function setState(name) { $("game").dataset.state = name; }
  let spoken = "";
  function say(line) {  // the model's line, read aloud when the player asks for it
    $("line").textContent = line;
    if (!$("speak").checked || !window.speechSynthesis || line === spoken || speechSynthesis.speaking) return;
    spoken = line;
    speechSynthesis.speak(new SpeechSynthesisUtterance(line));
  }
  function showError(message) { $("game-error").textContent = message || ""; }
  function setDrawingTools(enabled) { ["undo", "clear", "skip"].forEach((id) => { $(id).disabled = !enabled; }); }

  // --- drawing ---------------------------------------------------------------------------------------
  function redraw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.lineWidth = 4; ctx.strokeStyle = "#1d2230";
    for (const [xs, ys] of state.strokes) {
      ctx.beginPath();
      ctx.moveTo(xs[0], ys[0]);
      for (let i = 1; i < xs.length; i++) ctx.lineTo(xs[i], ys[i]);
      if (xs.length === 1) ctx.lineTo(xs[0] + 0.1, ys[0]);
      ctx.stroke();
    }
  }
  function point(event) {
    const box = canvas.getBoundingClientRect();
    const x = (event.clientX - box.left) * (canvas.width / box.width);
    const y = (event.clientY - box.top) * (canvas.height / box.height);
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10, Math.round(performance.now() - state.roundStart)];
  }
  function drawing() { return state.round !== null && $("game").dataset.state === "drawing"; }
  canvas.addEventListener("pointerdown", (event) => {
    if (!drawing()) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    const [x, y, t] = point(event);
    state.current = [[x], [y], [t]];
    state.strokes.push(state.current);
    redraw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!state.current || !drawing()) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of (events.length ? events : [event])) {
      const [x, y, t] = point(e);
      state.current[0].push(x); state.current[1].push(y); state.current[2].push(t);
    }
    redraw();
    scheduleSend();
  });
  const endStroke = () => {
    if (!state.current) return;
    state.current = null;
    sendNow();
  };
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);

  function scheduleSend() {
    if (state.sendTimer) return;
    const wait = Math.max(0, SEND_EVERY_MS - (performance.now() - state.lastSent));
    state.sendTimer = setTimeout(() => { state.sendTimer = null; sendNow(); }, wait);
  }
  function sendNow() {
    if (state.sendTimer) { clearTimeout(state.sendTimer); state.sendTimer = null; }
    if (!state.strokes.length || !drawing()) return;
    state.lastSent = performance.now();
    state.seq += 1;
    send({ type: "draw", round: state.round, seq: state.seq, strokes: state.strokes });
  }
  $("undo").addEventListener("click", () => { state.strokes.pop(); redraw(); sendNow(); });
  $("clear").addEventListener("click", () => {
    state.strokes = []; redraw(); $("guesses").innerHTML = ""; $("line").textContent = "";
  });
  $("skip").addEventListener("click", () => send({ type: "skip", round: state.round }));

  // --- socket ----------------------------------------------------------------------------------------
  function send(message) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(message));
  }
  function connect() {
    return new Promise((resolve, reject) => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(`${scheme}://${location.host}/api/pictionary/ws`);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error("cannot reach the game server"));
      ws.onmessage = (event) => onMessage(JSON.parse(event.data));
      ws.onclose = (event) => {
        if (state.ws === ws) state.ws = null;
        stopClock();
        if (!state.over && state.game) {
          if (RESUMABLE_CLOSE(event.code) && state.resumeTries < 5) {
            reconnect();  // the network or a replica went away: continue the game (on any replica)
            return;
          }
          giveUp(event.reason ? `connection closed: ${event.reason}` : "connection lost: start a new game");
        }
      };
    });
  }
  // the server's own refusals (auth 4401, busy 4409, too big 1009, policy 1008) are not worth retrying
  const RESUMABLE_CLOSE = (code) => ![1008, 1009, 4401, 4409].includes(code);
  function giveUp(message) {
    showError(message);
    state.game = null; state.round = null; setState("idle"); setDrawingTools(false);
    $("start").disabled = false;
  }
  async function reconnect() {
    const game = state.game;
    state.resumeTries += 1;
    setDrawingTools(false);
    showError("connection lost: reconnecting…");
    await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (state.resumeTries - 1)));
    try {
      state.ws = await connect();
      send({ type: "resume", game_id: game });
    } catch (e) {
      if (state.resumeTries < 5) reconnect(); else giveUp("connection lost: start a new game");
    }
  }
  async function start() {
    showError("");
    $("start").disabled = true;
    $("end").classList.add("hidden");
    $("game").classList.remove("hidden");
    state.results = []; state.over = false; state.resumeTries = 0;
    try {
      if (!state.ws) state.ws = await connect();
      send({ type: "start" });
    } catch (e) {
      showError(e.message);
      $("start").disabled = false;
    }
  }
  $("start").addEventListener("click", start);
  $("again").addEventListener("click", start);
  $("next").addEventListener("click", () => { $("result").classList.add("hidden"); send({ type: "next" }); });

  function onMessage(message) {
    const handler = handlers[message.type];
    if (handler) handler(message);
  }
  const handlers = {
    hello(m) { state.seconds = m.seconds; },
    game(m) {
      state.game = m.game_id;
      if (m.resumed_at) { state.resumeTries = 0; showError(""); }
      $("game").dataset.gameId = m.game_id;
    },
    round(m) {
      state.round = m.round; state.strokes = []; state.current = null; state.seq = 0;
      state.seconds = m.seconds; state.roundStart = performance.now(); state.deadline = state.roundStart + m.seconds * 1000;
      redraw();
      $("round-label").textContent = `Word ${m.round} of ${m.of} · ${m.category}`;
      $("prompt").innerHTML = m.mode === "teach"
        ? `Teach me a new word: draw <strong id="word">${escapeHtml(m.word)}</strong>`
        : `Draw <strong id="word">${escapeHtml(m.word)}</strong>`;
      $("guesses").innerHTML = ""; $("line").textContent = ""; showError("");
      $("result").classList.add("hidden");
      setState("drawing"); setDrawingTools(true);
      startClock();
    },
    guesses(m) {
      if (m.round !== state.round) return;
      say(m.line);
      $("guesses").innerHTML = m.guesses.map(([word, p]) =>
        `<li>${escapeHtml(word)} <span class="meter" style="width:${Math.round(p * 120)}px"></span> ${Math.round(p * 100)}%</li>`
      ).join("");
    },
    result(m) {
      stopClock(); setDrawingTools(false); setState("result");
      state.results.push(m);
      if (window.speechSynthesis && $("speak").checked) speechSynthesis.cancel();
      say(m.line);
      const seconds = (ms) => (ms / 1000).toFixed(1);
      $("result-text").innerHTML = m.recognized
        ? `<span class="ok">Recognised in ${seconds(m.time_ms)} s</span> (${m.attempts} wrong guess${m.attempts === 1 ? "" : "es"} first)`
        : `<span class="miss">Not recognised</span> (${m.reason === "timeout" ? "time is up" : "skipped"})`;
      $("result").dataset.roundId = m.round_id;
      $("feedback-label").value = ""; $("feedback-done").textContent = "";
      $("feedback-form").classList.remove("hidden");
      $("next").classList.toggle("hidden", m.last);
      $("result").classList.remove("hidden");
    },
    game_over(m) { state.over = true; state.game = null; state.round = null; showEnd(m.summary); },
    error(m) {
      if (state.resumeTries && (m.code === "conflict" || m.code === "not_found")) { giveUp(m.detail); return; }
      showError(m.detail);
      if (m.code === "conflict" && !state.game) $("start").disabled = false;
    },
  };

  // --- countdown -------------------------------------------------------------------------------------
  function startClock() {
    stopClock();
    const show = () => {
      const left = Math.max(0, (state.deadline - performance.now()) / 1000);
      $("countdown").textContent = left.toFixed(1);
      $("countdown").classList.toggle("low", left < 5);
    };
    show();
    state.tick = setInterval(show, 100);
  }
  function stopClock() { if (state.tick) { clearInterval(state.tick); state.tick = null; } }

  // --- feedback --------------------------------------------------------------------------------------
  async function feedback(body) {
    const id = $("result").dataset.roundId;
    try {
      await LoopLab.api(`/api/pictionary/rounds/${id}/feedback`, { method: "POST", body: JSON.stringify(body) });
      $("feedback-done").textContent = "Thanks, noted.";
    } catch (e) { $("feedback-done").textContent = e.message; }
  }
  $("feedback-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const label = $("feedback-label").value.trim();
    if (label) feedback({ label });
  });
  $("feedback-flag").addEventListener("click", () => feedback({ flag: true }));

  // --- end screen ------------------------------------------------------------------------------------
  async function showEnd(summary) {
    setState("over");
    $("result").classList.add("hidden");
    $("end").classList.remove("hidden");
    const seconds = (ms) => (ms / 1000).toFixed(1);
    const best = summary.personal_best;
    $("end-summary").innerHTML =
      `${summary.recognized} of ${summary.rounds_played} recognised` +
      (summary.taught ? ` · ${summary.taught} new word${summary.taught === 1 ? "" : "s"} taught` : "") +
      ` · total time ${seconds(summary.total_ms)} s` +
      (summary.is_personal_best ? " · <strong>new personal best!</strong>"
        : best ? ` · personal best ${best.recognized} in ${seconds(best.total_ms)} s` : "");
    $("thumbs").innerHTML = summary.rounds.map((r) => `
      <figure data-round-id="${r.id}">
        ${r.bitmap_url ? `<img src="${r.bitmap_url}" alt="${escapeHtml(r.word)}">` : "<div>(no drawing)</div>"}
        <figcaption class="${r.recognized ? "ok" : "miss"}">${escapeHtml(r.word)}<br>
          ${r.recognized ? `${seconds(r.time_ms)} s` : "not recognised"}</figcaption>
      </figure>`).join("");
    try {
      const board = await LoopLab.api("/api/pictionary/leaderboard");
      $("leaderboard").querySelector("tbody").innerHTML = board.map((row) =>
        `<tr><td>${row.rank}</td><td>${escapeHtml(row.player)}</td><td>${row.recognized}/${row.rounds}</td>` +
        `<td>${seconds(row.total_ms)} s</td></tr>`).join("");
    } catch (e) { /* the leaderboard is a bonus */ }
    $("start").disabled = false;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  LoopLab.bindLogin((user) => {
    $("login-card").classList.toggle("hidden", !!user);
    $("game-card").classList.toggle("hidden", !user);
    if (user) {
      $("user-name").textContent = user.name;
      LoopLab.api("/api/pictionary/words").then((words) => {
        $("word-list").innerHTML = words.map((w) => `<option value="${escapeHtml(w.word)}">`).join("");
      }, () => {});
    }
    else if (state.ws) state.ws.close();
  });
})();

// Tiny client for LoopLab's API, shared by the pages served at / and /play.
const LoopLab = {
  csrf() {
    const m = document.cookie.match(/(?:^|; )looplab_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  },
  async api(path, options = {}) {
    const headers = { "Content-Type": "application/json", "X-CSRF-Token": LoopLab.csrf(), ...(options.headers || {}) };
    const response = await fetch(path, { credentials: "same-origin", ...options, headers });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = { detail: text }; }
    if (!response.ok) throw new Error((body && body.detail) || response.statusText);
    return body;
  },
  me() { return LoopLab.api("/api/auth/me"); },
  login(name, password) { return LoopLab.api("/api/auth/login", { method: "POST", body: JSON.stringify({ name, password }) }); },
  register(name, password) { return LoopLab.api("/api/auth/register", { method: "POST", body: JSON.stringify({ name, password }) }); },
  logout() { return LoopLab.api("/api/auth/logout", { method: "POST" }); },
  // Wires the login form (#login-form with #name, #password, #register, #error) and calls onUser(user|null).
  bindLogin(onUser) {
    const form = document.getElementById("login-form");
    const error = document.getElementById("error");
    const fields = () => [document.getElementById("name").value, document.getElementById("password").value];
    const show = (message) => { error.textContent = message || ""; };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try { const out = await LoopLab.login(...fields()); show(""); onUser(out.user); } catch (e) { show(e.message); }
    });
    document.getElementById("register").addEventListener("click", async () => {
      try { await LoopLab.register(...fields()); const out = await LoopLab.login(...fields()); show(""); onUser(out.user); }
      catch (e) { show(e.message); }
    });
    document.getElementById("logout").addEventListener("click", async () => {
      try { await LoopLab.logout(); } catch (e) { /* already logged out */ }
      onUser(null);
    });
    LoopLab.me().then(onUser, () => onUser(null));
  },
};

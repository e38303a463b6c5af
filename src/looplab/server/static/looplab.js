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
  LOGIN_FORM: `
    <form id="login-form">
      <label>Name <input id="name" autocomplete="username" required></label>
      <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
      <button type="submit" id="login">Log in</button>
      <button type="button" class="secondary" id="register">Register</button>
    </form>
    <p id="error" role="alert"></p>`,
  // Adds the login form to #login-card (one form for every page), wires it and the page's #logout button,
  // and calls onUser(user|null) now and after each login or logout.
  bindLogin(onUser) {
    document.getElementById("login-card").insertAdjacentHTML("beforeend", LoopLab.LOGIN_FORM);
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

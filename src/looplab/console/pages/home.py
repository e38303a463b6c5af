import streamlit as st

from looplab.console import state

st.title("LoopLab console")
st.caption(f"Server: {state.server_url()}")
client = state.client()
current = state.user()

if current:
    st.success(f"Logged in as **{current['name']}** ({current['role']}).")
    if st.button("Log out"):
        state.call(client.logout)
        st.session_state.pop("user", None)
        st.rerun()
else:
    with st.form("login"):
        name = st.text_input("Name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        col_login, col_register = st.columns(2)
        login = col_login.form_submit_button("Log in", type="primary")
        register = col_register.form_submit_button("Register")
    if register and state.call(client.register, name, password) is not None:
        st.toast(f"Registered {name}")
        login = True
    if login:
        logged_in = state.call(client.login, name, password)
        if logged_in:
            st.session_state.user = logged_in
            st.rerun()

st.markdown(
    "**See, label, learn, serve, improve.** The console is where officers and admins label crops, start "
    "training jobs, compare model versions and follow notifications. Players play Pictionary in the browser at "
    f"[{state.server_url()}/play]({state.server_url()}/play)."
)

import pandas as pd
import streamlit as st

from looplab.console import state

st.title("Notifications")
state.require_admin()
client = state.client()

channels = state.call(client.get, "/api/notifications/channels") or {"count": 0}
st.caption(f"{channels['count']} channel(s) configured in LOOPLAB_NOTIFY_URLS (apprise URLs).")
if st.button("Send test notification") and state.call(client.post, "/api/notifications/test"):
    st.toast("Test notification queued")

history = state.call(client.get, "/api/notifications") or []
if history:
    st.dataframe(
        pd.DataFrame(history)[["created_at", "event", "title", "status", "attempts", "last_error"]],
        hide_index=True,
    )
else:
    st.info("Nothing sent yet.")

import pandas as pd
import streamlit as st

from looplab.console import state

st.title("Models")
current = state.require_login()
client = state.client()

versions = state.call(client.get, "/api/models") or []
if not versions:
    st.info("No model versions yet.")
    st.stop()

for app_name in sorted({version["app"] for version in versions}):
    st.subheader(app_name)
    rows = [v for v in versions if v["app"] == app_name]
    table = pd.DataFrame(
        [
            {
                "version": v["version"],
                "status": v["status"],
                "created": v["created_at"],
                **v["metrics"],
                "id": v["id"],
            }
            for v in rows
        ]
    )
    st.dataframe(table, hide_index=True)
    numeric = [
        c
        for c in table.columns
        if c not in ("version", "status", "created", "id") and pd.api.types.is_numeric_dtype(table[c])
    ]
    if numeric and len(table) > 1:
        st.line_chart(table.set_index("version")[numeric].sort_index())
    if current["role"] == "admin":
        col_promote, col_rollback = st.columns(2)
        labels = {v["id"]: f"v{v['version']} ({v['status']})" for v in rows}
        choice = col_promote.selectbox("Version", list(labels), key=f"pick-{app_name}", format_func=labels.__getitem__)
        if col_promote.button("Promote", key=f"promote-{app_name}") and state.call(
            client.post, f"/api/models/{choice}/promote"
        ):
            st.rerun()
        if col_rollback.button("Roll back", key=f"rollback-{app_name}") and state.call(
            client.post, f"/api/models/{app_name}/rollback"
        ):
            st.rerun()

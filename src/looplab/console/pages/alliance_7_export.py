import pandas as pd
import streamlit as st

from looplab.console import alliance_ui as ui
from looplab.console import state

st.title("Export and files")
state.require_admin()
ui.alliance()

client = state.client()
cols = st.columns(3)
for col, (label, params, name, mime) in zip(
    cols,
    (
        ("Members (CSV)", {"what": "members"}, "alliance_members.csv", "text/csv"),
        ("Readings (CSV)", {"what": "readings"}, "alliance_readings.csv", "text/csv"),
        (
            "Members and readings (Excel)",
            {"format": "xlsx"},
            "alliance.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ),
    strict=True,
):
    data = state.call(
        client.get, "/api/alliance/export", params={"alliance": st.session_state.get("alliance", "default"), **params}
    )
    if data is not None:
        col.download_button(label, data if isinstance(data, bytes) else str(data).encode(), file_name=name, mime=mime)

st.subheader("Screenshots")
status = st.segmented_control("Status", ["booked", "rejected", "removed"], default="rejected")
shots = ui.get("/screenshots", status=status) if status else []
if shots:
    st.dataframe(
        pd.DataFrame(shots)[["day", "source_name", "status", "reason", "rows_read", "created_at"]], hide_index=True
    )
else:
    st.info("None.")

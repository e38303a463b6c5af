import pandas as pd
import streamlit as st

from looplab.console import alliance_ui as ui
from looplab.console import state

st.title("Alliance members")
state.require_admin()
ui.alliance()

with st.expander("Upload screenshots"):
    st.caption(
        "Or drop them into the server's input folder. The day comes from a date in the file name "
        "(e.g. 20251111), else from the file's time."
    )
    uploads = st.file_uploader(
        "Screenshots", type=["png", "jpg", "jpeg", "webp"], accept_multiple_files=True, key="alliance_upload"
    )
    if uploads and st.button("Ingest", type="primary"):
        files = [("files", (f.name, f.getvalue(), f.type or "application/octet-stream")) for f in uploads]
        job = ui.post("/ingest", files=files)
        if job:
            job = ui.follow_job(job)
            if job.get("result"):
                for outcome in job["result"]["outcomes"]:
                    line = f"{outcome['name']} ({outcome['day']}): {outcome['status']}"
                    (st.write if outcome["status"] == "booked" else st.warning)(line + f" {outcome.get('reason', '')}")

table = ui.get("/members")
if not table:
    st.stop()
if not table["members"]:
    st.info("No members yet: ingest a day's screenshots first.")
    st.stop()
columns = table["columns"]
column = st.selectbox("Value", columns, index=0) if len(columns) > 1 else columns[0]
st.caption(f"{len(table['members'])} members over {len(table['days'])} days ({', '.join(table['days'][-3:])} …)")
rows = [
    {
        "name": m["name"],
        "days seen": m.get("days_seen", 0),
        "days AFK": m.get("days_afk", 0),
        "AFK streak": m.get("afk_streak", 0),
        "days low": m.get("days_low", 0),
        f"{column} latest": m.get("latest", {}).get(column),
        f"{column} total": m.get("totals", {}).get(column, 0),
        f"{column} average": m.get("averages", {}).get(column),
        "trend": [v if v is not None else 0 for v in m.get("trend", {}).get(column, [])],
        "aliases": ", ".join(m["aliases"]),
    }
    for m in table["members"]
]
frame = pd.DataFrame(rows).sort_values(["AFK streak", "days AFK"], ascending=False)
st.dataframe(
    frame,
    hide_index=True,
    use_container_width=True,
    column_config={"trend": st.column_config.LineChartColumn(f"{column} per day", y_min=0)},
)

import altair as alt
import pandas as pd
import streamlit as st

from looplab.console import alliance_ui as ui
from looplab.console import state

st.title("Member")
state.require_admin()
ui.alliance()

table = ui.get("/members")
if not table or not table["members"]:
    st.info("No members yet.")
    st.stop()
members = {m["name"]: m["id"] for m in table["members"]}
name = st.selectbox("Member", list(members))
member = ui.get(f"/members/{members[name]}")
if not member:
    st.stop()

cols = st.columns(4)
cols[0].metric("Days seen", member.get("days_seen", 0))
cols[1].metric("Days AFK", member.get("days_afk", 0))
cols[2].metric("AFK streak", member.get("afk_streak", 0))
cols[3].metric("Days low", member.get("days_low", 0))
st.caption(f"Tracked since {member.get('first_day') or '-'}")
if member["aliases"]:
    st.caption("Also read as: " + ", ".join(member["aliases"]))

points = [
    {"day": day, "value": value, "column": column}
    for column, series in member.get("trend", {}).items()
    for day, value in zip(member.get("days", []), series, strict=False)
    if value is not None
]
if points:
    st.subheader("History")
    chart = (
        alt.Chart(pd.DataFrame(points))
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title=None), y=alt.Y("value:Q", title=None), color="column:N", tooltip=["day", "value"]
        )
    )
    st.altair_chart(chart, use_container_width=True)
    afk, low = member.get("afk_days", []), member.get("low_days", [])
    if afk or low:
        st.caption(f"AFK on: {', '.join(afk) or '-'} · low on: {', '.join(low) or '-'}")

st.subheader("Readings and the crops behind them")
readings = member["readings"]
if readings:
    columns = member["columns"]
    rows = []
    for r in reversed(readings):
        entry = {"day": r["day"], "name read": r["name_read"], "name crop": ui.data_url(r["name_crop"])}
        for i, value in enumerate(r["numbers"]):
            label = columns[i] if i < len(columns) else f"col{i + 1}"
            entry[label] = value
            entry[f"{label} crop"] = ui.data_url(r["crops"][i] if i < len(r["crops"]) else None)
            entry[f"{label} conf."] = round(r["confidences"][i], 0) if i < len(r["confidences"]) else None
        entry["source"] = r["source"]
        rows.append(entry)
    image_columns = {k: st.column_config.ImageColumn(k) for k in rows[0] if k.endswith("crop")}
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config=image_columns, row_height=48)
else:
    st.info("No readings booked for this member.")

with st.expander("Rename or merge"):
    new_name = st.text_input("New display name", value=member["name"])
    if (
        st.button("Rename")
        and new_name != member["name"]
        and ui.post(f"/members/{member['id']}/rename", json={"name": new_name})
    ):
        st.rerun()
    others = {n: i for n, i in members.items() if i != member["id"]}
    target = st.selectbox("Merge this member into", list(others), index=None)
    merge = target and st.button(f"Merge {member['name']} into {target}", type="primary")
    if merge and ui.post(f"/members/{member['id']}/merge", json={"into": others[target]}):
        st.success(f"Merged into {target}; the old names are kept as aliases.")

with st.expander("History of names"):
    st.json(member["history"])

import pandas as pd
import streamlit as st

from looplab.console import alliance_ui as ui
from looplab.console import state

st.title("Day view")
state.require_admin()
ui.alliance()

days = ui.get("/days") or []
if not days:
    st.info("No days booked yet.")
    st.stop()
labels = {f"{d['day']} · {d['readings']} readings · {d['review']} to review": d["day"] for d in days}
day = labels[st.selectbox("Day", list(labels))]
view = ui.get(f"/days/{day}")
if not view:
    st.stop()
if st.button("Read this day again", help="with the current region classifier; the day is booked again"):
    job = ui.post("/screenshots/reread", json={"day": day})
    if job and ui.follow_job(job)["state"] == "succeeded":
        st.rerun()

left, right = st.columns([3, 2])
with right:
    st.subheader("Booked")
    if view["readings"]:
        columns = view["columns"]
        rows = [
            {
                "member": r["member"],
                **{columns[i] if i < len(columns) else f"col{i + 1}": v for i, v in enumerate(r["numbers"])},
            }
            for r in view["readings"]
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    if view["review"]:
        st.warning(
            f"{len(view['review'])} row(s) wait in the review queue: "
            + ", ".join(i["name_read"] for i in view["review"])
        )
with left:
    for shot in view["screenshots"]:
        title, action = st.columns([4, 1])
        title.markdown(f"**{shot['source_name']}** · {shot['status']} {shot['reason']}")
        remove = shot["status"] == "booked" and action.button(
            "Remove", key=f"rm{shot['id']}", help="Take it out of this day"
        )
        if remove and state.call(state.client().request, "DELETE", f"/api/alliance/screenshots/{shot['id']}"):
            st.rerun()
        if shot["status"] == "booked":
            image = state.call(state.client().get, f"/api/alliance/screenshots/{shot['id']}/image")
            if image:
                st.image(
                    image,
                    caption=f"{shot['rows_read']} rows read (green: read without doubt, orange: the reader had doubts)",
                )

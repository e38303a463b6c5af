import streamlit as st

from looplab.console import alliance_ui as ui
from looplab.console import state

st.title("Label region crops")
state.require_admin()
ui.alliance()
st.caption(
    "Crops the region classifier is least sure about come first. Keys: **1** name, **2** number, **3** other, "
    "**z** undo. Labelled crops train a new classifier, promoted only if it is not worse on held-out crops."
)

stats = ui.get("/labels/stats") or {"total": 0, "labeled": 0, "unlabeled": 0, "per_label": {}}
st.progress(
    stats["labeled"] / max(stats["total"], 1),
    text=f"{stats['labeled']} of {stats['total']} labelled {stats['per_label']}",
)

queue = ui.get("/labels/next", limit=1) or []
undo_stack: list[str] = st.session_state.setdefault("alliance_label_undo", [])

if queue:
    crop = queue[0]
    picture = ui.crop(crop["blob_key"])
    if picture:
        st.image(picture, width=480)
    st.caption(f"classifier says **{crop['predicted']}** ({crop['confidence']:.0%})")
    cols = st.columns(4)
    for col, (label, key) in zip(cols, (("name", "1"), ("number", "2"), ("other", "3")), strict=False):
        clicked = col.button(f"{label} ({key})", key=f"label_{label}", shortcut=key, use_container_width=True)
        if clicked and ui.post(f"/labels/{crop['id']}", json={"label": label}):
            undo_stack.append(crop["id"])
            st.rerun()
else:
    st.success("Every crop is labelled.")
if st.button("Undo (z)", shortcut="z", disabled=not undo_stack) and ui.post(f"/labels/{undo_stack[-1]}/undo"):
    undo_stack.pop()
    st.rerun()

st.divider()
epochs = st.slider("Epochs", 1, 40, 10)
if st.button("Train a new region classifier", disabled=stats["labeled"] < 12):
    job = ui.post("/train", json={"epochs": epochs})
    if job:
        job = ui.follow_job(job)
        if job.get("result"):
            st.write(job["result"].get("decision"))
            st.json(job["result"])

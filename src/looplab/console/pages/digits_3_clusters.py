import pandas as pd
import streamlit as st

from looplab.console import state

st.title("Digits: clusters")
current = state.require_login()
client = state.client()
st.caption(
    "Clusters come from a model that never saw a label. The *evaluation digit* is Hungarian matching against the "
    "true MNIST labels after training (used only to measure the model). The *app digit* comes from an admin naming "
    "the cluster here, else from at least three user corrections, else falls back to the evaluation digit."
)


@st.fragment(run_every=2.0)
def cluster_map() -> None:
    job_id = st.session_state.get("digits_map_job")
    job = state.call(client.job, job_id) if job_id else None
    if job and job["state"] in ("queued", "running"):
        st.progress(job["progress"], text=f"map: {job['message']}")
        return
    try:
        points = client.get("/api/digits/map")
    except Exception:  # noqa: BLE001 - no map yet
        points = None
    if points:
        colour = st.radio("Colour by", ["cluster", "true label"], horizontal=True)
        frame = pd.DataFrame(points)
        frame["colour"] = frame["cluster" if colour == "cluster" else "label"].astype(str)
        st.scatter_chart(frame, x="x", y="y", color="colour", height=420)
        st.caption(f"UMAP of the model's 10-d outputs for {len(frame)} MNIST test digits.")
    elif current["role"] == "admin" and st.button("Compute the 2D map"):
        started = state.call(client.submit_job, "digits.map", {})
        if started:
            st.session_state.digits_map_job = started["id"]


st.subheader("Map")
cluster_map()
clusters = state.call(client.get, "/api/digits/clusters") or []
for row in clusters:
    with st.container(border=True):
        left, middle, right = st.columns([4, 2, 2])
        left.image(
            client.get(f"/api/digits/clusters/{row['cluster']}/exemplars.png"), caption=f"cluster {row['cluster']}"
        )
        middle.metric("App digit", "?" if row["digit"] is None else row["digit"], help=f"from {row['digit_source']}")
        middle.caption(f"evaluation digit {row['evaluation_digit']} · size {row['size']} · purity {row['purity']}")
        if current["role"] == "admin":
            choice = right.selectbox("Name it", list(range(10)), key=f"name-{row['cluster']}",
                                     index=row["digit"] if row["digit"] is not None else 0)  # fmt: skip
            if (
                right.button("Save name", key=f"save-{row['cluster']}")
                and state.call(client.post, f"/api/digits/clusters/{row['cluster']}/name", json={"digit": choice})
                is not None
            ):
                st.rerun()

versions = state.call(client.get, "/api/models", params={"app": "digits"}) or []
if versions:
    st.subheader("Model versions")
    table = pd.DataFrame([{"version": v["version"], "status": v["status"], **v["metrics"]} for v in versions])
    st.dataframe(table, hide_index=True)
    metric_columns = [c for c in ("acc", "nmi", "ari") if c in table.columns]
    if metric_columns and len(table) > 1:
        st.line_chart(table.set_index("version")[metric_columns].sort_index())

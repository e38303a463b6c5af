import pandas as pd
import streamlit as st

from looplab.console import state

st.title("Jobs")
state.require_login()
client = state.client()

with st.expander("Start a demo job"):
    steps = st.slider("Steps", 1, 60, 10)
    if st.button("Start demo job"):
        job = state.call(client.submit_job, "demo", {"steps": steps, "delay_s": 0.5})
        if job:
            st.session_state.watch_job = job["id"]


@st.fragment(run_every=1.0)
def live_jobs() -> None:
    jobs = state.call(client.get, "/api/jobs", params={"limit": 30}) or []
    active = [job for job in jobs if job["state"] in ("queued", "running")]
    for job in active:
        st.progress(job["progress"], text=f"{job['kind']} · {job['state']} · {job['message']}")
    watched = st.session_state.get("watch_job")
    if watched and not any(job["id"] == watched for job in active):
        done = next((job for job in jobs if job["id"] == watched), None)
        if done:
            (st.success if done["state"] == "succeeded" else st.error)(
                f"{done['kind']} {done['state']}: {done['error'] or done['result']}"
            )
    if jobs:
        table = pd.DataFrame(jobs)[["id", "kind", "state", "progress", "message", "created_at", "finished_at"]]
        st.dataframe(
            table,
            hide_index=True,
            column_config={"progress": st.column_config.ProgressColumn(min_value=0, max_value=1)},
        )
    else:
        st.info("No jobs yet.")


live_jobs()

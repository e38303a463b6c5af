import pandas as pd
import streamlit as st

from looplab.console import state

KIND = "pictionary.retrain"

st.title("Pictionary: training")
state.require_admin()
client = state.client()

pending = (state.call(client.get, "/api/pictionary/stats/feedback") or {}).get("pending", 0)
st.metric("Feedback drawings waiting", pending, help="corrections and teach-mode drawings no retrain job used yet")

with st.form("retrain"):
    st.subheader("Retrain the champion")
    st.caption(
        "Fine-tunes the champion on players' corrections and teach-mode drawings, plus a replay sample of its base "
        "data; promotes the candidate only if it is not worse on the fixed held-out set, otherwise keeps it as "
        "rejected with its metrics. Without a data folder it fine-tunes on feedback only and leaves a candidate."
    )
    data_dir = st.text_input("Data folder (<category>.npy, on the server)", value="")
    col_epochs, col_replay, col_holdout = st.columns(3)
    epochs = col_epochs.number_input("Epochs", 1, 50, 3)
    replay = col_replay.number_input("Replay drawings per word", 0, 5000, 100)
    holdout = col_holdout.number_input("Held-out drawings per word", 10, 5000, 100)
    if st.form_submit_button("Start retrain job", type="primary"):
        params = {"epochs": int(epochs), "replay_per_class": int(replay), "holdout_per_class": int(holdout)}
        if data_dir.strip():
            params["data_dir"] = data_dir.strip()
        job = state.call(client.submit_job, KIND, params)
        if job:
            st.session_state.pictionary_job = job["id"]


@st.fragment(run_every=1.0)
def progress() -> None:
    jobs = [j for j in state.call(client.get, "/api/jobs", params={"limit": 50}) or [] if j["kind"] == KIND]
    for job in jobs:
        if job["state"] in ("queued", "running"):
            st.progress(job["progress"], text=f"{job['state']} · {job['message']}")
    if jobs:
        last = jobs[0]
        if last["state"] == "succeeded" and last["result"]:
            result = last["result"]
            (st.success if result["status"] == "champion" else st.warning)(
                f"v{result['version']}: {result['decision']}"
                + (f" · taught: {', '.join(result['taught'])}" if result.get("taught") else "")
            )
        elif last["state"] in ("failed", "interrupted"):
            st.error(last["error"])
        table = pd.DataFrame(jobs)[["state", "progress", "message", "created_at", "finished_at"]]
        st.dataframe(
            table,
            hide_index=True,
            column_config={"progress": st.column_config.ProgressColumn(min_value=0, max_value=1)},
        )


progress()

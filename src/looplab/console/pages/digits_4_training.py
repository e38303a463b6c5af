import streamlit as st

from looplab.console import state

st.title("Digits: training")
state.require_admin()
client = state.client()
st.caption(
    "Fits the unsupervised pipeline (deskew, UMAP, GMM, then a small CNN self-trained on the clusters) on MNIST "
    "files in the data folder (`looplab digits data fetch`). Labels, when present, only score the finished fit. "
    "A new version is promoted when its ACC is not worse than the champion's; a notification says how it went."
)
with st.form("train"):
    data_dir = st.text_input("MNIST folder on the server (empty: <data dir>/mnist)")
    limit = st.number_input("Use at most N images (0: all)", min_value=0, value=0, step=1000)
    epochs = st.slider("Self-training epochs", 1, 10, 6)
    if st.form_submit_button("Train", type="primary"):
        params = {"self_train_epochs": epochs, **({"data_dir": data_dir} if data_dir else {})}
        if limit:
            params["limit"] = int(limit)
        job = state.call(client.submit_job, "digits.train", params)
        if job:
            st.session_state.digits_job = job["id"]


@st.fragment(run_every=1.0)
def progress() -> None:
    job_id = st.session_state.get("digits_job")
    if not job_id:
        return
    job = state.call(client.job, job_id)
    if not job:
        return
    st.progress(job["progress"], text=f"{job['state']} · {job['message']}")
    if job["state"] == "succeeded":
        st.success(f"version {job['result']['version']}: {job['result']}")
    elif job["state"] in ("failed", "interrupted"):
        st.error(job["error"])


progress()

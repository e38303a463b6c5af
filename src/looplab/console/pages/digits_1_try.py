import streamlit as st

from looplab.console import state

st.title("Digits: try the model")
state.require_login()
client = state.client()
st.caption(
    f"Upload photos or scans of handwritten digits, or draw one at [{state.server_url()}/digits]"
    f"({state.server_url()}/digits). Every image is normalised to MNIST style, predicted and kept."
)

uploads = st.file_uploader("Images (PNG, JPEG, WebP)", type=["png", "jpg", "jpeg", "webp"], accept_multiple_files=True)
if uploads and st.button("Predict", type="primary"):
    files = [
        ("files", (upload.name, upload.getvalue(), upload.type or "application/octet-stream")) for upload in uploads
    ]
    st.session_state.digits_results = state.call(
        client.post, "/api/digits/images", files=files, data={"source": "upload"}
    )

for result in st.session_state.get("digits_results") or []:
    with st.container(border=True):
        if result["error"]:
            st.error(f"{result['filename']}: {result['error']}")
            continue
        image = result["image"]
        col_original, col_normalised, col_prediction, col_exemplars = st.columns([1, 1, 2, 3])
        col_original.image(client.get(f"/api/digits/images/{image['id']}/original.png"), caption=image["filename"])
        col_normalised.image(
            client.get(f"/api/digits/images/{image['id']}/normalised.png"), caption="normalised", width=84
        )
        digit = "?" if image["digit"] is None else image["digit"]
        col_prediction.metric("Prediction", digit, help=f"digit from {image['digit_source']}")
        col_prediction.caption(f"cluster {image['cluster']} · confidence {image['confidence']:.1%}")
        col_exemplars.image(client.get(f"/api/digits/clusters/{image['cluster']}/exemplars.png"), caption="its cluster")
        correction = col_prediction.selectbox("It was", ["—", *range(10)], key=f"fix-{image['id']}")
        save = correction != "—" and col_prediction.button("Save correction", key=f"save-{image['id']}")
        if save and state.call(client.post, f"/api/digits/images/{image['id']}/correction", json={"digit": correction}):
            st.toast(f"Stored as {correction}")

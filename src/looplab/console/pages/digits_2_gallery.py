import streamlit as st

from looplab.console import state

st.title("Digits: gallery")
current = state.require_login()
client = state.client()

summary = state.call(client.get, "/api/digits/summary") or {}
cols = st.columns(4)
cols[0].metric("Images kept", summary.get("images", 0))
cols[1].metric("Corrected", summary.get("corrected", 0))
accuracy = summary.get("recent_feedback_accuracy")
cols[2].metric("Accuracy on recent feedback", "—" if accuracy is None else f"{accuracy:.0%}")
cols[3].metric("Alert below", f"{summary.get('alert_accuracy', 0):.0%}")

f1, f2, f3, f4 = st.columns(4)
digit = f1.selectbox("Predicted digit", ["any", *range(10)])
cluster = f2.selectbox("Cluster", ["any", *range(10)])
corrected = f3.selectbox("Corrections", ["any", "corrected", "not corrected"])
everyone = f4.toggle("Everyone's images", value=current["role"] == "admin", disabled=current["role"] != "admin")
params = {"limit": 120, "everyone": everyone}
if digit != "any":
    params["digit"] = digit
if cluster != "any":
    params["cluster"] = cluster
if corrected != "any":
    params["corrected"] = corrected == "corrected"
images = state.call(client.get, "/api/digits/images", params=params) or []
if not images:
    st.info("No images yet: try the model on the previous page.")
columns = st.columns(10)
for i, image in enumerate(images):
    label = f"{'?' if image['digit'] is None else image['digit']}"
    if image["corrected_digit"] is not None and image["corrected_digit"] != image["digit"]:
        label += f" → {image['corrected_digit']}"
    columns[i % 10].image(client.get(f"/api/digits/images/{image['id']}/normalised.png"), caption=label, width=56)

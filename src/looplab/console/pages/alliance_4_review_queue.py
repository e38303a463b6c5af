import streamlit as st

from looplab.console import alliance_ui as ui
from looplab.console import state

st.title("Review queue")
state.require_admin()
ui.alliance()

items = ui.get("/review") or []
if not items:
    st.success("Nothing to review.")
    st.stop()
st.caption(f"{len(items)} open item(s), newest day first.")
plain_new = [i for i in items if i["kind"] == "name" and not i["member_id"] and len(i["reasons"]) == 1]
if plain_new and st.button(f"Make the {len(plain_new)} plain new name(s) members", help="no close member, no doubt"):
    done = ui.post("/review/new-members")
    if done is not None:
        st.toast(f"{len(done['created'])} new member(s)")
        st.rerun()
members = {m["name"]: m["id"] for m in (ui.get("/members") or {"members": []})["members"]}

for item in items[:25]:
    with st.container(border=True):
        head, crops = st.columns([2, 3])
        head.markdown(f"**{item['name_read']}** · {item['day']} · {item['kind']}")
        head.caption("; ".join(item["reasons"]))
        if name_crop := ui.crop(item["name_crop"]):
            crops.image(name_crop, caption=f"name (conf. {item['name_confidence']:.0f})")
        for i, value in enumerate(item["numbers"]):
            picture = ui.crop(item["crops"][i] if i < len(item["crops"]) else None)
            if picture:
                crops.image(picture, caption=f"read {value}")
        candidates = [f"{c['name']} ({c['score']:.0f})" for c in item["candidates"]]
        by_label = {f"{c['name']} ({c['score']:.0f})": c["member_id"] for c in item["candidates"]}
        by_label.update({n: i for n, i in members.items() if not any(c["member_id"] == i for c in item["candidates"])})
        default = next((k for k, v in by_label.items() if v == item["member_id"]), None)
        options = list(by_label)
        choice = st.selectbox(
            "Member", options, index=options.index(default) if default in options else None, key=f"m{item['id']}"
        )
        numbers = st.text_input(
            "Numbers (comma separated, empty: as read)",
            value="",
            key=f"n{item['id']}",
            placeholder=str(item["numbers"]),
        )
        a, b, c = st.columns(3)
        if a.button("Accept for member", key=f"a{item['id']}", type="primary", disabled=choice is None):
            body = {"member_id": by_label[choice]}
            if numbers.strip():
                body["numbers"] = [int(x) if x.strip() else None for x in numbers.split(",")]
            if ui.post(f"/review/{item['id']}/assign", json=body):
                st.rerun()
        new_name = b.text_input(
            "New member name", value=item["name_read"], key=f"t{item['id']}", label_visibility="collapsed"
        )
        if b.button("New member", key=f"c{item['id']}") and ui.post(
            f"/review/{item['id']}/new-member", json={"name": new_name}
        ):
            st.rerun()
        if c.button("Dismiss", key=f"d{item['id']}") and ui.post(f"/review/{item['id']}/dismiss"):
            st.rerun()

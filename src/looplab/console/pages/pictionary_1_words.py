import pandas as pd
import streamlit as st

from looplab.console import state

st.title("Pictionary: words")
state.require_admin()
client = state.client()
st.caption(
    "Players draw the enabled words. A word the champion does not know is played in **teach** mode: its drawings "
    "become training data, and it joins normal play once a retrain job's model recognises it on held-out drawings."
)

words = state.call(client.get, "/api/pictionary/words", params={"all": True}) or []
if words:
    table = pd.DataFrame(words)[["word", "category", "enabled", "mode", "source", "id"]]
    edited = st.data_editor(
        table,
        hide_index=True,
        disabled=["mode", "source", "id"],
        column_config={"enabled": st.column_config.CheckboxColumn("enabled")},
        key="words-editor",
    )
    st.caption(
        f"{int(table['enabled'].sum())} of {len(table)} enabled · "
        f"{int((table['mode'] == 'teach').sum())} in teach mode · {table['category'].nunique()} categories"
    )
    if st.button("Save changes", type="primary"):
        changed = 0
        for before, after in zip(table.to_dict("records"), edited.to_dict("records"), strict=True):
            patch = {k: after[k] for k in ("word", "category", "enabled") if after[k] != before[k]}
            if patch and state.call(client.request, "PATCH", f"/api/pictionary/words/{before['id']}", json=patch):
                changed += 1
        st.success(f"{changed} word(s) updated")
        st.rerun()
else:
    st.info("No words yet: they are loaded from the starter set when the server starts.")

with st.form("add-word", clear_on_submit=True):
    st.subheader("Add a word")
    col_word, col_category, col_enabled = st.columns([2, 2, 1])
    word = col_word.text_input("Word")
    category = col_category.text_input("Category", value="other")
    enabled = col_enabled.checkbox("Enabled", value=True)
    if st.form_submit_button("Add") and word:
        created = state.call(
            client.post, "/api/pictionary/words", json={"word": word, "category": category, "enabled": enabled}
        )
        if created:
            st.success(f"{created['word']} added ({created['mode']} mode)")
            st.rerun()

st.subheader("Import a categories.txt")
st.caption("One Quick, Draw! category name per line; new words come disabled, with their game category.")
upload = st.file_uploader("categories.txt", type=["txt"])
if upload is not None and st.button("Import"):
    out = state.call(client.post, "/api/pictionary/words/import", content=upload.getvalue())
    if out:
        st.success(f"{out['added']} added, {out['existing']} already there")

import streamlit as st

from looplab.console import state

st.title("Pictionary: gallery")
state.require_admin()
client = state.client()

words = [w["word"] for w in state.call(client.get, "/api/pictionary/words", params={"all": True}) or []]
col_word, col_filter = st.columns([2, 1])
word = col_word.selectbox("Word", words) if words else None
only = col_filter.radio("Show", ["all", "flagged", "likely mislabeled"], horizontal=True)


def grid(rounds: list[dict], per_row: int = 8) -> None:
    for start in range(0, len(rounds), per_row):
        for column, item in zip(st.columns(per_row), rounds[start : start + per_row], strict=False):
            png = state.call(client.get, item["bitmap_url"])
            if png:
                column.image(png, width=84)
            mark = "✓" if item["recognized"] else "✗"
            extra = f" · said {item['feedback_label']}" if item.get("feedback_label") else ""
            extra += " · flagged" if item.get("flagged") else ""
            extra += f" · sees {item['model_sees']} ({item['score']:.2f})" if "score" in item else ""
            column.caption(f"{mark} {item['word']}{extra}")


if word:
    if only == "likely mislabeled":
        found = state.call(client.get, "/api/pictionary/stats/outliers", params={"word": word}) or {}
        st.caption(
            f"{found.get('drawings', 0)} drawings of {word}; the farthest from the word's typical drawing in the "
            "model's eyes come first (likely junk or another word)"
        )
        grid(found.get("outliers", []))
    else:
        params = {"word": word, "limit": 64} | ({"flagged": True} if only == "flagged" else {})
        rounds = state.call(client.get, "/api/pictionary/stats/gallery", params=params) or []
        if not rounds:
            st.info("No drawings yet.")
        grid(rounds)

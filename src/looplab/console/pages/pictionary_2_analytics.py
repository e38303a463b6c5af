import pandas as pd
import streamlit as st

from looplab.console import state

st.title("Pictionary: analytics")
state.require_admin()
client = state.client()

words = state.call(client.get, "/api/pictionary/stats/words") or []
if not words:
    st.info("No rounds played yet.")
    st.stop()

table = pd.DataFrame(words)
col_hard, col_easy = st.columns(2)
columns = ["word", "category", "rounds", "recognition_rate", "median_time_ms", "mean_attempts"]
rate = st.column_config.ProgressColumn("recognised", min_value=0, max_value=1, format="percent")
col_hard.subheader("Hardest words")
col_hard.dataframe(table[columns].head(10), hide_index=True, column_config={"recognition_rate": rate})
col_easy.subheader("Easiest words")
easiest = table[columns].sort_values(["recognition_rate", "median_time_ms"], ascending=[False, True]).head(10)
col_easy.dataframe(easiest, hide_index=True, column_config={"recognition_rate": rate})

st.subheader("Per category")
categories = pd.DataFrame(state.call(client.get, "/api/pictionary/stats/categories") or [])
if not categories.empty:
    st.bar_chart(categories.set_index("category")["recognition_rate"])
    st.dataframe(categories, hide_index=True)

st.subheader("Model versions over time")
models = pd.DataFrame(state.call(client.get, "/api/pictionary/stats/models") or [])
if not models.empty:
    models["live_recognition"] = models["live"].map(lambda live: live["recognition_rate"])
    models["live_rounds"] = models["live"].map(lambda live: live["rounds"])
    shown = ["version", "status", "holdout_top1", "player_top1", "live_recognition", "live_rounds", "notes"]
    st.dataframe(models[shown], hide_index=True)
    chart = models.set_index("version")[["holdout_top1", "live_recognition"]].astype(float)
    if len(chart) > 1:
        st.line_chart(chart)

st.subheader("Players")
players = pd.DataFrame(state.call(client.get, "/api/pictionary/stats/players") or [])
if not players.empty:
    st.dataframe(players.drop(columns=["user_id"]), hide_index=True)
    name = st.selectbox("History of", players["player"].tolist())
    history = state.call(client.get, f"/api/pictionary/stats/players/{name}") if name else None
    if history and history["games"]:
        games = pd.DataFrame(history["games"])
        games["game"] = range(1, len(games) + 1)
        st.line_chart(games.set_index("game")[["recognized"]])
        st.dataframe(pd.DataFrame(history["words"]), hide_index=True)

st.subheader("Confusion matrix of recent games")
confusion = state.call(client.get, "/api/pictionary/stats/confusion") or {}
if confusion.get("labels"):
    matrix = pd.DataFrame(confusion["matrix"], index=confusion["labels"], columns=confusion["labels"])
    matrix = matrix.loc[(matrix.sum(axis=1) > 0)]
    st.caption(f"rows: the word drawn · columns: the model's final top guess · {confusion['rounds']} rounds")
    st.dataframe(matrix.style.background_gradient(cmap="Blues", axis=None))

"""LoopLab console: a Streamlit multipage app, a client of the server's HTTP API."""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent

st.set_page_config(page_title="LoopLab console", page_icon=":material/loop:", layout="wide")

pages = {
    "LoopLab": [
        st.Page(str(HERE / "pages" / "home.py"), title="Home", icon=":material/home:", default=True),
        st.Page(str(HERE / "pages" / "jobs.py"), title="Jobs", icon=":material/work_history:"),
        st.Page(str(HERE / "pages" / "models.py"), title="Models", icon=":material/model_training:"),
        st.Page(str(HERE / "pages" / "notifications.py"), title="Notifications", icon=":material/notifications:"),
    ],
}
st.navigation(pages).run()

"""LoopLab console: a Streamlit multipage app, a client of the server's HTTP API.

Platform pages are listed here; an app adds pages by dropping ``pages/<app>_<n>_<title>.py`` files
(e.g. ``alliance_2_review_queue.py`` becomes "Review queue" under "Alliance"), ordered by ``<n>``.
"""

from pathlib import Path

import streamlit as st

from looplab.apps import APPS

PAGES = Path(__file__).parent / "pages"
APP_ICONS = {"alliance": ":material/groups:", "pictionary": ":material/draw:", "digits": ":material/pin:"}

st.set_page_config(page_title="LoopLab console", page_icon=":material/loop:", layout="wide")


def app_pages(app: str) -> list:
    pages = []
    for path in sorted(PAGES.glob(f"{app}_*.py")):
        parts = path.stem.split("_")[1:]
        if parts and parts[0].isdigit():
            parts = parts[1:]
        title = " ".join(parts).capitalize()
        pages.append(st.Page(str(path), title=title, icon=APP_ICONS.get(app), url_path=path.stem))
    return pages


sections = {
    "LoopLab": [
        st.Page(str(PAGES / "home.py"), title="Home", icon=":material/home:", default=True),
        st.Page(str(PAGES / "jobs.py"), title="Jobs", icon=":material/work_history:"),
        st.Page(str(PAGES / "models.py"), title="Models", icon=":material/model_training:"),
        st.Page(str(PAGES / "notifications.py"), title="Notifications", icon=":material/notifications:"),
    ],
}
for app in APPS:
    if pages := app_pages(app):
        sections[app.capitalize()] = pages
st.navigation(sections).run()

import streamlit as st

from looplab.console import alliance_ui as ui
from looplab.console import state

st.title("Alliance rules")
state.require_admin()
ui.alliance()

current = ui.get("/rules")
if not current:
    st.stop()
rules = current["rules"]

with st.form("rules"):
    columns = st.text_input("Number columns, left to right (comma separated)", ", ".join(rules["columns"]))
    names = [c.strip() for c in columns.split(",") if c.strip()]
    st.markdown("**AFK**")
    afk_if_absent = st.checkbox("Absent from the day's list counts as AFK", rules["afk_if_absent"])
    a, b = st.columns(2)
    afk_column = a.selectbox(
        "AFK when this column…",
        ["", *names],
        index=([""] + names).index(rules["afk_column"]) if rules["afk_column"] in names else 0,
    )
    afk_max = b.number_input("…is at most", value=float(rules["afk_max"]))
    st.markdown("**Low participation**")
    a, b, c = st.columns(3)
    low_column = a.selectbox(
        "Column", ["", *names], index=([""] + names).index(rules["low_column"]) if rules["low_column"] in names else 0
    )
    low_below = b.number_input("Below (0: off)", value=float(rules["low_below"] or 0))
    low_percentile = c.number_input("Or below percentile (0: off)", 0.0, 99.0, float(rules["low_percentile"] or 0))
    st.markdown("**Plausibility and names**")
    a, b, c = st.columns(3)
    cumulative = a.multiselect("Counters that only grow", names, [c for c in rules["cumulative_columns"] if c in names])
    factor = b.number_input("Implausible beyond x usual", 2.0, 10000.0, float(rules["implausible_factor"]))
    accept = c.number_input("Name match to book directly (0-100)", 0.0, 100.0, float(rules["name_accept"]))
    st.markdown("**Alerts**")
    a, b, c = st.columns(3)
    afk_alert_days = a.number_input("Alert at AFK streak of (days, 0: off)", 0, 365, int(rules["afk_alert_days"]))
    daily_summary = b.checkbox("Daily summary", rules["daily_summary"])
    auto_add = c.checkbox("First day builds the roster", rules["auto_add_first_day"])
    if st.form_submit_button("Save", type="primary"):
        body = {
            "columns": names,
            "afk_if_absent": afk_if_absent,
            "afk_column": afk_column,
            "afk_max": afk_max,
            "low_column": low_column,
            "low_below": low_below or None,
            "low_percentile": low_percentile or None,
            "cumulative_columns": cumulative,
            "implausible_factor": factor,
            "name_accept": accept,
            "afk_alert_days": afk_alert_days,
            "daily_summary": daily_summary,
            "auto_add_first_day": auto_add,
        }
        if ui.put("/rules", json=body):
            st.success("Saved.")
            st.rerun()

with st.expander("As TOML (also read from rules.toml in the input folder)"):
    text = st.text_area("rules.toml", current["toml"], height=320)
    if st.button("Save TOML") and ui.put("/rules/toml", json={"toml": text}):
        st.success("Saved.")
        st.rerun()

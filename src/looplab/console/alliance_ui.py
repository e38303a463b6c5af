"""Small helpers shared by the alliance console pages (all data comes from the server's API)."""

from __future__ import annotations

import base64
import time
from typing import Any

import streamlit as st

from looplab.console import state


def alliance() -> str:
    """The alliance the pages show, chosen in the sidebar when the books hold more than one."""
    names = state.call(state.client().get, "/api/alliance/alliances") or ["default"]
    if len(names) == 1:
        return names[0]
    current = st.session_state.get("alliance", names[0])
    index = names.index(current) if current in names else 0
    st.session_state.alliance = st.sidebar.selectbox("Alliance", names, index=index)
    return st.session_state.alliance


def _with_alliance(params: dict[str, Any] | None) -> dict[str, Any]:
    return {"alliance": st.session_state.get("alliance", "default"), **(params or {})}


def get(path: str, **params: Any) -> Any:
    return state.call(state.client().get, f"/api/alliance{path}", params=_with_alliance(params))


def post(path: str, **kwargs: Any) -> Any:
    kwargs["params"] = _with_alliance(kwargs.get("params"))
    return state.call(state.client().post, f"/api/alliance{path}", **kwargs)


def put(path: str, **kwargs: Any) -> Any:
    kwargs["params"] = _with_alliance(kwargs.get("params"))
    return state.call(state.client().request, "PUT", f"/api/alliance{path}", **kwargs)


@st.cache_data(max_entries=2000, show_spinner=False)
def _blob(_client_id: int, path: str) -> bytes | None:
    try:
        return state.client().get(path)
    except Exception:  # noqa: BLE001 - a missing crop shows as empty, not as an error page
        return None


def crop(key: str | None) -> bytes | None:
    """A crop image by blob key (cached: crops never change)."""
    if not key:
        return None
    return _blob(id(state.client()), f"/api/alliance/crops/{key}")


def data_url(key: str | None) -> str | None:
    """A crop as a ``data:`` URL, for ``st.column_config.ImageColumn`` thumbnails."""
    data = crop(key)
    return "data:image/png;base64," + base64.b64encode(data).decode() if data else None


def follow_job(job: dict[str, Any], timeout_s: float = 600) -> dict[str, Any]:
    """Draw a job's progress until it ends."""
    bar = st.progress(0.0, text=f"{job['kind']}: queued")
    deadline = time.monotonic() + timeout_s
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = state.call(state.client().job, job["id"]) or job
        bar.progress(float(job["progress"]), text=f"{job['kind']}: {job['message']}")
    if job["state"] == "succeeded":
        st.success(f"{job['kind']} finished")
    else:
        st.error(f"{job['kind']} {job['state']}: {job.get('error')}")
    return job

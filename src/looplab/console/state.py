"""Login state and the API client for the console's pages (the console holds no business logic)."""

from __future__ import annotations

import os

import streamlit as st

from looplab.api_client import ApiClient, ApiError


def server_url() -> str:
    return os.environ.get("LOOPLAB_SERVER_URL", "http://127.0.0.1:8000").rstrip("/")


def client() -> ApiClient:
    if "client" not in st.session_state:
        st.session_state.client = ApiClient(server_url())
    return st.session_state.client


def user() -> dict | None:
    return st.session_state.get("user")


def require_login() -> dict:
    current = user()
    if current is None:
        st.info("Log in first (Home page).")
        st.stop()
    return current


def require_admin() -> dict:
    current = require_login()
    if current["role"] != "admin":
        st.warning("This page is for admins.")
        st.stop()
    return current


def call(fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    """Run an API call and show its error instead of a traceback; returns None on error."""
    try:
        return fn(*args, **kwargs)
    except ApiError as err:
        if err.status == 401:
            st.session_state.pop("user", None)
        st.error(err.detail if err.status else str(err))
        return None

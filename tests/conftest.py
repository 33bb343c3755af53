"""Fixtures every test module shares."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own report cache, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("EXCEL_EXTRACT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _private_config(tmp_path_factory, monkeypatch):
    """Each test gets its own configuration folder (no learned vocabulary),
    never the user's."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("EXCEL_EXTRACT_CONFIG_DIR", str(folder))
    return folder

from __future__ import annotations

import subprocess
import sys


def test_server_with_all_routes_loaded_does_not_import_torch(tmp_path) -> None:
    code = f"""
import sys
from fastapi.testclient import TestClient
from looplab.settings import Settings
from looplab.server.app import create_app
settings = Settings(data_dir={str(tmp_path / "data")!r}, secret_key="k")
with TestClient(create_app(settings)) as client:
    assert client.get("/health").status_code == 200
print("torch" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"

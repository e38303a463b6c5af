"""Foundation figures: server start to first /health, server memory with every default model loaded,
and `looplab --help` time, each beside a baseline measured in the same run.

Baselines: a bare FastAPI app under uvicorn (start time, memory) and the Python interpreter starting
with nothing imported (`--help`).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
BARE_APP = """
import sys
import uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/health")
def health():
    return {"status": "ok"}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_health(url: str, process: subprocess.Popen, timeout: float = 120) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return time.perf_counter() - start
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise TimeoutError(url)


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def load_every_model(url: str) -> dict[str, int]:
    """Touch each app's predict route so its champion is loaded, as in real serving."""
    client = httpx.Client(base_url=url, timeout=60)
    token = client.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    drawing = [[[10, 60, 110, 160], [20, 80, 20, 80]], [[30, 130], [140, 140]]]
    canvas = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(canvas).line([(140, 40), (140, 240)], fill=0, width=24)
    png = io.BytesIO()
    canvas.save(png, format="PNG")
    screen = Image.fromarray(np.full((800, 450, 3), 235, np.uint8))
    ImageDraw.Draw(screen).text((40, 100), "Alice   1,234", fill=(20, 20, 20), font_size=36)
    jpeg = io.BytesIO()
    screen.save(jpeg, format="JPEG")
    requests = {
        "pictionary": ("/api/pictionary/guess", {"json": {"drawing": drawing}}),
        "digits": ("/api/digits/predict", {"files": {"file": ("d.png", png.getvalue())}}),
        "alliance": ("/api/alliance/read", {"files": {"file": ("s.jpg", jpeg.getvalue())}}),
    }
    return {app: client.post(path, headers=headers, **kwargs).status_code for app, (path, kwargs) in requests.items()}


def measure_server(repeats: int) -> dict:
    starts, bare_starts, rss, bare_rss, codes = [], [], [], [], {}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            env = {
                **os.environ,
                "LOOPLAB_DATA_DIR": tmp,
                "LOOPLAB_PORT": str(port),
                "LOOPLAB_ADMIN_USER": "admin",
                "LOOPLAB_ADMIN_PASSWORD": "admin-password",
            }
            process = start([sys.executable, "-m", "looplab.cli", "serve"], env)
            try:
                starts.append(wait_health(f"http://127.0.0.1:{port}", process))
                codes = load_every_model(f"http://127.0.0.1:{port}")
                rss.append(rss_mb(process.pid))
            finally:
                process.terminate()
                process.wait(20)
        port = free_port()
        bare = start([sys.executable, "-c", BARE_APP, str(port)], dict(os.environ))
        try:
            bare_starts.append(wait_health(f"http://127.0.0.1:{port}", bare))
            bare_rss.append(rss_mb(bare.pid))
        finally:
            bare.terminate()
            bare.wait(20)
    return {
        "start_to_health_s": statistics.median(starts),
        "baseline_bare_fastapi_start_s": statistics.median(bare_starts),
        "rss_mb_all_models": statistics.median(rss),
        "baseline_bare_fastapi_rss_mb": statistics.median(bare_rss),
        "model_routes_status": codes,
    }


def measure_help(repeats: int) -> dict:
    def timed(command: list[str]) -> float:
        begin = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - begin

    looplab = str(Path(sys.executable).with_name("looplab"))
    help_times = [timed([looplab, "--help"]) for _ in range(repeats)]
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(repeats)]
    return {"help_s": statistics.median(help_times), "baseline_python_start_s": statistics.median(bare)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the JSON only")
    args = parser.parse_args()
    figures = {**measure_server(args.repeats), **measure_help(args.repeats * 3)}
    figures["ratios"] = {
        "start_vs_bare_fastapi": figures["start_to_health_s"] / figures["baseline_bare_fastapi_start_s"],
        "rss_vs_bare_fastapi": figures["rss_mb_all_models"] / figures["baseline_bare_fastapi_rss_mb"],
        "help_vs_python_start": figures["help_s"] / figures["baseline_python_start_s"],
    }
    figures["goals"] = {"start_to_health_s": 5.0, "rss_mb_all_models": 400.0, "help_s": 0.5}
    figures["machine"] = {"cores": os.cpu_count(), "python": sys.version.split()[0]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "foundation.json").write_text(json.dumps(figures, indent=2) + "\n")
    if args.json:
        print(json.dumps(figures))
        return
    rows = [
        ("server start to /health (s)", figures["start_to_health_s"], figures["baseline_bare_fastapi_start_s"], 5.0),
        ("server RSS, all models (MB)", figures["rss_mb_all_models"], figures["baseline_bare_fastapi_rss_mb"], 400.0),
        ("looplab --help (s)", figures["help_s"], figures["baseline_python_start_s"], 0.5),
    ]
    print(f"{'figure':<32}{'LoopLab':>10}{'baseline':>10}{'ratio':>8}{'goal':>8}")
    for name, value, baseline, goal in rows:
        print(f"{name:<32}{value:>10.2f}{baseline:>10.2f}{value / baseline:>8.2f}{goal:>8.1f}")
    print("model routes:", figures["model_routes_status"])


if __name__ == "__main__":
    main()

"""LoopLab: small image models with a human in the loop."""

import os

# ONNX Runtime otherwise writes a telemetry device id under ~/.cache at import: the server must keep nothing on
# its machine in the cloud mode, and LoopLab sends no telemetry anywhere.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"

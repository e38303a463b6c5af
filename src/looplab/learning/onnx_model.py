"""Serving-side inference with ONNX Runtime. Never imports torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np


class OnnxModel:
    """A small ONNX model with one float input and one output, run on the CPU.

    ``intra_op_threads=1`` by default: the models are tiny, and one thread per session keeps
    many concurrent requests from fighting over the two cores.
    """

    def __init__(self, model: bytes | str | Path, *, intra_op_threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        source = model if isinstance(model, bytes) else str(model)
        self.session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def run(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: np.ascontiguousarray(batch, dtype=np.float32)})[0]

    def predict_proba(self, batch: np.ndarray) -> np.ndarray:
        """Softmax over the model's logits, row by row."""
        logits = self.run(batch)
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

"""A small CNN image classifier: train with torch on the CPU, export to ONNX for serving.

Input convention: ``uint8`` arrays ``(N, H, W)``; the network sees ``x / 255`` as ``(N, 1, H, W)``.
Only training workers and offline commands import this module (it imports torch).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

ProgressFn = Callable[[float, str], None]


def build_small_cnn(n_classes: int, size: int = 28, width: int = 32) -> nn.Module:
    """Three conv blocks and a linear head: ~100k parameters at width 32, a few ms per batch on one core."""
    layers: list[nn.Module] = []
    channels = [1, width, width * 2, width * 4]
    for c_in, c_out in zip(channels[:-1], channels[1:], strict=True):
        layers += [
            nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        ]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(channels[-1], n_classes)]
    return nn.Sequential(*layers)


@dataclass
class TrainConfig:
    epochs: int = 8
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0
    threads: int | None = None
    augment: bool = True


def _to_tensor(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32) / 255.0).unsqueeze(1)


def _augment(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Small random shifts (up to 2 px), cheap enough for the CPU."""
    shift_x, shift_y = (int(v) for v in torch.randint(-2, 3, (2,), generator=generator))
    return torch.roll(batch, shifts=(shift_y, shift_x), dims=(2, 3))


def train_classifier(
    images: np.ndarray,
    labels: np.ndarray,
    n_classes: int,
    config: TrainConfig | None = None,
    *,
    model: nn.Module | None = None,
    progress: ProgressFn | None = None,
) -> nn.Module:
    """Train (or fine-tune, when ``model`` is given) and return the model in eval mode.

    Classes are balanced by weighting the loss with inverse class frequency.
    """
    config = config or TrainConfig()
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    model = model or build_small_cnn(n_classes, size=images.shape[1])
    x = _to_tensor(images)
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    counts = torch.bincount(y, minlength=n_classes).float().clamp(min=1)
    loss_fn = nn.CrossEntropyLoss(weight=(counts.sum() / counts) / n_classes)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = max(1, (len(x) + config.batch_size - 1) // config.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.lr, total_steps=config.epochs * steps_per_epoch
    )
    for epoch in range(config.epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        total_loss = 0.0
        for step in range(steps_per_epoch):
            index = order[step * config.batch_size : (step + 1) * config.batch_size]
            batch = x[index]
            if config.augment:
                batch = _augment(batch, generator)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(batch), y[index])
            loss.backward()
            optimizer.step()
            scheduler.step()
            total_loss += float(loss.detach()) * len(index)
        if progress:
            progress(
                (epoch + 1) / config.epochs,
                f"epoch {epoch + 1}/{config.epochs} loss {total_loss / len(x):.4f}",
            )
    return model.eval()


@torch.no_grad()
def predict_proba(model: nn.Module, images: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    model.eval()
    outputs = [
        torch.softmax(model(_to_tensor(images[i : i + batch_size])), dim=1).numpy()
        for i in range(0, len(images), batch_size)
    ]
    return np.concatenate(outputs) if outputs else np.zeros((0, 0), dtype=np.float32)


def export_onnx(model: nn.Module, size: int | tuple[int, int] = 28) -> bytes:
    """ONNX bytes with a dynamic batch axis; input ``x`` is float32 ``(N, 1, H, W)`` in 0..1.

    ``size`` is the side of a square input, or ``(height, width)``.
    """
    model.eval()
    buffer = io.BytesIO()
    height, width = (size, size) if isinstance(size, int) else size
    dummy = torch.zeros(1, 1, height, width)
    torch.onnx.export(
        model,
        (dummy,),
        buffer,
        input_names=["x"],
        output_names=["logits"],
        dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    return buffer.getvalue()

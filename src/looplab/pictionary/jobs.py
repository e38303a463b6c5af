"""The retrain job: fine-tune the champion on players' feedback drawings, promote it only if it is not worse.

prepare (server): the champion's artifacts and the labelled player drawings, as bytes and arrays.
work (worker process): replay sample + fixed held-out set from a data folder, ``training.fine_tune``,
  champion vs. candidate on the held-out set and on held-back recent player drawings.
finish (server): register the candidate (champion or rejected, with its metrics), mark the drawings used,
  move taught words into normal play once the new champion recognises them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import defer

from looplab.jobs.kinds import JobKind, ProgressFn, register_job_kind
from looplab.learning.registry import RegistryError
from looplab.pictionary.config import GameSettings
from looplab.pictionary.models import PictionaryRound, PictionaryWord
from looplab.storage.base import utcnow

if TYPE_CHECKING:
    from looplab.jobs.models import Job
    from looplab.jobs.runner import JobRunner
    from looplab.platform import Platform

KIND = "pictionary.retrain"
EVAL_SHARE = 5  # one labelled player drawing in 5 is held back for evaluation (by a hash of its id)
MAX_DRAWINGS = 5000


def _held_back(round_id: str) -> bool:
    return int(hashlib.sha256(round_id.encode()).hexdigest()[:8], 16) % EVAL_SHARE == 0


def _decode(png: bytes) -> np.ndarray:
    import cv2

    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None or image.shape != (28, 28):
        raise ValueError("stored drawing is not a 28x28 PNG")
    return image


def _label(row: PictionaryRound) -> str | None:
    if row.flagged:
        return None
    if row.feedback_label:
        return row.feedback_label
    if row.play_mode == "teach" or row.recognized:
        return row.word
    return None


def prepare(platform: Platform, params: dict[str, Any]) -> dict[str, Any]:
    champion = platform.registry.champion("pictionary")
    if champion is None:
        raise RuntimeError("pictionary has no champion model to fine-tune")
    try:
        state = platform.registry.artifact(champion, "state_dict.npz")
    except RegistryError as err:
        raise RuntimeError(f"the champion (v{champion.version}) has no weights to fine-tune: {err}") from err
    metadata = json.loads(platform.registry.artifact(champion, "model.json"))
    with platform.db.session() as session:
        rows = list(
            session.scalars(
                select(PictionaryRound)
                .options(defer(PictionaryRound.strokes), defer(PictionaryRound.raw_strokes))
                .where(PictionaryRound.bitmap_key.is_not(None), PictionaryRound.flagged.is_(False))
                .order_by(PictionaryRound.ended_at.desc())
                .limit(MAX_DRAWINGS)
            )
        )
        teach_words = list(
            session.scalars(
                select(PictionaryWord.word).where(PictionaryWord.play_mode == "teach", PictionaryWord.enabled.is_(True))
            )
        )
        game_words = list(session.scalars(select(PictionaryWord.word)))
    # A correction is learnt only when it names a word the model or the game knows: free text ("a red apple",
    # typos) must not grow the model by a class.
    known = {w.lower(): w for w in [*game_words, *metadata["classes"]]}
    train_x, train_y, train_ids, eval_x, eval_y = [], [], [], [], []
    unusable = 0
    for row in rows:
        label = _label(row)
        if label is None:
            continue
        if label.lower() not in known:
            unusable += 1
            continue
        label = known[label.lower()]
        feedback = row.feedback_label is not None or row.play_mode == "teach"
        if _held_back(row.id):
            eval_x.append(_decode(platform.blobs.get(row.bitmap_key)))
            eval_y.append(label)
        elif feedback and row.trained_in is None:
            train_x.append(_decode(platform.blobs.get(row.bitmap_key)))
            train_y.append(label)
            train_ids.append(row.id)
    data_dir = params.get("data_dir") or platform.settings.pictionary_replay_dir or None
    return {
        "state": state,
        "onnx": platform.registry.artifact(champion, "model.onnx"),
        "classes": list(metadata["classes"]),
        "width": int(metadata.get("arch", {}).get("width", 32)),
        "champion_id": champion.id,
        "champion_version": champion.version,
        "train_images": np.asarray(train_x, np.uint8).reshape(-1, 28, 28),
        "train_labels": train_y,
        "train_ids": train_ids,
        "eval_images": np.asarray(eval_x, np.uint8).reshape(-1, 28, 28),
        "eval_labels": eval_y,
        "unusable_labels": unusable,
        "teach_words": teach_words,
        "data_dir": str(data_dir) if data_dir else None,
        "replay_per_class": int(params.get("replay_per_class", 100)),
        "holdout_per_class": int(params.get("holdout_per_class", 100)),
        "epochs": max(1, min(int(params.get("epochs", 3)), 50)),
        "tolerance": float(params.get("tolerance", 0.0)),
        "seed": int(params.get("seed", 0)),
    }


def _base_data(inputs: dict[str, Any], messages: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Replay rows (train part) and the fixed held-out rows of each known class, from ``data_dir``."""
    from looplab.pictionary import quickdraw

    empty = np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64)
    folder = inputs["data_dir"]
    if not folder or not Path(folder).is_dir():
        messages.append(
            "no replay data (pass data_dir, a folder of <category>.npy): fine-tuning on feedback drawings only, "
            "and without a fixed held-out set the candidate is not promoted automatically"
        )
        return (*empty, *empty)
    rng = np.random.default_rng(inputs["seed"])
    rx, ry, hx, hy = [], [], [], []
    for label, name in enumerate(inputs["classes"]):
        path = Path(folder) / f"{name}.npy"
        if not path.is_file():
            continue
        images = quickdraw.load_bitmaps(path)
        start = quickdraw.holdout_start(len(images))
        take = rng.choice(start, size=min(start, inputs["replay_per_class"]), replace=False)
        rx.append(np.asarray(images[np.sort(take)]))
        ry.append(np.full(len(take), label))
        held = np.asarray(images[start : start + inputs["holdout_per_class"]])
        hx.append(held)
        hy.append(np.full(len(held), label))
    if not rx:
        messages.append(f"no <category>.npy of the model's classes in {folder}: fine-tuning on feedback only")
        return (*empty, *empty)
    messages.append(f"replay: {sum(map(len, rx))} drawings, held-out: {sum(map(len, hx))} drawings from {folder}")
    return np.concatenate(rx), np.concatenate(ry), np.concatenate(hx), np.concatenate(hy)


def _top1(probs: np.ndarray, labels: list[str] | np.ndarray, classes: list[str]) -> float | None:
    if len(labels) == 0:
        return None
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index.get(w, -1) if isinstance(w, str) else int(w) for w in labels])
    return round(float((probs.argmax(axis=1) == y).mean()), 4)


def retrain_work(inputs: dict[str, Any], progress: ProgressFn) -> dict[str, Any]:
    from looplab.learning.onnx_model import OnnxModel
    from looplab.pictionary.training import fine_tune

    messages: list[str] = []
    if inputs.get("unusable_labels"):
        messages.append(f"{inputs['unusable_labels']} corrections name no known word and were left out")
    if not len(inputs["train_labels"]):
        raise RuntimeError("no new feedback drawings to learn from (corrections or teach-mode drawings)")
    replay_x, replay_y, hold_x, hold_y = _base_data(inputs, messages)
    for message in messages:
        progress(0.0, message)
    onnx, state, metadata = fine_tune(
        inputs["state"],
        inputs["classes"],
        inputs["train_images"],
        inputs["train_labels"],
        replay_x,
        replay_y.tolist(),
        lambda f, m: progress(0.85 * f, m),
        epochs=inputs["epochs"],
        width=inputs["width"],
        seed=inputs["seed"],
    )
    progress(0.9, "evaluating champion and candidate")
    champion, candidate = OnnxModel(inputs["onnx"]), OnnxModel(onnx)
    cand_classes = list(metadata["classes"])

    def probs(model: OnnxModel, images: np.ndarray) -> np.ndarray:
        return model.predict_proba(images.reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)

    metrics: dict[str, Any] = {"n_new": len(inputs["train_labels"]), "n_replay": int(len(replay_y))}
    if len(hold_y):
        metrics["holdout_top1"] = _top1(probs(candidate, hold_x), hold_y, cand_classes)
        metrics["champion_holdout_top1"] = _top1(probs(champion, hold_x), hold_y, inputs["classes"])
        metrics["n_holdout"] = int(len(hold_y))
    eval_x, eval_y = inputs["eval_images"], inputs["eval_labels"]
    taught: dict[str, float] = {}
    if len(eval_y):
        cand_probs = probs(candidate, eval_x)
        metrics["player_top1"] = _top1(cand_probs, eval_y, cand_classes)
        metrics["champion_player_top1"] = _top1(probs(champion, eval_x), eval_y, inputs["classes"])
        metrics["n_player_eval"] = len(eval_y)
        for word in inputs["teach_words"]:
            mask = np.array([w == word for w in eval_y])
            if mask.any() and word in cand_classes:
                taught[word] = _top1(cand_probs[mask], [word] * int(mask.sum()), cand_classes)
    metrics["teach_top1"] = taught
    progress(1.0, "evaluated")
    return {
        "onnx": onnx,
        "state": state,
        "metadata": metadata,
        "metrics": metrics,
        "messages": messages,
        "train_ids": inputs["train_ids"],
    }


def finish(platform: Platform, job: Job, output: dict[str, Any]) -> dict[str, Any]:
    inputs_champion = platform.registry.champion("pictionary")
    metrics = output["metrics"]
    tolerance = float(job.params.get("tolerance", 0.0))
    cand, champ = metrics.get("holdout_top1"), metrics.get("champion_holdout_top1")
    if cand is None or champ is None:
        status, why = "candidate", "no fixed held-out set: left as a candidate for an admin to review"
    elif cand >= champ - tolerance:
        status, why = "champion", f"held-out top-1 {cand:.3f} vs champion {champ:.3f}: not worse, promoted"
    else:
        status, why = "rejected", f"held-out top-1 {cand:.3f} vs champion {champ:.3f}: worse, rejected"
    metadata = output["metadata"]
    version = platform.registry.register(
        "pictionary",
        "quickdraw-cnn",
        {
            "model.onnx": output["onnx"],
            "model.json": json.dumps(metadata).encode(),
            "state_dict.npz": output["state"],
        },
        metrics=metrics,
        meta={"job_id": job.id, "classes": metadata["classes"], "messages": output["messages"]},
        parent_id=inputs_champion.id if inputs_champion else None,
        status=status,
        notes=why,
    )
    train_ids = list(output.get("train_ids", []))
    taught = []
    with platform.db.session() as session:
        if train_ids:
            session.execute(update(PictionaryRound).where(PictionaryRound.id.in_(train_ids)).values(trained_in=job.id))
        if status == "champion":
            rate = platform.settings.pictionary_teach_promote_rate
            for word, top1 in metrics.get("teach_top1", {}).items():
                if top1 is not None and top1 >= rate:
                    session.execute(
                        update(PictionaryWord)
                        .where(PictionaryWord.word == word, PictionaryWord.play_mode == "teach")
                        .values(play_mode="play", updated_at=utcnow())
                    )
                    taught.append(word)
    return {
        "version": version.version,
        "status": status,
        "decision": why,
        "holdout_top1": cand,
        "champion_holdout_top1": champ,
        "player_top1": metrics.get("player_top1"),
        "champion_player_top1": metrics.get("champion_player_top1"),
        "n_new": metrics.get("n_new"),
        "n_replay": metrics.get("n_replay"),
        "taught": taught,
        "messages": output["messages"],
    }


def maybe_auto_retrain(platform: Platform, runner: JobRunner, config: GameSettings) -> str | None:
    """Start a retrain job once ``retrain_after`` new feedback drawings wait, unless one is queued or running."""
    from looplab.jobs.models import Job
    from looplab.pictionary.service import feedback_pending

    if config.retrain_after <= 0 or feedback_pending(platform.db) < config.retrain_after:
        return None
    with platform.db.session() as session:
        busy = session.scalar(select(Job.id).where(Job.kind == KIND, Job.state.in_(("queued", "running"))).limit(1))
    if busy:
        return None
    return runner.submit(KIND, {"automatic": True}).id


RETRAIN = register_job_kind(
    JobKind(
        name=KIND,
        work=retrain_work,
        prepare=prepare,
        finish=finish,
        description="fine-tune the pictionary champion on players' feedback drawings; promote if not worse",
    )
)

"""Likely mislabeled or junk drawings of a word, for the admin to review.

Each drawing of a word is placed in the champion's probability space (one coordinate per known word);
drawings far from the word's median point, or that the model gives the word little chance, come first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import defer

from looplab.pictionary.models import PictionaryRound
from looplab.pictionary.service import round_dict

if TYPE_CHECKING:
    from looplab.platform import Platform


def outlier_scores(probs: np.ndarray, word_index: int | None) -> np.ndarray:
    """Distance to the median probability vector (L1, 0..2), plus (1 - p(word)) when the model knows the word."""
    if len(probs) == 0:
        return np.zeros(0)
    centre = np.median(probs, axis=0)
    score = np.abs(probs - centre).sum(axis=1)
    if word_index is not None:
        score = score + (1.0 - probs[:, word_index])
    return score


def word_outliers(platform: Platform, guesser: Any, word: str, limit: int = 24, window: int = 300) -> dict[str, Any]:
    import cv2

    with platform.db.session() as session:
        rows = list(
            session.scalars(
                select(PictionaryRound)
                .options(defer(PictionaryRound.strokes), defer(PictionaryRound.raw_strokes))
                .where(PictionaryRound.word == word, PictionaryRound.bitmap_key.is_not(None))
                .order_by(PictionaryRound.ended_at.desc())
                .limit(window)
            )
        )
    images, kept = [], []
    for row in rows:
        image = cv2.imdecode(np.frombuffer(platform.blobs.get(row.bitmap_key), np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is not None and image.shape == (28, 28):
            images.append(image)
            kept.append(row)
    if not kept:
        return {"word": word, "drawings": 0, "outliers": []}
    probs = guesser.probabilities(np.stack(images))
    index = guesser.classes.index(word) if word in guesser.classes else None
    scores = outlier_scores(probs, index)
    order = np.argsort(-scores)[:limit]
    out = []
    for i in order:
        top = int(np.argmax(probs[i]))
        out.append(
            round_dict(kept[i])
            | {
                "score": round(float(scores[i]), 4),
                "p_word": None if index is None else round(float(probs[i, index]), 4),
                "model_sees": guesser.classes[top],
            }
        )
    return {"word": word, "drawings": len(kept), "outliers": out}

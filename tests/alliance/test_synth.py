"""The synthetic screenshot generator: its truth must be readable, so no text is drawn over other text."""

from __future__ import annotations

from tests.alliance.synth import make_screenshot


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_no_name_or_number_is_drawn_over_another() -> None:
    # the benchmark's seeds, development and held out (20040 drew a K column over its neighbour; 20071 a
    # long first number under the name into the right-aligned second)
    for seed in range(20_000, 20_100):
        texts = [e for e in make_screenshot(seed).elements if e.kind in ("name", "number")]
        clashes = [(a.text, b.text) for i, a in enumerate(texts) for b in texts[i + 1 :] if _overlap(a.box, b.box)]
        assert clashes == [], (seed, clashes[:3])


def test_an_avatar_is_drawn_inside_its_box() -> None:
    # its decorations once stuck out left and touched a two-digit rank beside it (seed 20088's "11")
    import random

    import numpy as np
    from PIL import Image, ImageDraw

    from tests.alliance.synth import _avatar

    for seed in range(40):
        image = Image.new("RGB", (200, 200), (255, 255, 255))
        _avatar(ImageDraw.Draw(image), 60, 60, 80, random.Random(seed))
        drawn = np.argwhere((np.asarray(image) != 255).any(axis=2))
        assert drawn.min(axis=0).tolist() >= [60, 60] and drawn.max(axis=0).tolist() <= [140, 140], seed

"""The synthetic screenshot generator: its truth must be readable, so no text is drawn over other text."""

from __future__ import annotations

from tests.alliance.synth import make_screenshot


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_no_name_or_number_is_drawn_over_another() -> None:
    for seed in range(20_000, 20_050):  # the benchmark's seeds (20040 drew a K column over its neighbour)
        texts = [e for e in make_screenshot(seed).elements if e.kind in ("name", "number")]
        clashes = [(a.text, b.text) for i, a in enumerate(texts) for b in texts[i + 1 :] if _overlap(a.box, b.box)]
        assert clashes == [], (seed, clashes[:3])

"""Alliance reader benchmark: synthetic screens with ground truth and transcribed real screens.

Run: ``OMP_THREAD_LIMIT=1 .venv/bin/python bench/alliance.py [n_synthetic [n_untouched]]``.
Writes bench/results/alliance.json.
The baseline is plain Tesseract on the whole screenshot (automatic page segmentation), each output
line split naively into numbers (tokens that parse) and a name (the rest).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.alliance.synth import make_screenshot  # noqa: E402

from looplab.alliance import ocr  # noqa: E402
from looplab.alliance.names import fold  # noqa: E402
from looplab.alliance.numbers import parse_number  # noqa: E402
from looplab.alliance.reader import AllianceReader  # noqa: E402
from looplab.imaging.decode import decode_image_file  # noqa: E402
from looplab.imaging.regions import to_gray  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "gamescreens"
TRUTH = ROOT / "bench" / "alliance_truth.json"


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()


def baseline_rows(image) -> list[tuple[str, list[int]]]:
    rows = []
    for line in ocr.read_page(to_gray(image)).splitlines():
        tokens = line.split()
        numbers, words = [], []
        i = 0
        while i < len(tokens):
            # numbers written with a space separator ("1 234") span two tokens
            pair = " ".join(tokens[i : i + 2])
            if i + 1 < len(tokens) and re.fullmatch(r"\d{1,3} \d{3}", pair):
                numbers.append(parse_number(pair))
                i += 2
                continue
            value = parse_number(tokens[i])
            (numbers.append(value) if value is not None else words.append(tokens[i]))
            i += 1
        if words and numbers:
            rows.append((" ".join(words), numbers))
    return rows


def _subsequence(needle: list[int], hay: list[int]) -> bool:
    it = iter(hay)
    return all(any(v == h for h in it) for v in needle)


def score(truth: list[tuple[str, list[int]]], got: list[tuple[str, list[int]]], *, subsequence: bool) -> dict:
    """Truth rows found exactly (name and numbers), by name, by folded name, by numbers."""
    names = [_norm(n) for n, _ in got]
    folded = [fold(n) for n, _ in got]
    alike = [n.replace("I", "l") for n in names]  # capital I and small l: one glyph in many sans fonts
    rows = name_ok = fold_ok = numbers_ok = rows_alike = 0
    for name, numbers in truth:
        name = _norm(name)

        def nums_match(values: list[int], numbers=numbers) -> bool:
            return _subsequence(numbers, values) if subsequence else values == numbers

        rows += any(n == name and nums_match(v) for n, v in zip(names, (v for _, v in got), strict=True))
        i_l = name.replace("I", "l")
        rows_alike += any(n == i_l and nums_match(v) for n, v in zip(alike, (v for _, v in got), strict=True))
        name_ok += name in names
        fold_ok += fold(name) in folded
        numbers_ok += any(nums_match(v) for _, v in got)
    n = max(len(truth), 1)
    return {
        "truth_rows": len(truth),
        "read_rows": len(got),
        "row_accuracy": rows / n,
        "row_accuracy_i_l_alike": rows_alike / n,
        "name_accuracy": name_ok / n,
        "name_accuracy_folded": fold_ok / n,
        "number_accuracy": numbers_ok / n,
        "rows_exact": rows,
    }


def _merge(parts: list[dict]) -> dict:
    total = sum(p["truth_rows"] for p in parts) or 1
    out = {"truth_rows": total, "read_rows": sum(p["read_rows"] for p in parts)}
    for key in ("row_accuracy", "row_accuracy_i_l_alike", "name_accuracy", "name_accuracy_folded", "number_accuracy"):
        out[key] = round(sum(p[key] * p["truth_rows"] for p in parts) / total, 4)
    return out


DEVELOPMENT_SEEDS = 20_000  # the reader has been developed against these screens' misses
HELD_OUT_SEEDS = 20_050  # looked at only as figures (and in the end for a few tests): how it generalises
UNTOUCHED_SEEDS = 20_900  # a larger set never used to find faults (optional: second argument, how many)


def run_synthetic(reader: AllianceReader, n: int, first_seed: int = DEVELOPMENT_SEEDS) -> dict:
    ours, base, seconds, cpu, base_seconds, unreadable = [], [], [], [], [], [0, 0]
    flags = {"right": 0, "right_flagged": 0, "wrong": 0, "wrong_flagged": 0}
    for seed in range(first_seed, first_seed + n):
        screen = make_screenshot(seed)
        truth = [(r.name, r.numbers) for r in screen.full_rows]
        start = time.process_time()
        reading = reader.read(screen.image)
        cpu.append(time.process_time() - start)
        seconds.append(reading.seconds)
        got = [(r.name, r.values) for r in reading.rows]
        ours.append(score(truth, got, subsequence=False))
        # review flags: rows read wrong should be flagged, rows read right should mostly not be
        exact_truth = set((name, tuple(numbers)) for name, numbers in truth)
        for row in reading.rows:
            unreadable[0] += any(v is None for v in row.numbers) and row.needs_review
            unreadable[1] += any(v is None for v in row.numbers)
            if (row.name, tuple(row.values)) in exact_truth and None not in row.numbers:
                flags["right"] += 1
                flags["right_flagged"] += row.needs_review
            else:
                flags["wrong"] += 1
                flags["wrong_flagged"] += row.needs_review
        start = time.perf_counter()
        base.append(score(truth, baseline_rows(screen.image), subsequence=False))
        base_seconds.append(time.perf_counter() - start)
    return {
        "screens": n,
        "seeds": f"{first_seed}-{first_seed + n - 1}",
        "ours": _merge(ours),
        "baseline": _merge(base),
        "seconds_median": round(statistics.median(seconds), 3),
        "seconds_p95": round(sorted(seconds)[int(0.95 * (len(seconds) - 1))], 3),
        "cpu_seconds_median": round(statistics.median(cpu), 3),
        "cpu_seconds_p95": round(sorted(cpu)[int(0.95 * (len(cpu) - 1))], 3),
        "baseline_seconds_median": round(statistics.median(base_seconds), 3),
        "rows_with_unreadable_number_flagged": f"{unreadable[0]}/{unreadable[1]}",
        "review_flags": flags,
    }


def run_phone_timing(reader: AllianceReader, n: int = 10) -> dict:
    """Seconds per 1080x2400 screenshot holding about 10 rows, on one core (``main`` pins the process)."""
    screens = [make_screenshot(seed, size=(1080, 2400), layout="stack") for seed in range(30_000, 30_000 + n)]
    seconds, cpu, base_seconds = [], [], []
    for screen in screens:
        start = time.process_time()
        seconds.append(reader.read(screen.image).seconds)
        cpu.append(time.process_time() - start)
        start = time.perf_counter()
        baseline_rows(screen.image)
        base_seconds.append(time.perf_counter() - start)
    return {
        "cores": len(os.sched_getaffinity(0)),
        "median": round(statistics.median(seconds), 3),
        "max": round(max(seconds), 3),
        "cpu_median": round(statistics.median(cpu), 3),
        "baseline_median": round(statistics.median(base_seconds), 3),
        "rows": [len(screen.rows) for screen in screens],
        "load_average": round(os.getloadavg()[0], 2),
    }


def pin_to_one_core() -> None:
    """Run on one core, as the speed target says. Before any thread starts: a thread keeps the cores it
    was started with, and OpenCV's idle workers on a second core spin, counting 1.2 s of CPU for the
    0.95 s a screen takes on one."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def run_real(reader: AllianceReader) -> dict:
    if not REAL.exists():
        return {"skipped": f"{REAL} not found"}
    truth = json.loads(TRUTH.read_text())["screens"]
    ours, base, ours_latin, base_latin, per_screen = [], [], [], [], []
    first_ours, first_base = [], []  # batch 1: the screens transcribed first, the reader developed on their misses
    for screen in truth:
        image = decode_image_file(REAL / screen["image"])
        members = [(m["name"], m["numbers"]) for m in screen["members"]]
        latin = [(n, v) for n, v in members if n.isascii()]  # what an English OCR model can spell
        reading = reader.read(image)
        got = [(r.name, r.values) for r in reading.rows]
        base_got = baseline_rows(image)
        mine = score(members, got, subsequence=True)
        ours.append(mine)
        base.append(score(members, base_got, subsequence=True))
        if screen.get("batch", 1) == 1:
            first_ours.append(mine)
            first_base.append(base[-1])
        ours_latin.append(score(latin, got, subsequence=True))
        base_latin.append(score(latin, base_got, subsequence=True))
        per_screen.append({"image": screen["image"], "members": len(members), "exact": mine["rows_exact"]})
        per_screen[-1]["read"] = got
    return {
        "screens": len(truth),
        "ours": _merge(ours),
        "baseline": _merge(base),
        "ours_plain_latin_names": _merge(ours_latin),
        "baseline_plain_latin_names": _merge(base_latin),
        "first_batch_screens": len(first_ours),
        "ours_first_batch": _merge(first_ours),
        "baseline_first_batch": _merge(first_base),
        "per_screen": per_screen,
    }


def main() -> None:
    pin_to_one_core()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    reader = AllianceReader()
    results = {
        "synthetic": run_synthetic(reader, n),
        "synthetic_held_out": run_synthetic(reader, n, HELD_OUT_SEEDS),
        "phone_1080x2400": run_phone_timing(reader),
        "real": run_real(reader),
        "note": (
            "row accuracy: name and every number exact. Real screens: a member is exact when a row has its "
            "name exactly and its transcribed values in order among the row's numbers (ranks and badges may "
            "be extra)."
        ),
    }
    untouched = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if untouched:
        results["synthetic_untouched"] = run_synthetic(reader, untouched, UNTOUCHED_SEEDS)
    out = ROOT / "bench" / "results" / "alliance.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    s, r = results["synthetic"], results["real"]
    held = results["synthetic_held_out"]
    print(
        f"held-out synthetic (seeds {held['seeds']}): rows {held['ours']['row_accuracy']:.3f} of "
        f"{held['ours']['truth_rows']}, baseline {held['baseline']['row_accuracy']:.3f}"
    )
    if untouched:
        u = results["synthetic_untouched"]
        print(
            f"untouched synthetic (seeds {u['seeds']}): rows {u['ours']['row_accuracy']:.3f} of "
            f"{u['ours']['truth_rows']}, baseline {u['baseline']['row_accuracy']:.3f}"
        )
    print(f"synthetic {s['screens']} screens (seeds {s['seeds']}), {s['ours']['truth_rows']} rows")
    for who in ("ours", "baseline"):
        m = s[who]
        print(
            f"  {who:8s} rows {m['row_accuracy']:.3f} names {m['name_accuracy']:.3f} "
            f"(folded {m['name_accuracy_folded']:.3f}) numbers {m['number_accuracy']:.3f}"
        )
    print(f"  ours rows with capital I and small l taken as one letter {s['ours']['row_accuracy_i_l_alike']:.3f}")
    base_rows = s["baseline"]["row_accuracy"]
    ratio = f"{s['ours']['row_accuracy'] / base_rows:.1f}x" if base_rows else "n/a (baseline 0)"
    print(f"  ours/baseline rows {ratio}; seconds median {s['seconds_median']} p95 {s['seconds_p95']}")
    f = s["review_flags"]
    print(f"  flagged rows with unreadable numbers {s['rows_with_unreadable_number_flagged']}")
    print(
        f"  flagged for review: {f['wrong_flagged']}/{f['wrong']} rows read wrong (or not in the truth), "
        f"{f['right_flagged']}/{f['right']} rows read right"
    )
    phone = results["phone_1080x2400"]
    print(f"  cpu seconds median {s['cpu_seconds_median']} p95 {s['cpu_seconds_p95']}")
    print(
        f"  1080x2400 on one core: median {phone['median']} s ({phone['cpu_median']} s cpu), whole-page "
        f"baseline {phone['baseline_median']} s ({phone['median'] / phone['baseline_median']:.1f}x; "
        f"load average {phone['load_average']} on this shared machine)"
    )
    if "ours" in r:
        print(f"real screens {r['screens']} (batch 1: {r['first_batch_screens']})")
        for who in (
            "ours",
            "baseline",
            "ours_plain_latin_names",
            "baseline_plain_latin_names",
            "ours_first_batch",
            "baseline_first_batch",
        ):
            m = r[who]
            print(
                f"real {who:26s} members exact {m['row_accuracy']:.3f} names {m['name_accuracy']:.3f} "
                f"(folded {m['name_accuracy_folded']:.3f}) numbers {m['number_accuracy']:.3f} of {m['truth_rows']}"
            )
    print("wrote", out)


if __name__ == "__main__":
    main()

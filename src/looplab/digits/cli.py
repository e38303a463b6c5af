"""``looplab digits ...``: offline commands. Heavy imports stay inside the commands (fast ``--help``)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Digits without labels: cluster MNIST unsupervised, evaluate, train, predict.")
data_app = typer.Typer(help="Get the MNIST files (IDX gzip).")
app.add_typer(data_app, name="data")

ASSETS_DIR = Path(__file__).resolve().parent / "assets"  # the bundled model
DataOption = Annotated[Path, typer.Option("--data", help="folder with the MNIST IDX .gz files")]


def _echo(payload, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(payload))
    else:
        typer.echo(json.dumps(payload, indent=1))


def _load_for_fit(data: Path, limit: int | None):
    from looplab.digits import mnist

    test_images, test_labels = mnist.load_split(data, "t10k")
    fit_images = mnist.load_split(data, "train")[0] if mnist.has_split(data, "train") else test_images
    if limit:
        test_images, test_labels, fit_images = test_images[:limit], test_labels[:limit], fit_images[:limit]
    return fit_images, test_images, test_labels


@app.command()
def evaluate(
    data: DataOption,
    json_output: Annotated[bool, typer.Option("--json", help="one line of JSON")] = False,
    limit: Annotated[int | None, typer.Option(help="use only the first N images of each split")] = None,
    seed: Annotated[int, typer.Option(help="random seed of the unsupervised fit")] = 0,
    self_train_epochs: Annotated[int, typer.Option(help="CNN self-training epochs (0: GMM labels)")] = 6,
) -> None:
    """Fit without labels on the images (train split if present, else test); score on the test labels."""
    from looplab.learning.clustering import KMeansPixels, ManifoldClusterer
    from looplab.learning.evaluation import cluster_acc, scores

    fit_images, test_images, test_labels = _load_for_fit(data, limit)
    started = time.perf_counter()
    model = ManifoldClusterer(self_train_epochs=self_train_epochs, random_state=seed).fit(fit_images)
    fit_seconds = time.perf_counter() - started
    clusters = model.labels_ if fit_images is test_images else model.predict(test_images)
    baseline = KMeansPixels(random_state=seed).fit(fit_images)
    base_clusters = baseline.labels_ if fit_images is test_images else baseline.predict(test_images)
    result = {
        **scores(test_labels, clusters),
        "n": int(len(test_labels)),
        "fit_seconds": round(fit_seconds, 1),
        "baseline_kmeans_acc": cluster_acc(test_labels, base_clusters),
    }
    _echo(result, json_output)


@app.command()
def predict(
    images: Annotated[list[Path], typer.Argument(help="image files (PNG, JPEG, ...), one digit each")],
    json_output: Annotated[bool, typer.Option("--json", help="one line of JSON")] = False,
) -> None:
    """Predict digit and cluster of each image with the bundled model; exit 1 if any file failed."""
    from looplab.digits.model import load_bundled
    from looplab.imaging.decode import ImageError, decode_image_file
    from looplab.imaging.digit_normalise import normalise_digit

    model = load_bundled()
    results, failed = [], False
    for path in images:
        try:
            prediction = model.predict_one(normalise_digit(decode_image_file(path, mode="L")))
        except (ImageError, ValueError) as err:
            failed = True
            results.append({"image": str(path), "error": str(err)})
            continue
        results.append(
            {
                "image": str(path),
                "digit": prediction.digit,
                "cluster": prediction.cluster,
                "confidence": round(prediction.confidence, 4),
            }
        )
    _echo(results, json_output)
    raise typer.Exit(1 if failed else 0)


@app.command()
def train(
    data: DataOption,
    out: Annotated[Path, typer.Option(help="where to write digits.onnx, digits.json, exemplars.npz")] = ASSETS_DIR,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    limit: Annotated[int | None, typer.Option(help="use only the first N test images")] = None,
) -> None:
    """Reproduce the bundled model: unsupervised fit on the MNIST test images, evaluated after the fit."""
    from tqdm import tqdm

    from looplab.digits import mnist
    from looplab.digits.training import train_default_model

    images, labels = mnist.load_split(data, "t10k")
    if limit:
        images, labels = images[:limit], labels[:limit]
    with tqdm(total=1000, unit="‰", bar_format="{l_bar}{bar}| {elapsed} {postfix}") as bar:

        def progress(fraction: float, message: str) -> None:
            bar.n = int(1000 * fraction)
            bar.set_postfix_str(message)
            bar.refresh()

        artifacts = train_default_model(images, progress, labels=labels, seed=seed)
    for path in artifacts.save(out):
        typer.echo(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
    metrics = artifacts.metadata["metrics"]
    typer.echo(f"acc {metrics['acc']:.4f} nmi {metrics['nmi']:.4f} ari {metrics['ari']:.4f}")


@data_app.command("fetch")
def data_fetch(
    from_dir: Annotated[Path | None, typer.Option("--from", help="import from this folder, no download")] = None,
    dest: Annotated[Path, typer.Option(help="destination folder")] = Path("data/mnist"),
    base_url: Annotated[str | None, typer.Option(help="mirror to download from")] = None,
) -> None:
    """Download (resumable, sha256-checked) or import the four MNIST files."""
    from looplab.digits import mnist

    try:
        if from_dir is not None:
            paths = mnist.import_from(from_dir, dest)
        else:
            paths = mnist.fetch(dest, base_url or mnist.DEFAULT_BASE_URL)
    except (mnist.MnistError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    for path in paths:
        typer.echo(str(path))

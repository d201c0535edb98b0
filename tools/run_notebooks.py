"""Execute the notebooks in place with nbclient, then strip what must not be saved (``make notebooks``).

    python tools/run_notebooks.py                  # every notebook in notebooks/
    python tools/run_notebooks.py 03-explore       # some of them

Each runs on a sandbox of its own (GALLERYK_* settings are removed from its environment), so
the saved outputs are the ones nbval expects. Widget state is kept (a saved notebook shows its
widgets) without any binary buffer (no image bytes); cell metadata keeps only tags, and the
notebook metadata only what does not change from run to run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KEEP_CELL_METADATA = ("tags",)
KEEP_LANGUAGE_INFO = ("name", "pygments_lexer", "mimetype", "file_extension")


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove run-to-run noise and image bytes from an executed notebook (in place); returns it."""
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
    info = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {k: v for k, v in info.items() if k in KEEP_LANGUAGE_INFO}
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    if state:
        for model in state["state"].values():
            model.pop("buffers", None)  # an Image's pixels (the fallback pager): never saved
    for key in list(nb.metadata):
        if key not in ("kernelspec", "language_info", "widgets"):
            del nb.metadata[key]
    return nb


def run(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in place; returns the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(strip(nb), path)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all in notebooks/)")
    args = parser.parse_args(argv)
    paths = [NOTEBOOKS / (n if n.endswith(".ipynb") else f"{n}.ipynb") for n in args.names] or sorted(
        NOTEBOOKS.glob("*.ipynb")
    )
    for name in [n for n in os.environ if n.startswith("GALLERYK_")]:
        del os.environ[name]  # the saved outputs are those of a sandbox of the notebook's own
    with tempfile.TemporaryDirectory(prefix="galleryk-notebooks-") as cache:
        os.environ["GALLERYK_CACHE_DIR"] = cache
        for path in paths:
            print(f"{path.name}: running…", flush=True)
            print(f"{path.name}: saved ({run(path):.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

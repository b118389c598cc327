"""Seconds per notebook section, for planning a class (the tables in docs/teaching.md).

    .venv/bin/python -m benchmarks.section_times            # runs each notebook once with its shipped weights

Two columns per section, on this machine and scaled to the reference machine (``benchmarks.run`` explains the
factor): **from scratch**, read from the execution stamps of the committed notebooks (the full runs that made
the shipped weights), and **shipped weights**, measured here by running a copy of each notebook with
``USE_SHIPPED_WEIGHTS = True`` (notebook 2b has no such switch: its two columns are the same run).
A section is a level-2 heading (``## ...``); cells before the first one count as the introduction.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.run import cells_seconds, reference_factor

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["01_autoencoder.ipynb", "02_vae.ipynb", "02b_gan_game_2d.ipynb", "03_gan.ipynb"]
SWITCH = "USE_SHIPPED_WEIGHTS = False"


def per_section(nb) -> dict[str, float]:
    """Section heading -> seconds its code cells took (from Jupyter's execution stamps), in notebook order."""
    sections, current = {"(introduction and setup)": 0.0}, "(introduction and setup)"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    current = line[3:].strip()
                    sections.setdefault(current, 0.0)
                    break
        elif cell.cell_type == "code" and "execution" in cell.metadata:  # a cell never run took no time
            sections[current] += cells_seconds(cell, cell)
    return sections


def main() -> int:
    import nbformat

    from tools.run_notebook import run_notebook

    factor = reference_factor()
    print(f"reference-machine factor {factor:.3f} (reference s = s here x {factor:.3f})\n")
    with tempfile.TemporaryDirectory() as tmp:
        for name in NOTEBOOKS:
            source = ROOT / "notebooks" / name
            full = per_section(nbformat.read(source, as_version=4))
            has_switch = SWITCH in source.read_text()
            shipped = full
            if has_switch:
                out = Path(tmp) / name
                run_notebook(source, shipped=True, out=out)
                shipped = per_section(nbformat.read(out, as_version=4))
            print(f"### {name}\n\n| section | from scratch: here / reference | shipped weights: here / reference |")
            print("| --- | --- | --- |")
            for section, seconds in full.items():
                s = shipped.get(section, 0.0)
                print(f"| {section} | {seconds:.1f} / {seconds * factor:.1f} s | {s:.1f} / {s * factor:.1f} s |")
            total, total_s = sum(full.values()), sum(shipped.values())
            print(f"| **all** | {total:.0f} / {total * factor:.0f} s | {total_s:.1f} / {total_s * factor:.1f} s |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

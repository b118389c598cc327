"""Draw the notebooks' structure diagrams as PNG files in notebooks/figures/ (make diagrams).

    python -m tools.diagrams          # needs Node.js; set MMDC to a mermaid-cli command if npx is not wanted

A diagram is written once, as Mermaid source inside a notebook's Markdown cell, in a collapsed block that
follows the picture drawn from it:

    <img src="figures/NAME.png" width="..." alt="...">

    <details><summary>...</summary>

    ```mermaid
    ...
    ```
    </details>

Every viewer shows the picture (GitHub, nbviewer, VS Code, JupyterLab); the source stays beside it for
whoever edits the diagram. This command renders each block to figures/NAME.png with mermaid-cli and the
system's Chromium, and writes the digest of each picture's source to ``figures/diagrams.json``;
tests/test_static_views.py checks that every block has its picture and that no picture is older than its source.
The Chinese notebooks (``notebooks/zh/``, from ``i18n/zh/``) have their own diagrams, ``../figures/NAME_zh.png``,
drawn from the Chinese source in their cells (their labels need a CJK font in the system, such as Debian's
``fonts-noto-cjk``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.chromium import find_chromium

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r'<img src="(?:\.\./)?figures/(?P<name>[\w-]+)\.png"[^>]*>\s*<details>.*?```mermaid\n(?P<source>.*?)```',
                   re.DOTALL)
FIGURES = ROOT / "notebooks" / "figures"
DIGESTS = FIGURES / "diagrams.json"     # {picture name: digest of the Mermaid source it was drawn from}


def digest(source: str) -> str:
    import hashlib

    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def diagrams(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """``(notebook name, figure name, Mermaid source)`` of every diagram, in notebook order."""
    found = []
    for path in sorted((root / "notebooks").glob("*.ipynb")) + sorted((root / "notebooks" / "zh").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                found += [(str(path.relative_to(root / "notebooks")), m["name"], m["source"])
                          for m in BLOCK.finditer("".join(cell["source"]))]
    return found


def main() -> int:
    command = shlex.split(os.environ.get("MMDC", "npx --yes --package @mermaid-js/mermaid-cli mmdc"))
    chromium = find_chromium()
    digests = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "puppeteer.json"
        config.write_text(json.dumps({"args": ["--no-sandbox"], **({"executablePath": chromium} if chromium else {})}))
        for notebook, name, source in diagrams():
            src = Path(tmp) / f"{name}.mmd"
            src.write_text(source, encoding="utf-8")
            out = FIGURES / f"{name}.png"
            out.parent.mkdir(exist_ok=True)
            subprocess.run([*command, "-p", str(config), "-i", str(src), "-o", str(out), "-s", "2", "-b", "white"],
                           check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})
            digests[name] = digest(source)
            print(f"{notebook}: figures/{name}.png")
    DIGESTS.write_text(json.dumps(dict(sorted(digests.items())), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The site's browser libraries, from the npm registry, exactly as locked in ``tools/site/package-lock.json``.

    python -m tools.site.npm      # fetch (once) into .venv/npm/, checked against the lock's sha512

KaTeX renders the formulas, onnxruntime-web runs the exported decoders. Only the files a page loads are kept
(:data:`FILES`). Node.js is not needed: each package's tarball is downloaded from the registry the lock names and
checked against the lock's integrity hash before anything is unpacked (``npm ci`` would do the same; with Node.js
at hand, ``npm ci --ignore-scripts`` in ``tools/site`` gives the same files in ``node_modules``). This runs at
install time (``course.py setup --dev`` and ``course.py site``), so building the site needs no network.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOCK = HERE / "package-lock.json"
CACHE = ROOT / ".venv" / "npm"
REGISTRY = "https://registry.npmjs.org"
#: per package: the files (globs, inside the package) that the site copies
FILES = {
    "katex": ["dist/katex.min.js", "dist/katex.min.css", "dist/contrib/auto-render.min.js", "dist/fonts/*.woff2",
              "LICENSE"],
    "onnxruntime-web": ["dist/ort.wasm.min.js", "dist/ort-wasm-simd-threaded.wasm", "dist/ort-wasm-simd-threaded.mjs",
                        "package.json"],   # its licence (MIT) is stated there
}


def locked() -> dict[str, dict]:
    """{package: {"version", "integrity", "url"}} for the packages the site uses, from the lock file."""
    packages = json.loads(LOCK.read_text())["packages"]
    out = {}
    for name in FILES:
        entry = packages[f"node_modules/{name}"]
        url = entry.get("resolved") or f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{entry['version']}.tgz"
        out[name] = {"version": entry["version"], "integrity": entry["integrity"], "url": url}
    return out


def folder(name: str) -> Path:
    """Where the files of locked package ``name`` are (after :func:`fetch`)."""
    return CACHE / f"{name}-{locked()[name]['version']}"


def _check(data: bytes, integrity: str, url: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if got != expected:
        raise SystemExit(f"{url}: its {algorithm} is {got}, the lock file says {expected}; not unpacked. "
                         f"Delete {CACHE} and try again; if it persists, the registry served another file.")


def fetch(quiet: bool = False) -> dict[str, Path]:
    """Make sure every package's files are in :data:`CACHE`; {package: its folder}."""
    out = {}
    for name, entry in locked().items():
        target = folder(name)
        out[name] = target
        if (target / ".complete").exists():
            continue
        if not quiet:
            print(f"fetching {name} {entry['version']} from {entry['url']}", flush=True)
        try:
            with urllib.request.urlopen(entry["url"], timeout=120) as response:
                data = response.read()
        except OSError as err:
            raise SystemExit(f"could not download {entry['url']} ({err}). The website needs {name} from the npm "
                             f"registry once; connect to the network (or set a proxy) and run the command again.")
        _check(data, entry["integrity"], entry["url"])
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[-1]          # tarballs hold package/<path>
                if member.isfile() and any(fnmatch.fnmatch(inner, g) for g in FILES[name]):
                    path = target / inner
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(tar.extractfile(member).read())
        missing = [g for g in FILES[name] if not list(target.glob(g))]
        if missing:
            raise SystemExit(f"{name} {entry['version']}: the tarball has no {missing}; the lock and FILES disagree")
        (target / ".complete").write_text(entry["integrity"] + "\n")
    return out


if __name__ == "__main__":
    for name, path in fetch().items():
        print(f"{name}: {path}")
    sys.exit(0)

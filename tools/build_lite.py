#!/usr/bin/env python3
"""Build the JupyterLite site: the notebooks running in the browser, nothing installed.

``make lite`` runs ``python tools/build_lite.py fetch`` once (the only step that needs the network:
the pinned npm ``pyodide`` package, for its lock file, and the pure-Python wheels of the package's
dependencies that Pyodide does not ship), then ``python tools/build_lite.py build`` (offline):

* the project's own wheel (built from this checkout, ``--no-deps``) and the bundled dependency
  wheels (``seaborn``, ``cn2an``, … : every module the notebooks reach that Pyodide's lock file
  does not provide), served from the site's ``pypi/`` folder and listed in
  ``loadPyodideOptions.packages``, so the kernel installs them at start: a notebook's first cell
  needs no ``%pip``.  PyPI fallback is off (``disablePyPIFallback``);
* the notebooks, ``data/`` and ``fonts/`` as contents, laid out like the repository; the kernel
  gets ``DEBAO_AUDIT_ROOT=/drive`` (the contents' mount point), the one setting by which the
  installed package finds its data;
* a first page (``README.md`` among the contents and the site's ``index.html`` notice) saying
  that Pyodide itself and its packages (pandas, matplotlib, numpy …) are fetched by the browser
  from Pyodide's CDN at run time; the static site (``make site``) is the offline route.

``python tools/build_lite.py imports`` prints what the notebooks import and where each comes from
(the Pyodide lock file or a bundled wheel); the tests use :func:`unsatisfied`.
Output: ``lite/`` (not committed), swapped in only when complete.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata as md
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = ROOT / "src" / "debao_audit"
#: The project's own packages (one wheel): the engine and this article's case code.
OWN = ("debao_audit", "debao_case")
CACHE = ROOT / ".venv" / "share-cache"
WHEELS = CACHE / "wheels"
DEFAULT_OUT = ROOT / "lite"
#: The kernel's Pyodide: the version jupyterlite-pyodide-kernel pins (read from it), whose npm
#: package carries the lock file (pyodide-lock.json) of every package Pyodide ships.
LITE_README = "README-lite.md"
#: Where the kernel mounts the site's contents (JupyterLite's DriveFS).
DRIVE = "/drive"
ROOT_ENV = "DEBAO_AUDIT_ROOT"
#: Imports a notebook may name that the kernel provides itself.
KERNEL_PROVIDED = {"IPython", "ipykernel", "pyodide", "js", "micropip", "piplite"}


def pyodide_version() -> str:
    from jupyterlite_pyodide_kernel import constants

    return constants.PYODIDE_VERSION


def lock_path() -> Path:
    return CACHE / f"pyodide-{pyodide_version()}-lock.json"


def pyodide_lock() -> dict:
    path = lock_path()
    if not path.is_file():
        raise SystemExit(f"{path}: missing: run `python tools/build_lite.py fetch` (make lite does)")
    return json.loads(path.read_text(encoding="utf-8"))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ------------------------------------------------------------------------------ the imports

def _imports_of(source: str) -> set[str]:
    """Absolute imports (dotted names) in Python source; IPython magics dropped."""
    source = "\n".join(l for l in source.splitlines() if not l.lstrip().startswith(("%", "!")))
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def _module_file(dotted: str) -> Path | None:
    parts = dotted.split(".")
    if parts[0] not in OWN:
        return None
    base = PACKAGE.parent.joinpath(*parts)
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def notebook_imports(notebooks: list[Path] | None = None) -> set[str]:
    """Top-level module names the notebooks need: their own imports, and everything the
    package modules they import import in turn (nested imports included)."""
    if notebooks is None:
        notebooks = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))
    todo: set[str] = set()
    for nb in notebooks:
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                todo |= _imports_of("".join(cell["source"]))
    seen_files: set[Path] = set()
    top: set[str] = set()
    while todo:
        name = todo.pop()
        top.add(name.split(".")[0])
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # a package's __init__ runs on any submodule import
            f = _module_file(".".join(parts[:i]))
            if f is not None and f not in seen_files:
                seen_files.add(f)
                src = f.read_text(encoding="utf-8")
                todo |= _imports_of(src)
                pkg = ".".join(f.relative_to(PACKAGE.parent).with_suffix("").parts)
                if f.name == "__init__.py":
                    pkg = pkg.removesuffix(".__init__")
                else:
                    pkg = pkg.rpartition(".")[0]
                for node in ast.walk(ast.parse(src)):  # relative imports within the package
                    if isinstance(node, ast.ImportFrom) and node.level:
                        base = pkg.split(".")[:len(pkg.split(".")) - node.level + 1]
                        mod = ".".join(base + ([node.module] if node.module else []))
                        todo.add(mod)
                        todo |= {f"{mod}.{a.name}" for a in node.names}
    return {t for t in top if t not in sys.stdlib_module_names and t != "__future__"}


def pyodide_imports(lock: dict) -> dict[str, str]:
    """Top-level import name -> Pyodide package, from the lock file."""
    out = {}
    for name, pkg in lock["packages"].items():
        for imp in pkg.get("imports", []):
            out[imp] = name
    return out


def bundled_requirements(lock: dict) -> list[str]:
    """``name==version`` (from this environment, i.e. requirements.lock) of every distribution
    a notebook import needs that Pyodide does not ship, with their own dependencies likewise."""
    provided = pyodide_imports(lock)
    shipped = {_norm(n) for n in lock["packages"]}
    dists = md.packages_distributions()
    need: set[str] = set()
    for top in notebook_imports():
        if top in provided or top in KERNEL_PROVIDED or top in OWN:
            continue
        for d in dists.get(top, []):
            need.add(_norm(d))
    out: dict[str, str] = {}
    while need:
        name = need.pop()
        if name in out or name in shipped:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            raise SystemExit(f"lite: {name} is needed by the notebooks' imports but is not "
                             "installed in .venv: run make env") from None
        out[name] = dist.version
        for req in dist.requires or []:
            r = Requirement(req)
            # only what Pyodide's platform would install: no extras, markers evaluated for
            # emscripten (a Windows-only colorama is not needed)
            if r.marker is not None and not r.marker.evaluate(
                    {"extra": "", "sys_platform": "emscripten", "platform_system": "Emscripten",
                     "os_name": "posix"}):
                continue
            need.add(_norm(r.name))
    return sorted(f"{n}=={v}" for n, v in out.items())


def unsatisfied(lock: dict, wheels: list[Path]) -> list[str]:
    """Notebook imports that neither the Pyodide lock file, the kernel nor a bundled wheel
    (its top-level modules) provides."""
    provided = set(pyodide_imports(lock)) | KERNEL_PROVIDED
    for whl in wheels:
        provided |= _wheel_top_levels(whl)
    return sorted(t for t in notebook_imports() if t not in provided)


def _wheel_top_levels(whl: Path) -> set[str]:
    import zipfile

    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        tops = {n.split("/")[0] for n in names
                if not n.split("/")[0].endswith((".dist-info", ".data"))}
    return {t.removesuffix(".py") for t in tops}


# ------------------------------------------------------------------------------ fetching

def fetch() -> None:
    """The network step: the npm pyodide package's lock file and the bundled wheels."""
    CACHE.mkdir(parents=True, exist_ok=True)
    version = pyodide_version()
    if not lock_path().is_file():
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", f"pyodide@{version}", "--silent", "--pack-destination", tmp],
                           check=True, stdout=subprocess.DEVNULL)
            tgz = next(Path(tmp).glob("pyodide-*.tgz"))
            with tarfile.open(tgz) as t:
                member = t.getmember("package/pyodide-lock.json")
                lock_path().write_bytes(t.extractfile(member).read())
    reqs = bundled_requirements(pyodide_lock())
    WHEELS.mkdir(parents=True, exist_ok=True)
    have = {w.name for w in WHEELS.glob("*.whl")}
    missing = [r for r in reqs if not any(w.lower().startswith(r.split("==")[0].replace("-", "_") + "-"
                                                               + r.split("==")[1]) for w in have)]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--only-binary=:all:", "--platform", "any",
                        "--python-version", "3.12", "-d", str(WHEELS), *missing], check=True)
    print(f"{lock_path().relative_to(ROOT)}; bundled wheels: {', '.join(reqs)}")


# ------------------------------------------------------------------------------ building

FIRST_PAGE = """# debao_audit in your browser (JupyterLite)

Open **notebooks/** and run them in order, top to bottom: nothing to install, no `%pip` needed.
The project's own package and its pure-Python dependencies ({bundled}) are bundled with this
site and installed when the kernel starts.

**What your browser fetches at run time.** The Python kernel is
[Pyodide](https://pyodide.org) {version}. Pyodide itself and its own packages (pandas,
matplotlib, numpy, Pillow, fontTools …) are downloaded by your browser from Pyodide's CDN
(cdn.jsdelivr.net) the first time a notebook runs, then cached. So this site needs a network
connection when you first run a notebook. **Offline**, read the static site instead (`make site`
in the repository): every notebook executed, as HTML.

Pyodide's versions of pandas and matplotlib are not the pinned ones the repository tests, so a
figure or a table may differ in detail from the committed outputs. Files you change or write
are kept in your browser's storage only.

The article quoted in `data/raw/` is © China News Service, kept for verification only: do not
publish this site. Put it on a course site for a class's private use.
"""


def build_wheel(dest: Path) -> Path:
    """The project's wheel, built from a copy of its sources in a temporary directory (an
    in-place build would write build/ into the checkout)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src-copy"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (ROOT / name).is_file():
                shutil.copy(ROOT / name, src / name)
        shutil.copytree(ROOT / "src", src / "src",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        out = Path(tmp) / "dist"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--no-build-isolation", "-w", str(out), str(src)], check=True,
                       stdout=subprocess.DEVNULL)
        whl = next(out.glob("debao_audit-*.whl"))
        return Path(shutil.copy(whl, dest / whl.name))


def bundled_wheels(lock: dict) -> list[Path]:
    out = []
    for req in bundled_requirements(lock):
        name, version = req.split("==")
        found = sorted(WHEELS.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
        if not found:
            raise SystemExit(f"{WHEELS}: no wheel for {req}: run `python tools/build_lite.py fetch`")
        if not found[0].name.endswith("-none-any.whl"):
            raise SystemExit(f"{found[0].name}: not a pure-Python wheel")
        out.append(found[0])
    return out


def build(out: Path) -> Path:
    from debao_audit.confine import check_target

    out = check_target(out, "the JupyterLite site", lambda d: (d / "jupyter-lite.json").is_file())
    lock = pyodide_lock()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".lite-work.", dir=out.parent))
    try:
        wheels_dir = work / "wheels"
        wheels_dir.mkdir()
        own = build_wheel(wheels_dir)
        deps = [Path(shutil.copy(w, wheels_dir / w.name)) for w in bundled_wheels(lock)]
        wheels = [own, *deps]
        gaps = unsatisfied(lock, wheels)
        if gaps:
            raise SystemExit(f"imports neither Pyodide nor a bundled wheel provides: {gaps}")
        contents = work / "contents"
        shutil.copytree(NOTEBOOKS, contents / "notebooks")
        shutil.copytree(ROOT / "data", contents / "data", ignore=shutil.ignore_patterns("processed"))
        (contents / "data" / "processed").mkdir()
        shutil.copy(ROOT / "data" / "processed" / "checks.csv", contents / "data" / "processed")
        shutil.copytree(ROOT / "fonts", contents / "fonts")
        bundled = ", ".join(w.name.split("-")[0] for w in deps)
        (contents / LITE_README).write_text(
            FIRST_PAGE.format(bundled=bundled, version=lock["info"].get("version", pyodide_version())),
            encoding="utf-8")
        pyodide_packages = sorted({pyodide_imports(lock)[t] for t in notebook_imports()
                                   if t in pyodide_imports(lock)})
        lite_dir = work / "lite-dir"
        lite_dir.mkdir()
        settings = {
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": "debao_audit (JupyterLite)",
                "litePluginSettings": {
                    "@jupyterlite/pyodide-kernel-extension:kernel": {
                        "disablePyPIFallback": True,
                        "loadPyodideOptions": {
                            # Pyodide's own packages by name (from its CDN), then the bundled
                            # wheels by URL, relative to the kernel's worker script
                            "packages": pyodide_packages + [
                                f"../../../../pypi/{w.name}" for w in deps + [own]],
                            "env": {ROOT_ENV: DRIVE},
                        },
                    },
                },
            },
        }
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        site = work / "site"
        cmd = [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir),
               "--output-dir", str(site), "--no-sourcemaps",
               "--contents", str(contents),
               *[a for w in wheels for a in ("--piplite-wheels", str(w))]]
        for step in ("build", "check"):  # `jupyter lite check`: schemas of every config and index
            cmd[3] = step
            proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"jupyter lite {step} failed:\n{proc.stdout[-3000:]}\n"
                                 f"{proc.stderr[-3000:]}")
        _notice(site, bundled, lock)
        from debao_audit.confine import swap
        swap(site, out)      # a leftover .lite.old of any kind goes first
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _notice(site: Path, bundled: str, lock: dict) -> None:
    """The site's first page: what runs where and what the browser fetches at run time, then
    the way in (JupyterLab on the notebooks).  It replaces JupyterLite's root redirect."""
    import html

    version = lock["info"].get("version", pyodide_version())
    original = (site / "index.html").read_text(encoding="utf-8")
    # the apps read the root page's config block (config-utils.js walks up to it): keep it
    config = re.search(r'<script[^>]*id="jupyter-config-data".*?</script>', original, re.S)
    if config is None:
        raise SystemExit("JupyterLite's index.html has no jupyter-config-data block")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>debao_audit in the browser (JupyterLite)</title>
{config.group(0)}
<style>body{{font:17px/1.55 system-ui,sans-serif;color:#222;max-width:44rem;margin:0 auto;padding:1.5rem}}
a{{color:#0a4f86}} .go{{font-size:1.15rem;font-weight:700}} .note{{background:#f4f4f4;border-left:4px solid #888;padding:.6rem .9rem}}</style>
</head>
<body>
<main>
<h1>debao_audit in your browser</h1>
<p>The audit's notebooks, runnable with nothing installed: JupyterLab and a Python kernel
(<a href="https://pyodide.org">Pyodide</a> {html.escape(str(version))}) running in this page.</p>
<p class="go"><a id="open-lab" href="lab/index.html?path={LITE_README}">Open the notebooks in JupyterLab</a>
 (start with <code>notebooks/00-read-the-article.ipynb</code>; run them in order)</p>
<div class="note" id="runtime-note">
<p><strong>What your browser fetches at run time.</strong> The project's package and its
pure-Python dependencies ({html.escape(bundled)}) are bundled with this site and installed when the
kernel starts: no <code>%pip</code> needed. <strong>Pyodide itself and its own packages (pandas,
matplotlib, numpy, Pillow, fontTools …) are downloaded by your browser from Pyodide's CDN
(cdn.jsdelivr.net) when a notebook first runs</strong>, then cached: running a notebook needs a
network connection the first time.</p>
<p><strong>Offline?</strong> Read the static site instead (<code>make site</code> in the repository):
every notebook executed, as HTML, with nothing fetched.</p>
<p>Pyodide's versions of pandas and matplotlib differ from the pinned ones the repository tests,
so a table or figure may differ in detail from the committed outputs. Files you change stay in
your browser's storage.</p>
</div>
<p>The article kept in <code>data/raw/</code> is &copy; China News Service, for verification only:
use this site with a class privately, do not publish it.</p>
</main>
</body>
</html>
"""
    (site / "index.html").write_text(page, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("step", choices=["fetch", "build", "imports"])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if args.step == "fetch":
        fetch()
    elif args.step == "imports":
        lock = pyodide_lock()
        provided = pyodide_imports(lock)
        for t in sorted(notebook_imports()):
            print(t, provided.get(t, "(bundled wheel or kernel)"))
    else:
        from debao_audit.confine import TargetError
        try:
            out = build(args.out)
        except TargetError as e:
            print(f"lite: {e}", file=sys.stderr)
            return 2
        except OSError as e:
            print(f"lite: {e.filename or args.out}: {e.strerror or e}; nothing was changed",
                  file=sys.stderr)
            return 2
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        print(f"{out}: JupyterLite site, {size / 1e6:.0f} MB; serve it over http "
              "(python -m http.server -d lite) and open index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Build the JupyterLite site: the notebooks running in the browser, nothing installed.

``make lite`` runs ``python -m tools.build_lite fetch`` once (the only step that needs the network:
the pinned npm ``pyodide`` package, for its lock file, and the pure-Python wheels of the package's
dependencies that Pyodide does not ship), then ``python -m tools.build_lite build`` (offline):

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

Editions: ``make lite`` is the **student** edition (the notebooks as
:func:`debao_audit.teaching.student_notebook` makes them, no ``solutions/``, no instructor
guide, no answer key of a practice case); ``make lite SOLUTIONS=1`` (``--solutions``) the
teacher's, with them.  Both ship ``cases/`` and ``figures/`` (notebook 08 runs, images load).
The notebooks are written as JupyterLab holds them in memory (every multi-line string one
string: JupyterLite hands the stored JSON to JupyterLab as it is, and a list-valued output was
shown joined with commas) and with the Pyodide kernel's own ``kernelspec`` and
``language_info`` (so that opening one does not mark it changed).  Each app's page carries a
check that the kernel's Pyodide can be fetched, and says in the page why not and what to do.

**Self-hosted Pyodide** (``make lite PYODIDE=DIR``, ``--pyodide DIR``): DIR is a Pyodide
distribution of the kernel's version (``pyodide.mjs``, ``pyodide.asm.*``, ``python_stdlib.zip``,
``pyodide-lock.json`` and as many of its wheels as you have: the release tarball has them
all).  It is copied into the site's ``pyodide/`` and the kernel loads it from there: nothing is
fetched from a CDN.  A lock entry whose wheel is not in DIR is rewritten to a pure-Python wheel
of the same package from ``.venv/share-cache/pyodide-wheels/`` (fetched from PyPI by
``fetch``; the version PyPI has when it lacks Pyodide's, e.g. micropip) with that wheel's own
hash; what is still missing is named at build time and left out of the packages the kernel
preloads.  ``fetch`` also puts the npm ``pyodide`` package's core into
``.venv/share-cache/pyodide-core/``: with it the kernel boots with no network at all.

``python -m tools.build_lite imports`` prints what the notebooks import and where each comes from
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

from . import templating
from .paths import CHECKOUT, ROOT_ENV

NOTEBOOKS = CHECKOUT / "notebooks"
PACKAGE = CHECKOUT / "src" / "debao_audit"
#: The project's own packages (one wheel): the engine and this article's case code.
OWN = ("debao_audit", "debao_case")
CACHE = CHECKOUT / ".venv" / "share-cache"
WHEELS = CACHE / "wheels"
DEFAULT_OUT = CHECKOUT / "lite"
#: The kernel's Pyodide: the version jupyterlite-pyodide-kernel pins (read from it), whose npm
#: package carries the lock file (pyodide-lock.json) of every package Pyodide ships.
LITE_README = "README-lite.md"
#: Where the kernel mounts the site's contents (JupyterLite's DriveFS).
DRIVE = "/drive"
#: Self-hosting Pyodide: the npm package's core, and the pure-Python wheels that stand in
#: for the lock entries it has no wheel for.
PYODIDE_CORE = CACHE / "pyodide-core"
PYODIDE_WHEELS = CACHE / "pyodide-wheels"
#: What the kernel loads from Pyodide's lock when it boots (jupyterlite-pyodide-kernel 0.8:
#: micropip, then ipython and jedi through piplite), and the packaging micropip imports.
KERNEL_BOOT = ("micropip", "packaging", "ipython", "jedi")
#: The kernel's own wheels (its extension's pypi/ folder) and the one dependency of theirs that
#: Pyodide's lock does not have (comm): named in a self-hosted lock so the kernel preloads
#: everything by name and needs no piplite at boot.
KERNEL_OWN = {"piplite": [], "pyodide-kernel": ["comm", "ipython"], "ipykernel": ["pyodide-kernel"],
              "comm": []}
#: The Pyodide files a self-hosted DIR must have.
PYODIDE_CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                      "pyodide-lock.json")
#: What a student edition leaves out (besides notebooks/solutions/ and the course's own files,
#: notebooks/exercises/: its checker reads the key as salted hashes from the package).
TEACHER_ONLY = ("instructor-guide.md", "answer_key.csv")
TEACHER_DIRS = ("solutions", "exercises")
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
        raise SystemExit(f"{path}: missing: run `python -m tools.build_lite fetch` (make lite does)")
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
    print(f"{lock_path().relative_to(CHECKOUT)}; bundled wheels: {', '.join(reqs)}")
    fetch_pyodide_core()


def _boot_closure(lock: dict) -> list[str]:
    """The lock's packages the kernel loads at boot, with their dependencies (normalised)."""
    pkgs = {_norm(k): v for k, v in lock["packages"].items()}
    out: list[str] = []
    todo = [_norm(n) for n in KERNEL_BOOT]
    while todo:
        n = todo.pop()
        if n in out or n not in pkgs:
            continue
        out.append(n)
        todo += [_norm(d) for d in pkgs[n].get("depends", [])]
    return sorted(out)


def fetch_pyodide_core() -> None:
    """The network step of self-hosting: the npm ``pyodide`` package of the kernel's version
    (the core and its lock, no package wheels) into PYODIDE_CORE, and from PyPI the pure-Python
    wheels of what the kernel loads at boot (Pyodide's version where PyPI has it, else PyPI's
    newest) and of comm (the pinned version) into PYODIDE_WHEELS."""
    version = pyodide_version()
    if not (PYODIDE_CORE / "pyodide-lock.json").is_file():
        tmp_core = PYODIDE_CORE.with_name(PYODIDE_CORE.name + ".tmp")
        shutil.rmtree(tmp_core, ignore_errors=True)
        tmp_core.mkdir(parents=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", f"pyodide@{version}", "--silent", "--pack-destination",
                            tmp], check=True, stdout=subprocess.DEVNULL)
            tgz = next(Path(tmp).glob("pyodide-*.tgz"))
            with tarfile.open(tgz) as t:
                for m in t.getmembers():
                    name = m.name.removeprefix("package/")
                    if m.isfile() and "/" not in name and not name.endswith((".map", ".d.ts")):
                        (tmp_core / name).write_bytes(t.extractfile(m).read())
        tmp_core.rename(PYODIDE_CORE)
    lock = json.loads((PYODIDE_CORE / "pyodide-lock.json").read_text(encoding="utf-8"))
    pkgs = {_norm(k): v for k, v in lock["packages"].items()}
    PYODIDE_WHEELS.mkdir(parents=True, exist_ok=True)
    comm = md.version("comm")
    wanted = [(n, pkgs[n]["version"]) for n in _boot_closure(lock)] + [("comm", comm)]
    # the wheels Pyodide's Python can install (3.14 for Pyodide 314): PyPI's micropip 0.11.1
    # is found only when asked for it
    python = ".".join(str(lock.get("info", {}).get("python", "3.12")).split(".")[:2])
    for name, want in wanted:
        if any(_norm(w.name.split("-")[0]) == name for w in PYODIDE_WHEELS.glob("*.whl")):
            continue
        base = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                "--no-deps", "--only-binary=:all:", "--platform", "any", "--python-version",
                python, "-d", str(PYODIDE_WHEELS)]
        if subprocess.run([*base, f"{name}=={want}"], capture_output=True).returncode != 0:
            subprocess.run([*base, name], check=True, capture_output=True)
    print(f"{PYODIDE_CORE.relative_to(CHECKOUT)}: Pyodide {version} core; "
          f"{PYODIDE_WHEELS.relative_to(CHECKOUT)}: "
          + ", ".join(sorted(w.name for w in PYODIDE_WHEELS.glob('*.whl'))))


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


def build_wheel(dest: Path, key: dict | None = None) -> Path:
    """The project's wheel, built from a copy of its sources in a temporary directory (an
    in-place build would write build/ into the checkout).  ``key``: the student edition's
    course key (salted hashes, :func:`debao_audit.teaching.hashed`), put in the package as the
    student edition's checker reads it, so that no course file need ship."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src-copy"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (CHECKOUT / name).is_file():
                shutil.copy(CHECKOUT / name, src / name)
        shutil.copytree(CHECKOUT / "src", src / "src",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "course_key.json"))
        if key is not None:
            (src / "src" / "debao_audit" / "course_key.json").write_text(
                json.dumps(key, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
            toml = src / "pyproject.toml"        # the copy's package data takes the key too
            text = toml.read_text(encoding="utf-8")
            if 'debao_audit = ["py.typed",' not in text:
                raise SystemExit("lite: pyproject.toml: expected the package data of "
                                 'debao_audit to start with "py.typed"')
            toml.write_text(text.replace('debao_audit = ["py.typed",',
                                         'debao_audit = ["py.typed", "course_key.json",', 1),
                            encoding="utf-8")
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
            raise SystemExit(f"{WHEELS}: no wheel for {req}: run `python -m tools.build_lite fetch`")
        if not found[0].name.endswith("-none-any.whl"):
            raise SystemExit(f"{found[0].name}: not a pure-Python wheel")
        out.append(found[0])
    return out


def lite_notebook(nb: dict) -> dict:
    """A notebook as JupyterLite should serve it: every multi-line string (a cell's source, an
    output's text or data) joined into one string, as JupyterLab's own server hands notebooks
    over (JupyterLite passes the stored lists through, and JupyterLab then showed them joined
    with commas), and the Pyodide kernel's kernelspec and language_info, so that neither is
    changed when the kernel starts (which marked every notebook changed on opening)."""
    nb = json.loads(json.dumps(nb))

    def join(v):
        return "".join(v) if isinstance(v, list) and all(isinstance(x, str) for x in v) else v

    for cell in nb.get("cells", []):
        cell["source"] = join(cell.get("source", ""))
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = join(out["text"])
            for mime, value in (out.get("data") or {}).items():
                if not mime.endswith("json"):
                    out["data"][mime] = join(value)
    nb.setdefault("metadata", {})
    nb["metadata"]["kernelspec"] = dict(KERNELSPEC)
    nb["metadata"]["language_info"] = json.loads(json.dumps(LANGUAGE_INFO))
    return nb


#: What the Pyodide kernel (jupyterlite-pyodide-kernel 0.8.6) reports: its kernelspec and the
#: language_info of its kernel_info reply, read from its JavaScript (a test keeps them in step).
KERNELSPEC = {"display_name": "Python (Pyodide)", "language": "python", "name": "python"}
LANGUAGE_INFO = {"codemirror_mode": {"name": "python", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": "3.8"}


def _contents(contents: Path, solutions: bool) -> None:
    """The site's files: notebooks (student or teacher edition), data, fonts, cases, figures."""
    sys.path.insert(0, str(CHECKOUT / "src"))
    from debao_audit import teaching

    nbdir = contents / "notebooks"
    nbdir.mkdir(parents=True)
    for src in sorted(NOTEBOOKS.rglob("*")):
        rel = src.relative_to(NOTEBOOKS)
        if src.is_dir() or ".ipynb_checkpoints" in rel.parts:
            continue
        if not solutions and (rel.parts[0] in TEACHER_DIRS or src.name in TEACHER_ONLY):
            continue
        target = nbdir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix == ".ipynb":
            nb = json.loads(src.read_text(encoding="utf-8"))
            if not solutions:
                nb = teaching.student_notebook(nb)
            target.write_text(json.dumps(lite_notebook(nb), ensure_ascii=False, indent=1) + "\n",
                              encoding="utf-8")
        else:
            shutil.copy(src, target)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints",
                                    *(() if solutions else TEACHER_ONLY))
    shutil.copytree(CHECKOUT / "data", contents / "data", ignore=shutil.ignore_patterns("processed"))
    (contents / "data" / "processed").mkdir()
    shutil.copy(CHECKOUT / "data" / "processed" / "checks.csv", contents / "data" / "processed")
    for name in ("fonts", "cases", "figures"):
        shutil.copytree(CHECKOUT / name, contents / name, ignore=ignore)


def build(out: Path, *, solutions: bool = False, pyodide: Path | None = None) -> Path:
    """The JupyterLite site in ``out``: the student edition unless ``solutions``; Pyodide from
    its CDN unless ``pyodide`` names a distribution to self-host.  The target is checked
    first (:mod:`debao_audit.confine`: never the checkout's files, a link, a file or someone's
    directory) and the new site swapped into place."""
    sys.path.insert(0, str(CHECKOUT / "src"))
    from debao_audit.confine import check_target, swap

    out = check_target(out, "the JupyterLite site", lambda d: (d / "jupyter-lite.json").is_file())
    lock = pyodide_lock()
    if pyodide is not None:
        pyodide = _check_pyodide(Path(pyodide))
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".lite-work.", dir=out.parent))
    try:
        wheels_dir = work / "wheels"
        wheels_dir.mkdir()
        key = None
        if not solutions:  # the student edition: the checker judges by salted hashes
            sys.path.insert(0, str(CHECKOUT / "src"))
            from debao_audit import teaching
            key = teaching.hashed(teaching.course_key(teaching.course()))
        own = build_wheel(wheels_dir, key)
        deps = [Path(shutil.copy(w, wheels_dir / w.name)) for w in bundled_wheels(lock)]
        wheels = [own, *deps]
        gaps = unsatisfied(lock, wheels)
        if gaps:
            raise SystemExit(f"imports neither Pyodide nor a bundled wheel provides: {gaps}")
        contents = work / "contents"
        _contents(contents, solutions)
        bundled = ", ".join(w.name.split("-")[0] for w in deps)
        (contents / LITE_README).write_text(
            FIRST_PAGE.format(bundled=bundled, version=lock["info"].get("version", pyodide_version())),
            encoding="utf-8")
        pyodide_packages = sorted({pyodide_imports(lock)[t] for t in notebook_imports()
                                   if t in pyodide_imports(lock)})
        hosted = None
        if pyodide is not None:
            hosted = _self_host_plan(pyodide)
            missing = sorted(p for p in pyodide_packages if _norm(p) not in hosted["loadable"])
            pyodide_packages = [*hosted["boot"],
                                *[p for p in pyodide_packages if p not in missing]]
            if missing:
                print(f"lite: self-hosted Pyodide ({pyodide}) has no wheel for {', '.join(missing)} "
                      "(or for what they need): the kernel boots and runs Python, but a notebook "
                      "importing them fails there. Put Pyodide's full release in "
                      f"{pyodide} to have them all.", file=sys.stderr)
        lite_dir = work / "lite-dir"
        lite_dir.mkdir()
        settings = {
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": "debao_audit (JupyterLite)",
                "litePluginSettings": {
                    "@jupyterlite/pyodide-kernel-extension:kernel": {
                        "disablePyPIFallback": True,
                        **({"pyodideUrl": "../pyodide/pyodide.mjs"} if hosted else {}),
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
        if hosted:
            _write_self_hosted(site / "pyodide", pyodide, hosted)
        _notice(site, bundled, lock, hosted=hosted is not None)
        _kernel_check(site, "../pyodide/pyodide.mjs" if hosted else _cdn_url(), hosted is not None)
        swap(site, out)      # a leftover .lite.old of any kind goes first
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


# ------------------------------------------------------------------------------ self-hosting

def _cdn_url() -> str:
    """Where the kernel fetches Pyodide by default (its own setting, read from its code)."""
    return f"https://cdn.jsdelivr.net/pyodide/v{pyodide_version()}/full/pyodide.mjs"


def _check_pyodide(folder: Path) -> Path:
    """A Pyodide distribution of the kernel's version, or one line saying what is wrong."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise SystemExit(f"lite: PYODIDE={folder}: expected a folder holding a Pyodide "
                         f"{pyodide_version()} distribution (e.g. {PYODIDE_CORE.relative_to(CHECKOUT)}, "
                         "made by `python -m tools.build_lite fetch`, or Pyodide's release tarball "
                         "unpacked)")
    missing = [f for f in PYODIDE_CORE_FILES if not (folder / f).is_file()]
    if missing:
        raise SystemExit(f"lite: PYODIDE={folder}: expected Pyodide's core files; missing "
                         f"{', '.join(missing)}")
    pkg = folder / "package.json"
    if pkg.is_file():
        version = json.loads(pkg.read_text(encoding="utf-8")).get("version")
        if version != pyodide_version():
            raise SystemExit(f"lite: PYODIDE={folder}: expected Pyodide {pyodide_version()} (the "
                             f"kernel's version); got {version}")
    return folder


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kernel_pypi() -> Path:
    """The kernel extension's own wheels (piplite, pyodide_kernel, the ipykernel shim)."""
    return (Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyterlite"
            / "pyodide-kernel-extension" / "static" / "pypi")


def _self_host_plan(folder: Path) -> dict:
    """The lock to serve with a self-hosted Pyodide: entries whose wheel is in ``folder`` kept;
    entries without one rewritten to a pure-Python wheel of the same package from
    PYODIDE_WHEELS (its file name, version and hash); the kernel's own packages added; and what
    can be loaded (its wheel there and everything it depends on loadable)."""
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    spare = {}
    for w in sorted(PYODIDE_WHEELS.glob("*-none-any.whl")) + sorted(_kernel_pypi().glob("*.whl")):
        spare.setdefault(_norm(w.name.split("-")[0]), w)
    copies: list[Path] = []
    rewritten: list[str] = []
    have: set[str] = set()
    for key, entry in lock["packages"].items():
        n = _norm(key)
        if (folder / entry["file_name"]).is_file():
            have.add(n)
        elif n in spare and entry.get("package_type", "package") == "package":
            w = spare[n]
            was = entry.get("version")
            entry.update(file_name=w.name, version=w.name.split("-")[1], sha256=_sha256(w))
            copies.append(w)
            have.add(n)
            rewritten.append(f"{key} {was}" + (f" -> {entry['version']}" if was != entry["version"]
                                              else ""))
    for name, deps in KERNEL_OWN.items():
        w = spare.get(name)
        if w is None or name in {_norm(k) for k in lock["packages"]}:
            continue
        lock["packages"][name] = {
            "name": name, "version": w.name.split("-")[1], "file_name": w.name,
            "install_dir": "site", "sha256": _sha256(w), "package_type": "package",
            "imports": sorted(_wheel_top_levels(w)), "depends": deps, "unvendored_tests": False}
        copies.append(w)
        have.add(name)
    deps = {_norm(k): [_norm(d) for d in v.get("depends", [])] for k, v in lock["packages"].items()}
    loadable = set(have)
    changed = True
    while changed:
        changed = False
        for n in list(loadable):
            if any(d not in loadable for d in deps.get(n, [])):
                loadable.discard(n)
                changed = True
    boot = ["micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython"]
    stuck = [b for b in boot if _norm(b) not in loadable]
    if stuck:
        raise SystemExit(f"lite: PYODIDE={folder}: the kernel cannot boot: no wheel for "
                         f"{', '.join(stuck)} (or for what they need) in {folder} or "
                         f"{PYODIDE_WHEELS}: run `python -m tools.build_lite fetch`")
    return {"lock": lock, "copies": copies, "loadable": loadable, "boot": boot,
            "rewritten": rewritten}


def _write_self_hosted(dest: Path, folder: Path, plan: dict) -> None:
    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns("*.map", "*.d.ts", "*.tgz"))
    for w in plan["copies"]:
        shutil.copy(w, dest / w.name)
    (dest / "pyodide-lock.json").write_text(json.dumps(plan["lock"], indent=1) + "\n",
                                            encoding="utf-8")
    if plan["rewritten"]:
        print("lite: self-hosted lock entries rewritten to the wheels at hand (their file name "
              "and hash): " + ", ".join(plan["rewritten"]), file=sys.stderr)


# ------------------------------------------------------------------------------ the kernel check

#: The check each app's page runs on load (``templates/kernel_check.html.j2``).
KERNEL_CHECK = "kernel_check.html.j2"

KERNEL_TODO_CDN = ("connect to the internet (or ask for cdn.jsdelivr.net to be allowed) and reload "
                   "this page; or ask your teacher for the self-hosted build (make lite PYODIDE=DIR), "
                   "which needs no internet; or read the notebooks, already run, on the static site "
                   "(make site). Your files stay in this browser.")
KERNEL_TODO_HOSTED = ("ask whoever put up this site to rebuild it with `make lite PYODIDE=DIR` "
                      "(the pyodide/ folder is incomplete); meanwhile read the notebooks, already "
                      "run, on the static site (make site). Your files stay in this browser.")


def _kernel_check(site: Path, url: str, hosted: bool = False) -> list[Path]:
    """Each app's page (lab, notebooks, …) checks on load that the kernel's Pyodide can be
    fetched, and if not says so at the top of the page, with why and what to do."""
    script = templating.render(KERNEL_CHECK, url=json.dumps(url), todo=json.dumps(
        KERNEL_TODO_HOSTED if hosted else KERNEL_TODO_CDN))
    done = []
    for page in sorted(site.glob("*/index.html")):
        text = page.read_text(encoding="utf-8")
        if 'id="jupyter-config-data"' not in text or "</body>" not in text:
            continue
        page.write_text(text.replace("</body>", script + "</body>", 1), encoding="utf-8")
        done.append(page)
    if not any(p.parent.name == "lab" for p in done):
        raise SystemExit("JupyterLite's lab/index.html has no place for the kernel check")
    return done


def _notice(site: Path, bundled: str, lock: dict, hosted: bool = False) -> None:
    """The site's first page: what runs where and what the browser fetches at run time, then
    the way in (JupyterLab on the notebooks).  It replaces JupyterLite's root redirect."""
    version = lock["info"].get("version", pyodide_version())
    original = (site / "index.html").read_text(encoding="utf-8")
    # the apps read the root page's config block (config-utils.js walks up to it): keep it
    config = re.search(r'<script[^>]*id="jupyter-config-data".*?</script>', original, re.S)
    if config is None:
        raise SystemExit("JupyterLite's index.html has no jupyter-config-data block")
    page = templating.render("lite_index.html.j2", config=config.group(0), version=str(version),
                             readme=LITE_README, bundled=bundled, hosted=hosted)
    (site / "index.html").write_text(page, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("step", choices=["fetch", "build", "imports"])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--solutions", action="store_true",
                    help="the teacher's edition: with notebooks/solutions/, the instructor guide "
                         "and the practice case's answer key (default: the student edition)")
    ap.add_argument("--pyodide", type=Path, metavar="DIR",
                    help="self-host Pyodide from DIR (a Pyodide distribution of the kernel's "
                         "version) instead of fetching it from its CDN")
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
            out = build(args.out, solutions=args.solutions, pyodide=args.pyodide)
        except TargetError as e:
            print(f"lite: {e}", file=sys.stderr)
            return 2
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        print(f"{out}: JupyterLite site, {size / 1e6:.0f} MB; serve it over http "
              "(python -m http.server -d lite) and open index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())

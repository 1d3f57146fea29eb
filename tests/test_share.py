"""The share routes that need the optional tools (requirements-share.lock, installed by
``make share-env``): the JupyterLite site (``make lite``) and the Binder configuration read by
repo2docker.  Marked ``share``: ``make test-share`` runs them (and .ci/run calls it); ``make
test`` leaves them out.  No network: the fetch step (``make share-env``) has run before."""

from __future__ import annotations

import functools
import http.server
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.share


def _load_tool(name: str):
    mod = importlib.import_module(f"tools.{name}")
    return mod


lite = _load_tool("build_lite")


@pytest.fixture(scope="module")
def lock() -> dict:
    pytest.importorskip("jupyterlite_core", reason="run make share-env (requirements-share.lock)")
    pytest.importorskip("jupyterlite_pyodide_kernel")
    if not lite.lock_path().is_file():
        pytest.fail(f"{lite.lock_path()}: missing: make share-env fetches it")
    return lite.pyodide_lock()


@pytest.fixture(scope="module")
def site(lock, tmp_path_factory) -> Path:
    """`make lite`'s build (which runs `jupyter lite check` and fails if it fails)."""
    return lite.build(tmp_path_factory.mktemp("lite") / "lite")


# ------------------------------------------------------------------------------ versions

def test_pins_match_the_pinned_jupyterlab():
    """jupyterlite-core and the Pyodide kernel are pinned to one release line (0.8.x), the one
    built against JupyterLab 4.6 (the pinned jupyterlab)."""
    pins = dict(re.findall(r"^([\w.-]+)==([\w.]+)", (ROOT / "requirements-share.lock").read_text(), re.M))
    main = dict(re.findall(r"^([\w.-]+)==([\w.]+)", (ROOT / "requirements.lock").read_text(), re.M))
    assert pins["jupyterlite-core"] == pins["jupyterlite-pyodide-kernel"]
    assert main["jupyterlab"].startswith("4.6.")
    # the share lock never overrides a main pin
    assert {k: v for k, v in pins.items() if k in main and main[k] != v} == {}


def test_lock_file_is_the_kernels_pyodide(lock):
    from jupyterlite_pyodide_kernel import constants

    assert constants.PYODIDE_VERSION in lite.lock_path().name
    assert lock["packages"]["pandas"]["imports"] == ["pandas"]


# ------------------------------------------------------------------------------ imports

def test_every_notebook_import_is_satisfied(lock, site):
    """Every module the notebooks reach (their imports and the package modules' imports) is in
    the Pyodide lock file, provided by the kernel, or in a wheel bundled with the site."""
    wheels = sorted((site / "pypi").glob("*.whl"))
    assert {w.name.split("-")[0] for w in wheels} >= {"debao_audit", "seaborn", "cn2an"}
    assert lite.unsatisfied(lock, wheels) == []
    assert {"pandas", "matplotlib", "debao_audit", "seaborn", "cn2an"} <= lite.notebook_imports()


def test_import_check_can_fail(lock):
    assert "seaborn" in lite.unsatisfied(lock, [])
    fake = {"packages": {}}
    assert "pandas" in lite.unsatisfied(fake, [])


def test_bundled_wheels_are_pure_python_and_pinned(lock, site):
    pins = dict(re.findall(r"^([\w.-]+)==([\w.]+)", (ROOT / "requirements.lock").read_text(), re.M))
    for whl in (site / "pypi").glob("*.whl"):
        # pure Python: no ABI, any platform (py3 or py2.py3)
        assert re.search(r"-(py3|py2\.py3)-none-any\.whl$", whl.name), whl.name
        name, version = whl.name.split("-")[:2]
        if name != "debao_audit":
            assert pins[name.replace("_", "-")] == version, whl.name


# ------------------------------------------------------------------------------ the site

def test_site_configuration(lock, site):
    cfg = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = cfg["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    opts = kernel["loadPyodideOptions"]
    assert opts["env"] == {"DEBAO_AUDIT_ROOT": "/drive"}
    wheels = {w.name for w in (site / "pypi").glob("*.whl")}
    urls = [p for p in opts["packages"] if p.endswith(".whl")]
    assert {u.rsplit("/", 1)[1] for u in urls} == wheels  # every bundled wheel preloaded: no %pip
    # relative to the kernel's worker script, they land on the site's pypi/ folder
    worker = next((site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static").glob("*.worker.*.js"))
    for u in urls:
        assert (worker.parent / u).resolve().is_file(), u
    assert all(p in lock["packages"] for p in opts["packages"] if not p.endswith(".whl"))
    for rel in ("notebooks/00-read-the-article.ipynb", "data/claims.csv", "data/raw/article.txt",
                "fonts/NotoSansCJKsc-Regular-subset.otf", lite.LITE_README,
                "cases/practice-lanshan/case.json", "figures/checks_by_kind.png",
                "figures/annotated_article.html"):
        assert (site / "files" / rel).is_file(), rel
    # the student edition (the default): the notebooks as the student edition makes them, as
    # JupyterLab holds them; no solutions, no instructor guide, no answer key
    from debao_audit import teaching
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shipped = json.loads((site / "files" / "notebooks" / nb.name).read_text(encoding="utf-8"))
        assert shipped == lite.lite_notebook(teaching.student_notebook(json.loads(nb.read_text())))
    files = {str(p.relative_to(site / "files")) for p in (site / "files").rglob("*")}
    assert not any("solutions" in f or "instructor-guide" in f or "answer_key" in f
                   or "exercises/" in f for f in files), sorted(files)
    # the checker judges by the salted key in the package: no answer in it
    whl = next((site / "pypi").glob("debao_audit-*.whl"))
    with zipfile.ZipFile(whl) as z:
        key = json.loads(z.read("debao_audit/course_key.json"))
    assert key["salt"] and key["exercises"].keys() == teaching.course().exercises.keys()
    assert '"solutions' not in (site / "api" / "contents" / "notebooks" / "all.json").read_text()


@pytest.mark.parametrize("solutions", [False, True], ids=["student", "teacher"])
def test_the_editions_contents(tmp_path, solutions):
    """Both editions ship cases/ and figures/; only the teacher's has the solutions, the
    instructor guide and the practice case's answer key."""
    lite._contents(tmp_path / "c", solutions)
    got = {str(p.relative_to(tmp_path / "c")) for p in (tmp_path / "c").rglob("*") if p.is_file()}
    teacher = {"notebooks/instructor-guide.md", "cases/practice-lanshan/answer_key.csv",
               "notebooks/solutions/03-examine-income-growth-solutions.ipynb",
               "notebooks/exercises/course.py", "notebooks/exercises/exercises.toml"}
    if solutions:
        assert teacher <= got
    else:
        assert not teacher & got
    figures = {f"figures/{p.name}" for p in (ROOT / "figures").glob("*.png")}
    assert figures and figures <= got
    assert {f"cases/practice-lanshan/{n}" for n in ("case.json", "article.txt", "claims.csv",
                                                     "relations.csv")} <= got


def test_shipped_notebooks_are_as_jupyterlab_holds_them(site):
    """No list-valued text anywhere (JupyterLite passes the stored JSON through and JupyterLab
    showed lists joined by commas: ",Not evidence: …", a row of ",,,," above each table), and
    the kernel's own kernelspec and language_info (else starting it marks the notebook
    changed), as the kernel's code states them."""
    for nb in (site / "files" / "notebooks").glob("*.ipynb"):
        d = json.loads(nb.read_text(encoding="utf-8"))
        for cell in d["cells"]:
            assert isinstance(cell["source"], str), nb.name
            for out in cell.get("outputs", []):
                assert isinstance(out.get("text", ""), str), nb.name
                for mime, v in out.get("data", {}).items():
                    assert mime.endswith("json") or isinstance(v, str), (nb.name, mime)
        assert d["metadata"]["kernelspec"] == lite.KERNELSPEC
        assert d["metadata"]["language_info"] == lite.LANGUAGE_INFO
    static = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    js = "".join(p.read_text(encoding="utf-8", errors="replace") for p in static.glob("*.js"))
    info = lite.LANGUAGE_INFO
    assert (f'language_info:{{codemirror_mode:{{name:"python",version:3}},file_extension:".py",'
            f'mimetype:"text/x-python",name:"python",nbconvert_exporter:"python",'
            f'pygments_lexer:"ipython3",version:"{info["version"]}"}}') in js
    assert 'name:"python",display_name:"Python (Pyodide)",language:"python"' in js
    # and the kernel check's default address is the kernel's own
    assert f'pyodideUrl||"{lite._cdn_url()}"' in js
    assert json.dumps(lite._cdn_url()) in (site / "lab" / "index.html").read_text(encoding="utf-8")


def test_first_page_says_what_is_fetched_at_run_time(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="jupyter-config-data"' in index
    note = re.sub(r"<[^>]+>", "", index)
    for words in ("Pyodide's CDN", "pandas", "matplotlib", "Offline", "make site", "no %pip"):
        assert words in note, words
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make lite" in readme and "](docs/site.md)" in readme
    page = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    assert "make lite" in page and "Pyodide's CDN" in page


def test_installed_wheel_finds_its_data_by_the_one_setting(site, tmp_path):
    """The wheel, unpacked away from the source tree, loads the claims and the font when
    DEBAO_AUDIT_ROOT names a copy of the contents (as /drive does in the browser)."""
    whl = next((site / "pypi").glob("debao_audit-*.whl"))
    with zipfile.ZipFile(whl) as z:
        z.extractall(tmp_path / "site-packages")
    code = ("import debao_audit, pathlib, sys; from debao_audit import data, style;"
            "assert 'site-packages' in debao_audit.__file__, debao_audit.__file__;"
            "print(len(data.load_claims()), style.register_font(), data.ROOT, sep='|')")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site-packages"),
           "DEBAO_AUDIT_ROOT": str(site / "files"), "DEBAO_AUDIT_OUTPUT": str(tmp_path / "out"),
           "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    n, family, root = proc.stdout.strip().split("|")
    assert int(n) > 50 and root.strip() == str((site / "files").resolve())
    env.pop("DEBAO_AUDIT_ROOT")  # without the setting, the installed package cannot find them
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode != 0


def test_chromium_opens_the_site_and_lists_every_notebook(browser, site):
    """Served on localhost, offline: JupyterLab loads, its file browser lists every notebook,
    and nothing is fetched from another host (no kernel is started) but the kernel check's
    probe of Pyodide."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        outside: list[str] = []
        pg.on("request", lambda r: outside.append(r.url)
              if not r.url.startswith((base, "data:", "blob:")) else None)
        pg.goto(base + "/index.html")
        assert "Pyodide's CDN" in pg.inner_text("#runtime-note")
        pg.click("#open-lab")
        pg.wait_for_selector(".jp-DirListing-item[title^='Name: notebooks']", timeout=90_000)
        pg.dblclick(".jp-DirListing-item[title^='Name: notebooks']")
        pg.wait_for_selector(".jp-DirListing-item[title^='Name: 00-']", timeout=60_000)
        listed = pg.eval_on_selector_all(".jp-DirListing-item .jp-DirListing-itemText",
                                         "es => es.map(e => e.textContent)")
        pg.close()
    finally:
        srv.shutdown()
    want = {nb.name for nb in (ROOT / "notebooks").glob("*.ipynb")}
    assert want <= set(listed), sorted(want - set(listed))
    # nothing from elsewhere but the kernel check's probe of the Pyodide the kernel will load
    assert set(outside) <= {lite._cdn_url()}, outside


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


def _offline_page(browser, base: str, outside: list[str]):
    """A page with no network but the site: every other request is refused (as offline)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        if r.request.url.startswith((base, "data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort("internetdisconnected")
    ctx.route("**/*", route)
    return ctx, ctx.new_page()


def test_offline_the_page_says_why_the_kernel_cannot_start(browser, site, tmp_path):
    """The CDN build with no network: the notebook still opens (with what outputs it has: none in
    the student edition), and a message at the top of the page says why the kernel cannot start
    and what to do."""
    srv, base = _serve(site)
    outside: list[str] = []
    try:
        ctx, pg = _offline_page(browser, base, outside)
        pg.goto(base + "/lab/index.html?path=notebooks/02-check-every-relation.ipynb")
        pg.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        pg.wait_for_selector("#kernel-cannot-load", timeout=60_000)
        text = pg.inner_text("#kernel-cannot-load")
        outputs = pg.eval_on_selector_all(".jp-OutputArea-output", "es => es.map(e => e.innerText)")
        pg.screenshot(path=str(tmp_path / "offline-message.png"))
        ctx.close()
    finally:
        srv.shutdown()
    assert "cannot start" in text and "cdn.jsdelivr.net" in text
    for what in ("no network connection", "reload", "make lite PYODIDE=DIR", "make site"):
        assert what in text, what
    assert not [o for o in outputs if o.startswith(",") or ",,," in o]
    assert any(u.startswith("https://cdn.jsdelivr.net/") for u in outside)


@pytest.fixture(scope="module")
def hosted(lock, tmp_path_factory) -> Path:
    """`make lite PYODIDE=DIR` with DIR the npm pyodide package's core (no package wheels;
    the kernel's boot packages stand in from PyPI, `make share-env` fetched both)."""
    if not (lite.PYODIDE_CORE / "pyodide-lock.json").is_file():
        pytest.fail(f"{lite.PYODIDE_CORE}: missing: make share-env fetches it")
    return lite.build(tmp_path_factory.mktemp("hosted") / "lite", pyodide=lite.PYODIDE_CORE)


def test_self_hosted_pyodide_boots_with_no_network(browser, hosted):
    """Headless Chromium with every request off the site refused: the kernel boots from the
    site's own pyodide/, runs a pure-Python cell, and the notebook is not marked changed."""
    cfg = json.loads((hosted / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = cfg["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "../pyodide/pyodide.mjs"
    lock = json.loads((hosted / "pyodide" / "pyodide-lock.json").read_text())
    for name in kernel["loadPyodideOptions"]["packages"]:
        if not name.endswith(".whl"):
            entry = next(v for k, v in lock["packages"].items() if lite._norm(k) == lite._norm(name))
            whl = hosted / "pyodide" / entry["file_name"]
            assert whl.is_file() and lite._sha256(whl) == entry["sha256"], name
    srv, base = _serve(hosted)
    outside: list[str] = []
    try:
        ctx, pg = _offline_page(browser, base, outside)
        pg.goto(base + "/lab/index.html?path=notebooks/02-check-every-relation.ipynb")
        pg.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=300_000)
        dirty = pg.eval_on_selector_all(".jp-mod-dirty", "es => es.length")
        pg.click(".jp-Notebook .jp-Cell >> nth=0")
        pg.keyboard.press("Escape")
        pg.keyboard.press("a")
        pg.keyboard.press("Enter")
        pg.keyboard.type("import sys; print('pyodide-ok', sys.version_info[:2], sum(range(10)))")
        pg.keyboard.press("Shift+Enter")
        pg.wait_for_selector("text=pyodide-ok (3,", timeout=120_000)
        out = pg.inner_text(".jp-Cell >> nth=0")
        banner = pg.query_selector("#kernel-cannot-load")
        ctx.close()
    finally:
        srv.shutdown()
    assert dirty == 0
    assert "pyodide-ok (3, 14) 45" in out
    assert banner is None and outside == []


# ------------------------------------------------------------------------------ Binder

def test_binder_dry_run_renders_the_conda_buildpack_and_postbuild():
    """repo2docker (pinned) reads the repository's root configuration without building: the
    conda buildpack from environment.yml (the pinned versions), then postBuild, which stops at
    the first error."""
    exe = shutil.which("repo2docker", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("repo2docker missing: make share-env installs it (requirements-share.lock)")
    post = (ROOT / "postBuild").read_text(encoding="utf-8").splitlines()
    assert post[0].startswith("#!") and "set -euo pipefail" in post
    assert os.access(ROOT / "postBuild", os.X_OK)
    assert not (ROOT / "binder").exists() or not (ROOT / "binder").is_dir()  # root config is read
    proc = subprocess.run([exe, "--no-build", "--no-run", "--debug", str(ROOT)],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    dockerfile = proc.stdout + proc.stderr
    assert re.search(r"^FROM .*buildpack-deps", dockerfile, re.M)
    assert "activate-conda" in dockerfile and 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in dockerfile
    steps = [l for l in dockerfile.splitlines() if l.startswith("RUN ./postBuild") or "environment.yml" in l]
    assert steps and steps[-1] == "RUN ./postBuild"
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "python=3.11" in env and "jupyterlab==" in env

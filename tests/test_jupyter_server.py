"""A real Jupyter server runs a notebook: start ``jupyter server`` on 127.0.0.1 (a free port, a
random token, its own runtime and config directories), read the notebook through the contents
API, start a kernel through the sessions API, run every code cell over the kernel's websocket,
and compare what comes back with the outputs stored in the notebook.  Then shut it all down.

Bounded in time (pytest-timeout); a second run at the same time gets another port (the port is
chosen by the OS, and a server that loses a race for it is retried on a new one)."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

# Real servers: `make test-browser` (run by .ci/run right after `make test`), not `make test`.
pytestmark = pytest.mark.browser

websocket = pytest.importorskip("websocket")  # websocket-client, a dependency of jupyter_server

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/01-read-the-claims.ipynb"
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,16}")  # as tests/nbval_sanitize.cfg


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, root: Path = ROOT, app: str = "server",
                 extra: tuple[str, ...] = ()):
        self.token = secrets.token_hex(16)
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                   JUPYTER_CONFIG_DIR=str(tmp / "config"), DEBAO_AUDIT_OUTPUT=str(tmp / "out"),
                   MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
        for attempt in range(3):
            self.port = _free_port()
            self.log = (tmp / f"server-{attempt}.log").open("w")
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jupyter", app, "--no-browser", "--allow-root",
                 "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                 "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                 f"--ServerApp.root_dir={root}", *extra],
                stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=tmp)
            if self._wait_ready(60):
                return
            self.stop()
        raise RuntimeError(f"jupyter server did not start: {(tmp / 'server-2.log').read_text()[-2000:]}")

    def _wait_ready(self, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                return False
            try:
                self.api("GET", "/api/status")
                return True
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        return False

    def raw(self, method: str, path: str, body: dict | None = None) -> bytes:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        text = self.raw(method, path, body)
        return json.loads(text) if text else {}

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.api("POST", "/api/shutdown")
                self.proc.wait(20)
            except Exception:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def _execute(ws, session: str, code: str) -> list[dict]:
    """Run one cell over the websocket; the outputs as nbformat stores them."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": session,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    outputs, idle, replied = [], False, False
    while not (idle and replied):
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if msg["channel"] == "shell" and kind == "execute_reply":
            replied = True
            assert content["status"] == "ok", content
        elif kind == "status":
            idle = content["execution_state"] == "idle"
        elif kind == "stream":
            if outputs and outputs[-1]["output_type"] == "stream" and outputs[-1]["name"] == content["name"]:
                outputs[-1]["text"] += content["text"]
            else:
                outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
        elif kind in ("display_data", "execute_result"):
            out = {"output_type": kind, "data": content["data"]}
            if kind == "execute_result":
                out["execution_count"] = content["execution_count"]
            outputs.append(out)
        elif kind == "error":
            raise AssertionError(f"cell failed: {content['ename']}: {content['evalue']}")
    return outputs


def _comparable(outputs: list[dict]) -> list[dict]:
    def clean(v):
        v = "".join(v) if isinstance(v, list) else v
        return ADDRESS.sub("0xADDRESS", v) if isinstance(v, str) else v
    out = []
    for o in outputs:
        c = {"output_type": o["output_type"]}
        if o["output_type"] == "stream":
            c.update(name=o["name"], text=clean(o["text"]))
        else:
            c["data"] = {k: clean(v) for k, v in o["data"].items()}
            if "execution_count" in o:
                c["execution_count"] = o["execution_count"]
        out.append(c)
    return out


@pytest.mark.timeout(300)
def test_a_real_server_runs_a_notebook_and_reproduces_its_outputs(tmp_path):
    server = Server(tmp_path)
    try:
        status = server.api("GET", "/api/status")
        assert "started" in status
        model = server.api("GET", f"/api/contents/{NOTEBOOK}?content=1")
        assert model["type"] == "notebook"
        cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
        assert cells
        session = server.api("POST", "/api/sessions", {
            "path": NOTEBOOK, "type": "notebook", "name": Path(NOTEBOOK).name,
            "kernel": {"name": "python3"}})
        kernel = session["kernel"]["id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}",
            header=[f"Authorization: token {server.token}"], timeout=120)
        try:
            for i, cell in enumerate(cells):
                got = _execute(ws, session["id"], "".join(cell["source"]))
                assert _comparable(got) == _comparable(cell["outputs"]), f"code cell {i} differs"
        finally:
            ws.close()
        server.api("DELETE", f"/api/sessions/{session['id']}")
        assert server.api("GET", "/api/kernels") == []
    finally:
        server.stop()
    assert server.proc.returncode is not None


def _kernel_info(server: "Server", path: str) -> dict:
    """What JupyterLab asks a new kernel first: its kernel_info_reply (language_info)."""
    session = server.api("POST", "/api/sessions", {
        "path": path, "type": "notebook", "name": Path(path).name,
        "kernel": {"name": "python3"}})
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/api/kernels/{session['kernel']['id']}/channels"
        f"?session_id={uuid.uuid4().hex}",
        header=[f"Authorization: token {server.token}"], timeout=120)
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": session["id"],
                       "msg_type": "kernel_info_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {}}))
        while True:
            msg = json.loads(ws.recv())
            if (msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg["msg_type"] == "kernel_info_reply"):
                return msg["content"]
    finally:
        ws.close()
        server.api("DELETE", f"/api/sessions/{session['id']}")


@pytest.mark.timeout(300)
def test_every_notebook_opens_and_saves_unchanged_through_the_server(tmp_path):
    """JupyterLab opens a notebook, starts its kernel, writes the kernel's language_info into
    the notebook's metadata and marks it changed if that differs; autosave then rewrites it.
    Do the same through the contents API (on a copy: the checkout is never written): the
    stored notebook already has that language_info, and saving it back gives equal bytes."""
    import shutil

    root = tmp_path / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ipynb"))
    assert len(paths) >= 16
    server = Server(tmp_path, root=root)
    try:
        info = _kernel_info(server, paths[0])["language_info"]
        for path in paths:
            before = (root / path).read_bytes()
            model = server.api("GET", f"/api/contents/{path}?content=1")
            meta = model["content"]["metadata"]
            assert meta["language_info"] == info, f"{path}: opening it would mark it changed"
            meta["language_info"] = info                      # what JupyterLab does on open
            server.api("PUT", f"/api/contents/{path}", {
                "type": "notebook", "format": "json", "content": model["content"]})
            assert (root / path).read_bytes() == before, f"{path}: saving it changed its bytes"
    finally:
        server.stop()


@pytest.mark.timeout(300)
def test_make_lab_turns_the_announcements_off(tmp_path):
    """`make lab` disables the announcements plugin (the "official Jupyter news?" pop-up over
    the first output) in the environment's page config, and fetches neither news nor updates.
    The same disable, at the user level of a temporary config directory, is what a real
    JupyterLab 4.6.6 server then reports in its page config; its news feed is empty."""
    recipe = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True,
                            text=True).stdout
    plugin = "@jupyterlab/apputils-extension:announcements"
    assert f"labextension disable --level=sys_prefix {plugin}" in recipe
    assert "--LabApp.news_url=None" in recipe
    quiet = re.search(r"jupyter lab (.*)", recipe, re.S).group(1).split()
    flags = tuple(f for f in quiet if f.startswith("--LabApp.") and "default_url" not in f)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    subprocess.run([sys.executable, "-m", "jupyter", "labextension", "disable", "--level=user",
                    plugin], env=env, check=True, capture_output=True)
    server = Server(tmp_path, root=tmp_path, app="lab", extra=flags)
    try:
        page = server.raw("GET", "/lab").decode("utf-8")
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">'
                                      r"(.*?)</script>", page, re.S).group(1))
        disabled = config.get("disabledExtensions", [])
        assert plugin in (disabled if isinstance(disabled, list) else list(disabled)), disabled
        assert server.api("GET", "/lab/api/news").get("news", []) == []
    finally:
        server.stop()

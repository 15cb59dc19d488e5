"""The import contract: the domain never imports Textual; only cognito.py (and transport.py,
which builds its clients) imports botocore; only cognito.py imports transport.py.

Checked twice: in the source (every import statement, at any depth, so an import inside a
function counts too) and in a fresh interpreter (what importing the domain really loads).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "cogtui"
UI = {"app.py", "app_base.py"}  # and everything in screens/ and widgets/
ENTRY_POINTS = {"cli.py", "__main__.py", "demo.py"}  # may start the UI, inside functions
AWS = {"boto3", "botocore"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """The top-level package of every import in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def is_ui(path: Path) -> bool:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] in ("screens", "widgets") or relative.name in UI


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_cognito_py_imports_botocore(path: Path) -> None:
    if path.name not in ("cognito.py", "transport.py"):
        assert not imported(path) & AWS, f"{path.name} imports {imported(path) & AWS}"
        assert "cogtui.transport" not in modules_imported(path), path.name


def modules_imported(path: Path) -> set[str]:
    """Every module the file imports by its full name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in modules() if not is_ui(p) and p.name not in ENTRY_POINTS],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_the_domain_never_imports_textual_or_rich(path: Path) -> None:
    assert not imported(path) & {"textual", "rich"}, path.name


def test_importing_every_domain_module_loads_neither_textual_nor_botocore() -> None:
    domain = [
        "cogtui." + p.stem
        for p in modules()
        if p.parent == PACKAGE and not is_ui(p) and p.name not in ENTRY_POINTS | {"__init__.py"}
    ]
    assert "cogtui.session" in domain and "cogtui.cognito" in domain
    code = (
        f"import sys\nfor name in {domain!r}: __import__(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', "
        "'botocore', 'boto3', 'keyring', 'pycognito', 'fido2'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stdout


GET_CHILD = r"""
import json, sys
import cogtui.vault as vault
store = vault.MemoryStore()
vault.Vault(store, "us-east-1_Get1", "getclient").save_tokens(
    "grace", vault.Tokens(*json.loads(sys.argv[1]))
)
vault.system_store = lambda: store  # the keyring's place, without a D-Bus session here
from cogtui.cli import main
code = main(["get", "--json", "--user-pool-id", "us-east-1_Get1", "--client-id", "getclient",
             "--endpoint-url", sys.argv[2]])
heavy = {"textual", "rich", "botocore", "boto3", "pycognito", "jwt", "keyring", "cryptography",
         "fido2"}
print(json.dumps({"code": code, "loaded": sorted({m.split(".")[0] for m in sys.modules} & heavy)}),
      file=sys.stderr)
"""


def test_cogtui_get_imports_no_ui_no_botocore_no_jwt_and_no_keyring_package() -> None:
    """`cogtui get` is a script's call: nothing on its path imports what it does not use."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.conftest import fake_tokens

    class GetUser(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            user = {"Username": "grace", "UserAttributes": [{"Name": "email", "Value": "g@x.org"}]}
            body = json.dumps(user).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), GetUser)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tokens = fake_tokens("us-east-1_Get1", "getclient", "grace")
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                GET_CHILD,
                json.dumps([tokens.id_token, tokens.access_token, tokens.refresh_token]),
                f"http://127.0.0.1:{server.server_address[1]}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        server.shutdown()
    assert '"email": "g@x.org"' in done.stdout, done.stderr
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}


def test_the_screens_load_no_fido2() -> None:
    """fido2 (and the HID layer under it) is loaded only when a security key is used."""
    code = (
        "import sys\nimport cogtui.app, cogtui.screens.sign_in, cogtui.screens.security\n"
        "import cogtui.cli, cogtui.signing_in, cogtui.passkeys\n"
        "print('fido2' in {m.split('.')[0] for m in sys.modules})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False", done.stdout

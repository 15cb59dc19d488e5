"""The README is what a newcomer follows: its images exist and its first commands are two."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# ![alt](path "title"), <img src="path">, and [ref]: path reference definitions.
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.IGNORECASE)
IMAGE_SUFFIXES = (".svg", ".png", ".gif", ".jpg", ".jpeg", ".webp")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)


def linked_images(text: str) -> list[str]:
    found = MARKDOWN_IMAGE.findall(text) + HTML_IMAGE.findall(text)
    found += [target for target in REFERENCE.findall(text) if target.endswith(IMAGE_SUFFIXES)]
    return found


def local(target: str) -> Path | None:
    """The file a link points at in the repository, or None for a web address."""
    parts = urlparse(target)
    if parts.scheme or parts.netloc:
        return None
    return (README.parent / unquote(parts.path)).resolve()


def test_every_image_the_readme_links_exists() -> None:
    images = linked_images(README.read_text(encoding="utf-8"))

    missing = [target for target in images if (path := local(target)) and not path.is_file()]

    assert images, "the README shows no images"
    assert missing == [], f"the README links images that do not exist: {missing}"


def test_the_readme_shows_the_four_screenshots() -> None:
    images = {Path(t).name for t in linked_images(README.read_text(encoding="utf-8"))}

    assert {"sign-in.svg", "profile.svg", "review.svg", "verify-code.svg"} <= images


def test_the_readme_opens_with_exactly_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    before_install = text.split("\n## ", 1)[0]  # the opening, before the first section

    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", before_install, re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]

    assert len(commands) == 2, commands
    assert "cogtui demo" in commands[0]
    assert "scripts/test" in commands[1]


def test_a_missing_image_is_caught(tmp_path: Path) -> None:
    text = "![shot](screenshots/nowhere.svg) <img src='screenshots/profile.svg'>"

    images = linked_images(text)

    assert images == ["screenshots/nowhere.svg", "screenshots/profile.svg"]
    assert not local("screenshots/nowhere.svg").is_file()  # type: ignore[union-attr]
    assert local("https://example.com/a.svg") is None


def test_what_the_readme_commands_create_is_ignored_by_git() -> None:
    import shutil
    import subprocess

    if not shutil.which("git") or not (ROOT / ".git").exists():
        import pytest

        pytest.skip("LOUD SKIP: not a git checkout, so there is no ignore list to check")
    made = [
        ".venv/bin/python",
        "tests/emulator/node_modules/x",
        "cogtui/__pycache__/a.pyc",
        "cogtui.egg-info/PKG-INFO",
        ".pytest_cache/x",
        ".ruff_cache/x",
        ".mypy_cache/x",
    ]
    checked = subprocess.run(
        ["git", "check-ignore", "--no-index", *made], cwd=ROOT, capture_output=True, text=True
    )
    assert sorted(checked.stdout.split()) == sorted(made)

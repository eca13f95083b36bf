"""The Thai translations: every message the code marks for translation has one, and the
compiled catalogue is the one its messages file gives. Needs GNU gettext, as `make
messages` does (`make test` installs it)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
MESSAGES = BASE_DIR / "foodbank" / "locale" / "th" / "LC_MESSAGES"
# What `make messages` reads: the apps and their templates.
SOURCES = ("foodbank", "donors", "inventory", "points", "worker", "manage.py")


def needs_gettext(program: str) -> None:
    if shutil.which(program) is None:
        pytest.fail(f"{program} is needed: GNU gettext (Debian: gettext)")


def gettext_tool(*command: str) -> str:
    needs_gettext(command[0])
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    return done.stdout


def entries(po_text: str) -> list[str]:
    """The entries of a messages file as gettext prints it, without its header."""
    return [block for block in po_text.strip().split("\n\n")[1:] if block.strip()]


def test_every_message_of_the_code_has_a_thai_translation(tmp_path):
    for source in SOURCES:
        if (BASE_DIR / source).is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(BASE_DIR / source, tmp_path / source, ignore=ignored)
        else:
            shutil.copy(BASE_DIR / source, tmp_path / source)
    needs_gettext("xgettext")
    # `make messages` in a copy of the project: the messages file as the code now asks for it.
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "th"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    refreshed = str(tmp_path / "foodbank" / "locale" / "th" / "LC_MESSAGES" / "django.po")

    untranslated = gettext_tool("msgattrib", "--untranslated", "--no-obsolete", refreshed)
    guessed = gettext_tool("msgattrib", "--only-fuzzy", "--no-obsolete", refreshed)

    assert entries(untranslated) == [], "messages with no Thai: translate them, then make messages"
    assert entries(guessed) == [], "translations gettext guessed: check them, then make messages"


def test_the_compiled_catalogue_is_the_one_the_messages_file_gives(tmp_path):
    compiled = tmp_path / "django.mo"
    # As Django's compilemessages runs it.
    gettext_tool("msgfmt", "--check-format", "-o", str(compiled), str(MESSAGES / "django.po"))
    assert compiled.read_bytes() == (MESSAGES / "django.mo").read_bytes(), "run make messages"

"""Every translation catalogue compiles cleanly under msgfmt's strictest check."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CATALOGUES = sorted(Path(__file__).resolve().parents[1].glob("**/locale/*/LC_MESSAGES/django.po"))


def test_there_are_catalogues_for_every_language():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {"zh_Hans", "zh_Hant", "en"}


@pytest.mark.parametrize(
    "catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(path.parents[4]))
)
def test_catalogue_passes_msgfmt_check(catalogue, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (GNU gettext) is needed to compile the catalogues"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "out.mo"), str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_catalogue_matches_its_package_and_is_translated():
    """Each package's catalogue holds exactly its own messages, all translated into Chinese.

    A message that moved to another package, or a new one nobody translated, fails here
    (refresh with `scripts/catalogues.py`).
    """
    script = Path(__file__).resolve().parents[2] / "scripts" / "catalogues.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_traditional_chinese_catalogues_use_traditional_characters():
    """A simplified character in a zh-Hant text (分钟 for 分鐘) reads as a mistake in Taipei
    and Hong Kong. OpenCC's conversion to Traditional changes nothing in a correct text but
    a few characters both scripts write alike in everyday use (台灣, 核准, 了解, 才)."""
    from opencc import OpenCC

    to_traditional = OpenCC("s2t")
    alike = {("台", "臺"), ("核", "覈"), ("了", "瞭"), ("才", "纔")}
    simplified = []
    for catalogue in (path for path in CATALOGUES if path.parts[-3] == "zh_Hant"):
        for line in catalogue.read_text(encoding="utf-8").splitlines():
            if line.startswith("msgid") or line.isascii():
                continue
            changed = set(zip(line, to_traditional.convert(line), strict=True))
            if {(a, b) for a, b in changed if a != b} - alike:
                simplified.append(f"{catalogue.parts[-5]}: {line}")
    assert simplified == []


def test_the_traditional_chinese_catalogues_use_traditional_words():
    """Traditional characters are not enough: 關繫 is a wrong character for 關係, and
    信息, 數據 are mainland words that Taiwan and Hong Kong readers know as 資訊, 資料."""
    mainland = ("關繫", "信息", "數據")
    found = [
        f"{catalogue.parts[-5]}: {line}"
        for catalogue in CATALOGUES
        if catalogue.parts[-3] == "zh_Hant"
        for line in catalogue.read_text(encoding="utf-8").splitlines()
        if line.startswith("msgstr") and any(word in line for word in mainland)
    ]
    assert found == []

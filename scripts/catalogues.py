"""Keep the gettext catalogues in step with the code: one catalogue per package.

Each installed package of Tactful that has words to translate keeps its own catalogue in
``<package>/locale/<language>/LC_MESSAGES/django.po``; words in files outside those
packages (the base templates, settings, the CLI) are in ``tactful/locale``. When a file
moves from one package to another, its words move with it, translations included.

    .venv/bin/python scripts/catalogues.py          # re-extract every catalogue, keep translations
    .venv/bin/python scripts/catalogues.py --check  # exit 1 if a catalogue is stale or untranslated

Extraction runs Django's makemessages on a copy of each package (so it sees no old
catalogue); translations come from every catalogue as it was (a compendium), so a
message keeps its translation whichever package it lands in. Messages that no catalogue
translated yet are listed: add their translations, then run this again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tactful"
LANGUAGES = ("zh_Hans", "zh_Hant", "en")
# Languages whose every message needs a translation (English is the source language).
TRANSLATED = ("zh_Hans", "zh_Hant")
PLURAL_FORMS = {
    "zh_Hans": "nplurals=1; plural=0;",
    "zh_Hant": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
}
SOURCE_SUFFIXES = (".py", ".html", ".txt")
MARKERS = ("gettext", "{% translate", "{% blocktranslate", "{% trans ", "{% blocktrans")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; report problems")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        problems = refresh(Path(scratch), write=not args.check)
    for problem in problems:
        print(problem)
    if problems and args.check:
        print(f"{len(problems)} problem(s): run scripts/catalogues.py to refresh the catalogues")
    return 1 if problems else 0


def refresh(scratch: Path, *, write: bool) -> list[str]:
    """Extract every package's messages and carry translations over; return what is wrong.

    With `write`, install the fresh catalogues and report only untranslated messages.
    """
    compendia = {language: _compendium(language, scratch) for language in LANGUAGES}
    problems: list[str] = []
    for package in packages():
        for language, fresh in _extract(package, compendia, scratch).items():
            target = catalogue(package, language)
            problems += _problems(target, fresh, language, stale_too=not write)
            if write:
                _install(fresh, target)
    problems += _orphans(remove=write)
    return problems


def packages() -> list[Path]:
    """Return the packages that have words to translate, the project's own first."""
    found = [PACKAGE]
    for child in sorted(PACKAGE.iterdir()):
        if (child / "apps.py").exists() and _has_messages(child):
            found.append(child)
    return found


def catalogue(package: Path, language: str) -> Path:
    return package / "locale" / language / "LC_MESSAGES" / "django.po"


def _has_messages(package: Path) -> bool:
    return any(
        any(marker in path.read_text(encoding="utf-8") for marker in MARKERS)
        for path in _sources(package)
    )


def _sources(package: Path) -> Iterator[Path]:
    for path in package.rglob("*"):
        if path.suffix in SOURCE_SUFFIXES and "tests" not in path.parts and path.is_file():
            yield path


def _compendium(language: str, scratch: Path) -> Path:
    """Join every catalogue of `language` as it is now into one file of known translations.

    Where catalogues translate a message differently, the first wins, in the order Django
    itself looks them up: the project catalogue (LOCALE_PATHS), then the installed apps
    in order. So a message keeps the words people saw.
    """
    existing = [catalogue(package, language) for package in _lookup_order()]
    out = scratch / f"compendium-{language}.po"
    found = [str(path) for path in existing if path.exists()]
    _run(["msgcat", "--use-first", "--no-location", "-o", str(out), *found])
    return out


def _lookup_order() -> list[Path]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    ours = [name for name in settings.INSTALLED_APPS if name.startswith("tactful.")]
    return [PACKAGE, *(PACKAGE / name.split(".", 1)[1] for name in ours)]


def _extract(package: Path, compendia: dict[str, Path], scratch: Path) -> dict[str, Path]:
    """Return a fresh catalogue per language of `package`'s messages, translated from the
    compendia (a path that does not exist: the package has no messages)."""
    work = scratch / "work" / package.name
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(package, work, ignore=_copy_filter(package))
    (work / "locale").mkdir(exist_ok=True)
    # -P: the package's own modules (selectors.py, ...) must not shadow the standard library.
    _run(
        [sys.executable, "-P", "-m", "django", "makemessages", "--keep-pot", "-v0"]
        + ["--add-location=file", "--ignore=static/*", "--locale=en"],
        cwd=work,
    )
    template = work / "locale" / "django.pot"
    extracted = {}
    for language, compendium in compendia.items():
        fresh = scratch / "fresh" / package.name / language / "django.po"
        if template.exists():
            fresh.parent.mkdir(parents=True, exist_ok=True)
            header = fresh.with_name("header.po")
            header.write_text(_header(package, language), encoding="utf-8")
            _run(
                ["msgmerge", "--quiet", "--no-fuzzy-matching", "--compendium", str(compendium)]
                + ["--add-location=file", "-o", str(fresh), str(header), str(template)]
            )
        extracted[language] = fresh
    return extracted


def _header(package: Path, language: str) -> str:
    name = "Tactful" if package == PACKAGE else f"Tactful {package.name}"
    lines = [
        "# Interface strings of Tactful. Source strings are English; the en catalogue is",
        "# empty on purpose. Update with: .venv/bin/python scripts/catalogues.py",
        'msgid ""',
        'msgstr ""',
        f'"Project-Id-Version: {name}\\n"',
        f'"Language: {language.replace("_", "-")}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Plural-Forms: {PLURAL_FORMS[language]}\\n"',
    ]
    return "\n".join(lines) + "\n"


def _copy_filter(package: Path) -> Callable[[str, list[str]], set[str]]:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {"locale", "tests", "__pycache__", "migrations"}
        if Path(directory) == PACKAGE:
            # The project catalogue: only files that belong to no package with one of its own.
            skipped |= {name for name in names if (PACKAGE / name / "apps.py").exists()}
        return {name for name in names if name in skipped}

    return ignore


def _problems(target: Path, fresh: Path, language: str, *, stale_too: bool) -> list[str]:
    name = target.relative_to(ROOT)
    if not fresh.exists():
        return []
    problems = []
    if stale_too and (not target.exists() or _messages(target) != _messages(fresh)):
        problems.append(f"{name}: stale (its messages differ from the code's)")
    if language in TRANSLATED:
        problems += [f"{name}: untranslated: {message}" for message in _untranslated(fresh)]
    return problems


def _messages(catalogue_file: Path) -> set[str]:
    out = _run(["msgattrib", "--no-location", "--no-wrap", str(catalogue_file)])
    return {line for line in out.splitlines() if line.startswith(("msgid ", "msgid_plural "))}


def _untranslated(catalogue_file: Path) -> list[str]:
    lines = []
    for flag in ("--untranslated", "--only-fuzzy"):
        out = _run(["msgattrib", flag, "--no-wrap", str(catalogue_file)])
        lines += out.splitlines()
    return [line[6:] for line in lines if line.startswith('msgid "') and line != 'msgid ""']


def _install(fresh: Path, target: Path) -> None:
    if not fresh.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fresh, target)


def _orphans(*, remove: bool) -> list[str]:
    """Report (or remove) catalogues of packages that no longer have words to translate."""
    kept = {catalogue(package, language) for package in packages() for language in LANGUAGES}
    problems = []
    for path in sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/django.po")):
        if path in kept:
            continue
        if remove:
            path.unlink()
            path.with_suffix(".mo").unlink(missing_ok=True)
        else:
            problems.append(f"{path.relative_to(ROOT)}: no longer needed")
    return problems


def _run(command: list[str], cwd: Path | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{result.stderr}")
    return result.stdout


if __name__ == "__main__":
    sys.exit(main())

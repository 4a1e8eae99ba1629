"""Keep the es/fr/en catalogs complete and compiled.

    manage.py translations --update   re-extract strings (needs GNU gettext), fill English
    manage.py translations --compile  write the .mo files (pure Python, no gettext needed)
    manage.py translations --check    fail on a missing, stale, untranslated or fuzzy entry,
                                      or a .mo file that does not match its .po
    manage.py translations --apply F  fill catalogs from a JSON file
                                      {"es": {"msgid": "msgstr", "%(n)s item": ["sg", "pl"]}, ...}

Catalogs live in `locale/` (project templates and the cross-app layer) and in each
app's own `locale/`; makemessages routes every string to the nearest one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]  # no stubs in the project's dependencies
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

LANGUAGES = ("es", "fr", "en")
# The developer's language: msgids are written in it, so its catalog copies them.
SOURCE_LANGUAGE = "en"
NOT_SCANNED = (".venv", "var", "staticfiles", "tests", "bench", "docs", "node_modules", "test-artifacts")
IGNORE_PATTERNS = [f"{name}/*" for name in NOT_SCANNED] + ["build/*", "*.egg-info/*"]


def catalog_paths(root: Path) -> list[Path]:
    skip = {root / name for name in NOT_SCANNED}
    return sorted(
        p for p in root.rglob("locale/*/LC_MESSAGES/django.po") if not any(p.is_relative_to(s) for s in skip)
    )


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def fill_source_language(po: polib.POFile) -> int:
    filled = 0
    for entry in po:
        if entry.obsolete or (_is_translated(entry) and "fuzzy" not in entry.flags):
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    return filled


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def extract(root: Path, *, skip: tuple[str, ...] = ()) -> None:
    """Run makemessages for every language over `root`, minus the `skip` folders."""
    if shutil.which("xgettext") is None:
        raise CommandError("Extracting strings needs GNU gettext (xgettext): apt-get install gettext.")
    with _cwd(root), override_settings(LOCALE_PATHS=[root / "locale"]):
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            ignore_patterns=IGNORE_PATTERNS + [f"{name}/*" for name in skip],
            no_obsolete=True,
            no_location=True,
            verbosity=0,
        )


def _keys_in_code(root: Path) -> dict[Path, set[tuple[str | None, str]]]:
    """The msgids the code under `root` holds, per catalog path (extracted in a scratch copy)."""
    fresh: dict[Path, set[tuple[str | None, str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(*NOT_SCANNED, ".git", "__pycache__"))
        extract(copy)
        for po_path in catalog_paths(copy):
            po = polib.pofile(str(po_path))
            fresh[root / po_path.relative_to(copy)] = {_key(e) for e in po if not e.obsolete}
    return fresh


def _compiled_problems(rel: Path, po_path: Path, po: polib.POFile) -> list[str]:
    """The .mo file next to a catalog must exist and hold exactly its translations."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{rel}: not compiled (no .mo file)"]
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(mo_path))}
    wanted = {_key(e): (e.msgstr, e.msgstr_plural) for e in po.translated_entries() if not e.obsolete}
    if {k: v for k, v in compiled.items() if k[1]} != wanted:
        return [f"{rel}: the .mo file is out of date (run manage.py translations --compile)"]
    return []


def _catalog_problems(
    rel: Path, po_path: Path, fresh: set[tuple[str | None, str]] | None, *, against_code: bool
) -> list[str]:
    """One catalog's problems; `fresh` holds the code's msgids for it (None: not extracted)."""
    problems: list[str] = []
    po = polib.pofile(str(po_path))
    entries = {_key(e): e for e in po if not e.obsolete}
    for key, entry in entries.items():
        if "fuzzy" in entry.flags:
            problems.append(f"{rel}: fuzzy entry {entry.msgid!r}")
        elif not _is_translated(entry):
            problems.append(f"{rel}: untranslated entry {entry.msgid!r}")
        if against_code and key not in (entries if fresh is None else fresh):
            problems.append(f"{rel}: stale entry no longer in the code {entry.msgid!r}")
    for key in sorted((fresh or set()) - set(entries), key=str):
        problems.append(f"{rel}: string missing from the catalog {key[1]!r}")
    return problems + _compiled_problems(rel, po_path, po)


def check_catalogs(root: Path, *, against_code: bool) -> list[str]:
    """Every problem found in the catalogs under `root`, as readable lines."""
    catalogs = catalog_paths(root)
    if not catalogs:
        return [f"no catalog found under {root}"]
    fresh = _keys_in_code(root) if against_code else {}
    problems: list[str] = []
    for po_path in catalogs:
        problems += _catalog_problems(
            po_path.relative_to(root), po_path, fresh.get(po_path), against_code=against_code
        )
    for po_path in set(fresh) - set(catalogs):
        problems.append(f"{po_path.relative_to(root)}: catalog missing")
    return problems


def apply_translations(
    root: Path, translations: dict[str, dict[str, str | list[str]]], *, project_only: bool = False
) -> int:
    """Fill entries of every catalog from {language: {msgid: msgstr}}; returns how many."""
    filled = 0
    for po_path in catalog_paths(root):
        if project_only and not po_path.is_relative_to(root / "locale"):
            continue
        table = translations.get(po_path.parent.parent.name, {})
        po = polib.pofile(str(po_path))
        changed = False
        for entry in po:
            if entry.obsolete or entry.msgid not in table:
                continue
            value = table[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(value))
            else:
                entry.msgstr = value if isinstance(value, str) else value[0]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            changed = True
            filled += 1
        if changed:
            po.save()
    return filled


def compile_catalogs(root: Path) -> int:
    catalogs = catalog_paths(root)
    for po_path in catalogs:
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    return len(catalogs)


class Command(BaseCommand):
    help = "Extract, compile or check the translation catalogs (es, fr, en)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--update", action="store_true", help="re-extract strings; fill English")
        group.add_argument("--compile", action="store_true", help="compile .po to .mo without gettext")
        group.add_argument("--check", action="store_true", help="fail on any incomplete catalog")
        group.add_argument("--apply", metavar="JSON", help="fill catalogs from a JSON file of translations")
        parser.add_argument(
            "--no-extract", action="store_true", help="with --check: skip comparing against the code"
        )
        parser.add_argument(
            "--app", help="work on one app's catalogs only (e.g. funding): other catalogs stay untouched"
        )
        parser.add_argument(
            "--project-only",
            action="store_true",
            help="with --update or --apply: only locale/, leaving the apps' catalogs untouched",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.BASE_DIR)
        if options["app"]:
            root = root / options["app"]
            if not (root / "locale").is_dir():
                raise CommandError(f"{options['app']} has no locale/ directory.")
        if options["update"]:
            skip = tuple(p.parent.name for p in root.glob("*/locale")) if options["project_only"] else ()
            extract(root, skip=skip)
            for po_path in catalog_paths(root):
                if po_path.parent.parent.name == SOURCE_LANGUAGE:
                    po = polib.pofile(str(po_path))
                    if fill_source_language(po):
                        po.save()
            # msgmerge pre-fills new strings that look like old ones and marks them fuzzy:
            # those need a human too.
            todo = check_catalogs(root, against_code=False)
            self.stdout.write(f"Extracted. {len(todo)} entries still need a translation.")
            for line in todo:
                self.stdout.write(f"  {line}")
        elif options["apply"]:
            table = json.loads(Path(options["apply"]).read_text(encoding="utf-8"))
            filled = apply_translations(root, table, project_only=options["project_only"])
            self.stdout.write(f"Filled {filled} entries.")
        elif options["compile"]:
            self.stdout.write(f"Compiled {compile_catalogs(root)} catalogs.")
        else:
            problems = check_catalogs(root, against_code=not options["no_extract"])
            if problems:
                raise CommandError("Translation catalogs are incomplete:\n" + "\n".join(problems))
            self.stdout.write("Translation catalogs are complete.")

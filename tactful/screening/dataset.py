"""Read an accounts CSV with the columns of the UCI data, refusing bad input precisely.

Every cell is read as text and then parsed, so a bad cell is reported by its column and
row (row 1 is the first line after the header, which is line 2 of the file).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from tactful.screening.columns import (
    BEHAVIOUR_COLUMNS,
    ID_COLUMN,
    PROTECTED_COLUMNS,
    REQUIRED_COLUMNS,
    TARGET_COLUMN,
)


class InputError(ValueError):
    """A bad accounts file. Names the column and, for a bad cell, the row."""

    def __init__(self, column: str, reason: str, row: int | None = None) -> None:
        self.column, self.reason, self.row = column, reason, row
        if column == "-":
            super().__init__(reason)
            return
        where = (
            f"column {column}" if row is None else f"column {column}, row {row} (line {row + 1})"
        )
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Accounts:
    """Parsed accounts: ids as text, behaviour as floats, outcome and groups when present."""

    ids: pl.Series
    behaviour: pl.DataFrame
    outcome: np.ndarray | None
    groups: pl.DataFrame | None
    sha256: str

    @property
    def rows(self) -> int:
        """Return the number of accounts."""
        return self.behaviour.height

    def labelled(self) -> np.ndarray:
        """Return the outcomes (1 = defaulted), or raise InputError when there are none."""
        if self.outcome is None:
            raise InputError(TARGET_COLUMN, "is missing; it is needed to train or evaluate")
        return self.outcome


def read_accounts(path: str | Path, *, need_outcome: bool = False) -> Accounts:
    """Read and check the accounts CSV at `path`; raise InputError on bad input."""
    source = Path(path)
    content = _read_bytes(source)
    if not content.strip():
        raise InputError("-", f"{source.name} is empty")
    try:
        raw = pl.read_csv(content, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise InputError("-", f"{source.name} is not a readable CSV file: {error}") from None
    return parse_accounts(
        raw, sha256=hashlib.sha256(content).hexdigest(), need_outcome=need_outcome
    )


def _read_bytes(source: Path) -> bytes:
    try:
        return source.read_bytes()
    except OSError as error:
        raise InputError("-", f"cannot read {source}: {error.strerror}") from None


def parse_accounts(raw: pl.DataFrame, *, sha256: str = "", need_outcome: bool = False) -> Accounts:
    """Check and type `raw` (every column text); raise InputError on bad input."""
    if raw.height == 0:
        raise InputError("-", "the file has a header but no accounts")
    required = (*REQUIRED_COLUMNS, TARGET_COLUMN) if need_outcome else REQUIRED_COLUMNS
    missing = [column for column in required if column not in raw.columns]
    if missing:
        raise InputError(missing[0], "is missing from the file")
    ids = _ids(raw)
    behaviour = raw.select(_number(raw, column) for column in BEHAVIOUR_COLUMNS)
    outcome = _outcome(raw) if TARGET_COLUMN in raw.columns else None
    return Accounts(ids, behaviour, outcome, _groups(raw), sha256)


def _ids(raw: pl.DataFrame) -> pl.Series:
    ids = raw.get_column(ID_COLUMN).cast(pl.String).str.strip_chars()
    _first_bad(ids.is_null() | (ids == ""), ID_COLUMN, "the account id is empty")
    return ids


def _number(raw: pl.DataFrame, column: str) -> pl.Series:
    text = raw.get_column(column).cast(pl.String).str.strip_chars()
    # Spreadsheets write large numbers as 5.00E+05: parse as float, which reads that exactly.
    parsed = text.cast(pl.Float64, strict=False)
    _first_bad(text.is_null() | (text == ""), column, "the cell is empty")
    bad = _first_index(parsed.is_null() | parsed.is_nan() | parsed.is_infinite())
    if bad is not None:
        raise InputError(column, f"{text[bad]!r} is not a number", row=bad + 1)
    return parsed.alias(column)


def _outcome(raw: pl.DataFrame) -> np.ndarray:
    column = _number(raw, TARGET_COLUMN)
    _first_bad(~column.is_in([0.0, 1.0]), TARGET_COLUMN, "must be 0 or 1")
    return column.cast(pl.Int8).to_numpy()


def _groups(raw: pl.DataFrame) -> pl.DataFrame | None:
    present = [column for column in PROTECTED_COLUMNS if column in raw.columns]
    if not present:
        return None
    return raw.select(
        pl.col(column).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        for column in present
    )


def _first_bad(bad: pl.Series, column: str, reason: str) -> None:
    index = _first_index(bad)
    if index is not None:
        raise InputError(column, reason, row=index + 1)


def _first_index(bad: pl.Series) -> int | None:
    found = bad.fill_null(True).arg_true()
    return int(found[0]) if found.len() > 0 else None

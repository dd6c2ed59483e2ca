from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "uci_credit_default" / "train.csv"


@pytest.fixture(scope="session")
def train_csv() -> Path:
    """The real data, where this checkout has it beside it (../shared)."""
    if not DATA.exists():
        pytest.skip("the UCI data is not beside this checkout (../shared/data)")
    return DATA


@pytest.fixture(scope="session")
def sample_csv(tmp_path_factory: pytest.TempPathFactory, train_csv: Path) -> Path:
    """The first 2,000 accounts of the real data, for quick training."""
    lines = train_csv.read_text().splitlines()[:2001]
    path = tmp_path_factory.mktemp("data") / "sample.csv"
    path.write_text("\n".join(lines) + "\n")
    return path

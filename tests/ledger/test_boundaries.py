"""The ledger is the money core the other apps stand on: it must not import them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ledger_and_divisions_import_neither_market_nor_arbitration() -> None:
    # import-linter's contracts in pyproject.toml, run as .ci/test runs them
    run = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "The ledger and divisions stand alone" in run.stdout
    assert "0 broken" in run.stdout

"""bandit in ``make lint``: the shipped and local code has no medium or high finding, a planted
one fails the check, and every accepted finding (``# nosec``) names its test and says why."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BANDIT = Path(sys.executable).parent / "bandit"
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
TEST_ID = re.compile(r"B\d{3}")


def _targets() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    found = re.search(r"^BANDIT_TARGETS := (.+)$", makefile, re.MULTILINE)
    assert found, "Makefile: BANDIT_TARGETS missing"
    return found.group(1).split()


def _bandit(*paths: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BANDIT), "-c", str(ROOT / "pyproject.toml"), "-r", *map(str, paths), "-ll", "-q"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_make_lint_runs_bandit_on_every_code_folder_but_the_tests() -> None:
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile[makefile.index("\nlint:") : makefile.index("\nformat:")]

    assert "bandit -c pyproject.toml -r $(BANDIT_TARGETS) -ll" in lint
    code_folders = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and not path.name.startswith(".") and any(path.rglob("*.py"))
    } - {"tests", "node_modules", "cdk.out"}
    assert code_folders <= set(_targets())


def test_bandit_finds_no_medium_or_high_issue() -> None:
    result = _bandit(*_targets())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr  # e.g. a nosec with no finding


def test_a_planted_finding_fails_the_check(tmp_path: Path) -> None:
    planted = tmp_path / "functions"
    planted.mkdir()
    (planted / "shell.py").write_text(
        "import subprocess\n\n\ndef run(command: str) -> None:\n"
        "    subprocess.call(command, shell=True)\n"
    )

    result = _bandit(planted, cwd=tmp_path)

    assert result.returncode == 1
    assert "B602" in result.stdout


@pytest.mark.parametrize("folder", _targets())
def test_every_accepted_finding_names_its_test_and_gives_a_reason(folder: str) -> None:
    unexplained = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            found = NOSEC.search(line)
            if not found:
                continue
            ids = TEST_ID.findall(found.group("rest"))
            above = []  # the comment block right above the line
            for earlier in reversed(lines[:number]):
                if not earlier.strip().startswith("#"):
                    break
                above.append(earlier)
            reason_beside = "#" in found.group("rest") or any(
                test_id in comment for test_id in ids for comment in above
            )
            if not ids or not reason_beside:
                unexplained.append(f"{path.relative_to(ROOT)}:{number + 1}: {line.strip()}")

    assert not unexplained, "\n".join(unexplained)

"""The wheel carries everything the app needs: build it, install it in a scratch venv, use it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_wheel_installs_and_runs_from_a_scratch_venv(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        timeout=240,
    )
    (wheel,) = dist.glob("evidencetracker-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "evidencetracker/resources/fonts/DejaVuSans.ttf",
        "evidencetracker/resources/fonts/LICENSE-DejaVu.txt",
        "evidencetracker/resources/sample/sample.json",
        "evidencetracker/db/migrations/env.py",
        "evidencetracker/db/migrations/script.py.mako",
        "evidencetracker/db/migrations/versions/0001_initial_schema.py",
    ):
        assert required in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    scratch_python = venv / "bin" / "python"
    scratch_site = subprocess.run(
        [scratch_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            scratch_site,
            str(wheel),
        ],
        check=True,
        timeout=120,
    )
    # The dependencies come from the test environment; the package itself only from the wheel.
    env = {
        **os.environ,
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "EVIDENCETRACKER_DATA_DIR": str(tmp_path / "data"),
        "EVIDENCETRACKER_CONFIG_DIR": str(tmp_path / "config"),
    }
    script = """
import evidencetracker, pathlib, sys
from evidencetracker.resources import resource_path
from evidencetracker.db.migrate import known_revisions, MIGRATIONS_DIR
from reportlab.pdfbase.ttfonts import TTFont
here = pathlib.Path(evidencetracker.__file__).parent
assert str(here).startswith(sys.argv[1]), here
for name in ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"):
    path = resource_path(f"fonts/{name}.ttf")
    assert str(path).startswith(sys.argv[1]), path
    TTFont(name, str(path))
assert str(resource_path("sample/sample.json")).startswith(sys.argv[1])
assert str(MIGRATIONS_DIR).startswith(sys.argv[1])
print(",".join(known_revisions()))
from evidencetracker.cli.main import main
sys.exit(main(["--db", sys.argv[2], "init", "--sample"]))
"""
    result = subprocess.run(
        [scratch_python, "-c", script, scratch_site, str(tmp_path / "w.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "0001,0002,0003,0004,0005"
    assert "Loaded 10 sample strategies" in result.stdout

"""`engage plugin new NAME` writes a plugin package whose own tests pass as written."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_plugin_new_writes_a_package_whose_tests_pass(cli, tmp_path):
    result = cli("plugin", "new", "demo-fee", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    root = tmp_path / "engagekit-demo-fee"
    assert (root / "engagekit_demo_fee" / "py.typed").exists()
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points.engagekit]\ndemo-fee = "engagekit_demo_fee"' in pyproject
    # installed as pip would: a .dist-info with the entry point beside the package
    info = tmp_path / "site" / "engagekit_demo_fee-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: engagekit-demo-fee\nVersion: 0.1.0\n"
    )
    (info / "entry_points.txt").write_text("[engagekit]\ndemo-fee = engagekit_demo_fee\n")
    path = os.pathsep.join([str(root), str(tmp_path / "site")])
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "6 passed" in out.stdout


def test_plugin_new_refuses_a_bad_name_and_an_existing_folder(cli, tmp_path):
    result = cli("plugin", "new", "Not_A_Name", "--dir", str(tmp_path))
    assert result.exit_code == 1 and "is not a plugin name" in result.stderr
    (tmp_path / "engagekit-taken").mkdir()
    result = cli("plugin", "new", "taken", "--dir", str(tmp_path))
    assert result.exit_code == 1 and "exists already" in result.stderr


def test_the_nox_plugin_session_generates_and_tests_a_plugin():
    text = (ROOT / "noxfile.py").read_text()
    assert '"plugin", "new"' in text

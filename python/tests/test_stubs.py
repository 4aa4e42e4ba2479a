"""The type stubs (themescope/__init__.pyi) match the module as built: mypy's stubtest compares
every name, signature and default (runs where mypy and Ray are installed; `.ci/run` installs
them)."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("mypy.stubtest")
# stubtest imports every submodule, themescope.ray too.
pytest.importorskip("ray", reason="themescope.ray's types are checked with Ray installed")


def test_the_stubs_match_the_module():
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "themescope"],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPY_CACHE_DIR": os.devnull},
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]

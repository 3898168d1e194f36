"""Production refuses to start with a default secret or without explicit data keys."""

import os
import subprocess
import sys


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPASSAGE_")}
    return subprocess.run(
        [sys.executable, "-c", "import safepassage.settings"],
        env={**clean, "SAFEPASSAGE_ENV": "production", **env},
        capture_output=True, text=True, check=False,
    )


def test_production_refuses_the_default_secret():
    result = start({})

    assert result.returncode != 0
    assert "SAFEPASSAGE_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_explicit_data_keys():
    result = start({"SAFEPASSAGE_SECRET_KEY": "x" * 50})

    assert result.returncode != 0
    assert "Production needs explicit data keys" in result.stderr


def test_production_starts_with_a_secret_and_keys():
    key = "A" * 43 + "="
    result = start({
        "SAFEPASSAGE_SECRET_KEY": "x" * 50,
        "SAFEPASSAGE_DATA_KEYS": f"k1:{key}",
        "SAFEPASSAGE_INDEX_KEY": key,
    })

    assert result.returncode == 0, result.stderr

"""The project's settings with the benchmark's reference view added to its URLs."""

from safepassage.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake.urls"

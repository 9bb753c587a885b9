"""Settings for the floor benchmark (bench/bench_floor.py): the project's own, with the floor views added to its URLs."""
from kasn_cases.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"

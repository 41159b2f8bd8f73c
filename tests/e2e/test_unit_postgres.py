# test_unit_postgres.py: the unit suites that also run on PostgreSQL when GAZETTE_TEST_POSTGRES
# names a server (tests/unit/temp_store.h) run here against the suite's own server, so that
# `make test` and `make asan` cover both stores at the unit level too. The suites are the
# binaries next to the gazette under test (build/ or build-asan/).
import os
import subprocess

import pytest

from conftest import BIN

# every unit suite that opens a store (tests/unit: temp_store_run_tests, or its own two groups)
SUITES = [
    "test_store_admin",
    "test_group_commit",
    "test_store_statements",
    "test_store_search",
    "test_store_media",
    "test_comment",
    "test_comment_thread",
    "test_moderation",
    "test_spam",
    "test_post",
    "test_user",
    "test_settings",
    "test_schedule",
    "test_menu",
]


@pytest.mark.parametrize("suite", SUITES)
def test_unit_suite_on_postgres(pg_server, suite):
    binary = os.path.join(os.path.dirname(BIN), suite)
    assert os.access(binary, os.X_OK), f"{binary} is not built"
    env = dict(os.environ, GAZETTE_TEST_POSTGRES=f"postgresql://postgres@127.0.0.1:{pg_server.port}")
    p = subprocess.run([binary], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, f"{suite} on PostgreSQL failed:\n{p.stdout[-6000:]}\n{p.stderr[-3000:]}"
    # two groups ran and passed: SQLite, then PostgreSQL (cmocka prints no group names)
    out = p.stdout + p.stderr
    assert out.count("PASSED") == 2, f"{suite} did not run its PostgreSQL group:\n{out[-3000:]}"

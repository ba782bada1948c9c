"""Ledger tests run on SQLite and on a throwaway PostgreSQL cluster.

The cluster is made once per session with initdb + pg_ctl in a temp folder, on a free loopback
port, and stopped at the end. PostgreSQL refuses to run as root: as root, its programs run as
the ``postgres`` user (Debian's package creates it). Where no PostgreSQL can be started, its
tests skip with the reason, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES

BACKENDS = ["sqlite", "postgresql"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"no PostgreSQL: {reason}")


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, bindir: Path, root: Path, as_user: list[str]) -> None:
        self.bindir, self.root, self.as_user = bindir, root, as_user
        self.data = root / "data"
        self.port = _free_port()

    def run(self, program: str, *args: str) -> None:
        cmd = [*self.as_user, str(self.bindir / program), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"{program} failed: {done.stderr.strip()} {log[-2000:]}")

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "engagekit", "-A", "trust", "-E", "UTF8",
                 "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                 "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://engagekit@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=engagekit dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bindir = _bindir()
    if bindir is None:
        _unavailable("pg_ctl is neither on PATH nor in /usr/lib/postgresql/*/bin")
    assert bindir is not None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'engagekit[postgres]')")
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None or subprocess.run(["id", "postgres"], capture_output=True).returncode:
            _unavailable("running as root without runuser and a postgres user")
        as_user = [str(runuser), "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="engagekit-pg-"))
    if as_user:
        shutil.chown(root, "postgres")
    cluster = Cluster(bindir, root, as_user)
    try:
        cluster.start()
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"the cluster did not start: {exc}")
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def cli(cli: Callable[..., Any]) -> Callable[..., Any]:
    """``engage`` in-process (``tests/conftest.py``); ``ledger verify`` also through the path
    the launcher takes first (``engagekit.ledger.quick``: no CLI, no SQLAlchemy), which must
    never pass a ledger that the command fails (``test_verify.py`` checks that it does pass a
    clean one, without SQLAlchemy)."""

    def run(*args: str, **kw: Any) -> Any:
        result = cli(*args, **kw)
        if list(args[:2]) == ["ledger", "verify"]:
            from engagekit.ledger import quick

            code = quick.run(list(args[2:]))
            assert code == (None if result.exit_code else code), result.output
            assert code in (0, None)
        return result

    return run


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger' / 'engagekit.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database()


@pytest.fixture
def workspace(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled examples (a workspace) whose ledger is ``database_url``."""
    target = tmp_path / "ws"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns(".engage"))
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", database_url)
    monkeypatch.chdir(target)
    return target


@pytest.fixture
def small_workspace(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with one small time-and-material project (a timesheet of a few rows)."""
    target = tmp_path / "small"
    target.mkdir()
    (target / "engage.toml").write_text(SMALL_WORKSPACE, encoding="utf-8")
    (target / "project.toml").write_text(SMALL_PROJECT, encoding="utf-8")
    (target / "time.csv").write_text(SMALL_TIMESHEET, encoding="utf-8")
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", database_url)
    monkeypatch.chdir(target)
    return target


SMALL_WORKSPACE = textwrap.dedent(
    """\
    projects = ["project.toml"]

    [firm]
    name = "Firm GmbH"
    street = "Weg 1"
    city = "Berlin"
    postcode = "10115"
    country = "DE"
    vat_id = "DE123"
    iban = "DE02120300000000202051"

    [clients.acme]
    name = "Acme GmbH"
    street = "Str 2"
    city = "Köln"
    postcode = "50667"
    country = "DE"
    """
)
SMALL_PROJECT = textwrap.dedent(
    """\
    [project]
    name = "Small"
    client = "acme"
    currency = "EUR"

    [rate_card]
    rates = [{ role = "developer", bill = 100, cost = 60 }]

    [[components]]
    name = "Build"
    model = "time-material"
    start = 2026-01-01
    end = 2026-12-31

    [components.settings]
    time_entries = "time.csv"
    format = "generic"

    [[adjustments]]
    name = "VAT 19%"
    stage = "tax"
    percent = 19
    """
)
SMALL_TIMESHEET = (
    "date,person,role,hours,billable,approved,category,notes\n"
    "2026-03-02,Ann,developer,8,yes,yes,Development,\n"
    "2026-03-03,Ann,developer,7.5,yes,yes,Development,\n"
)

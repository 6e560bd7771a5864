"""A throwaway PostgreSQL + PostGIS cluster for tests and benchmarks: made with initdb in a
temporary folder, started on a free port with its socket in that folder, removed at the end.
It never touches a server it did not start.

initdb refuses to run as root (CI runs as root), so as root the cluster belongs to the
`postgres` system user (Debian's postgresql package creates it) and its folder is handed to
that user; as anyone else the cluster belongs to the caller."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

SUPERUSER = "postgres"
DATABASE = "landapp_test"


def find_bindir() -> str | None:
    """The newest PostgreSQL server binaries (Debian: /usr/lib/postgresql/N/bin), or None."""
    env = os.environ.get("LANDAPP_PG_BINDIR")
    if env and os.path.exists(os.path.join(env, "initdb")):
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def missing_reason() -> str | None:
    """Why a throwaway cluster cannot be made here (None when it can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg 3 is not installed (pip install 'psycopg[binary]')"
    bindir = find_bindir()
    if bindir is None:
        return "PostgreSQL server binaries (initdb) are not installed (Debian: postgresql)"
    version = bindir.split("/")[-2]
    share = f"/usr/share/postgresql/{version}/extension/postgis.control"
    if version.isdigit() and not os.path.exists(share):
        return f"PostGIS is not installed for PostgreSQL {version} (Debian: postgresql-{version}-postgis-3)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser, so initdb cannot run as the postgres user"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    """`with ThrowawayCluster() as c:` gives a running cluster; `c.conninfo(user=...)`
    connects through its socket (trust), `c.uri(user=...)` over TCP (password needed)."""

    def __init__(self) -> None:
        reason = missing_reason()
        if reason:
            raise RuntimeError(reason)
        self.bindir = find_bindir()
        self.dir = tempfile.mkdtemp(prefix="landapp-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.port = 0
        self.database = DATABASE
        self._as_root = os.geteuid() == 0
        self._owner = SUPERUSER if self._as_root else None
        self.running = False

    # -- running commands as the cluster's owner
    def _run(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        if self._as_root:
            args = ["runuser", "-u", SUPERUSER, "--", *args]
        return subprocess.run(args, check=True, capture_output=True, text=True, **kw)

    def start(self) -> "ThrowawayCluster":
        if self._as_root:
            import pwd

            pw = pwd.getpwnam(SUPERUSER)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            os.chmod(self.dir, 0o700)
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as fh:
            fh.write("landapp-test-superuser\n")
        if self._as_root:
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._run([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", SUPERUSER,
                   "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        os.unlink(pwfile)
        last = None
        for _ in range(5):  # another program may take the free port before we bind it
            self.port = _free_port()
            opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
            try:
                self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", self.log,
                           "-o", opts, "-w", "-t", "60", "start"])
                break
            except subprocess.CalledProcessError as e:
                last = e
        else:
            raise RuntimeError(f"the test PostgreSQL server did not start: {self.server_log()[-800:]}"
                               ) from last
        self.running = True
        import psycopg

        with psycopg.connect(self.conninfo(dbname="postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self

    def server_log(self) -> str:
        try:
            with open(self.log, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""

    def conninfo(self, *, user: str = SUPERUSER, dbname: str | None = None) -> str:
        """libpq keyword string through the cluster's Unix socket (trust authentication)."""
        return f"host={self.dir} port={self.port} user={user} dbname={dbname or self.database}"

    def uri(self, *, user: str = SUPERUSER, schema: str | None = None, password: str | None = None) -> str:
        """A postgresql:// URI over TCP (scram-sha-256: a password is needed)."""
        auth = user + (f":{password}" if password else "")
        q = f"?schema={schema}" if schema else ""
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{self.database}{q}"

    def socket_uri(self, *, user: str = SUPERUSER, schema: str | None = None) -> str:
        """A postgresql:// URI through the socket folder (no password)."""
        from urllib.parse import quote

        q = f"&schema={schema}" if schema else ""
        return f"postgresql://{user}@/{self.database}?host={quote(self.dir, safe='')}&port={self.port}{q}"

    def stop(self) -> None:
        if self.running:
            try:
                self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate",
                           "-w", "-t", "60", "stop"])
            except subprocess.CalledProcessError:
                pass
            self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "ThrowawayCluster":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_until(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds pass (for notifications)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())

"""Connecting to PostgreSQL for the PostGIS store: libpq parameters from a database target,
the password from ~/.pgpass or a prompt (asked once, never kept in settings or shown), date
loading as the GeoPackage store gives dates, and psycopg errors as one clear sentence with
every password scrubbed out."""

from __future__ import annotations

import getpass
from typing import Callable

import psycopg
from psycopg import errors as pgerr
from psycopg.types.string import TextLoader

from landapp.errors import ConflictError, LandappError, ProjectError
from landapp.i18n import tr
from landapp.store.target import DatabaseTarget, scrub

PasswordPrompt = Callable[[DatabaseTarget], "str | None"]


class _IsoDateLoader(TextLoader):
    """Dates as ISO text, as the GeoPackage store returns them (DateStyle is ISO)."""


def translate_error(e: Exception, where: str) -> LandappError:
    """A psycopg error as one clear sentence, with every password scrubbed out."""
    msg = scrub(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
    if isinstance(e, pgerr.InsufficientPrivilege):
        return LandappError(tr(f"没有修改 {where} 的权限(只读用户);本次修改未写入。",
                               f"You may not change {where} (read-only role); this change was not written."))
    if isinstance(e, pgerr.CheckViolation):
        return LandappError(tr(f"数据库拒绝了不符合规则的值({msg});本次修改未写入。",
                               f"The database refused a value that breaks a rule ({msg}); "
                               "this change was not written."))
    if isinstance(e, (pgerr.SerializationFailure, pgerr.DeadlockDetected, pgerr.LockNotAvailable)):
        return ConflictError(tr(f"{where} 正被他人同时修改,请重试。",
                                f"{where} is being changed by someone else at the same time; try again."))
    if isinstance(e, (psycopg.OperationalError, psycopg.InterfaceError)):
        return ProjectError(tr(f"与数据库 {where} 的连接中断或无法建立({msg});未保存的修改仍可撤销/重做。",
                               f"The connection to the database {where} failed or was lost ({msg}); "
                               "unsaved edits stay on the undo stack."))
    return LandappError(tr(f"读写数据库 {where} 失败:{msg}。", f"Reading or writing the database {where} failed: {msg}."))


def connect(target: DatabaseTarget, *, password_prompt: PasswordPrompt | None = None,
            autocommit: bool = True) -> psycopg.Connection:
    """Open a connection; libpq reads ~/.pgpass and pg_service.conf itself. When the server
    asks for a password that .pgpass does not give, ask `password_prompt` once."""
    params = dict(target.params)
    params.setdefault("application_name", "landapp")
    params.setdefault("connect_timeout", "10")
    try:
        return psycopg.connect(**params, autocommit=autocommit)
    except psycopg.OperationalError as e:
        text = str(e).lower()
        needs_pw = "no password supplied" in text or "password authentication failed" in text
        if needs_pw and password_prompt is not None and "password" not in params:
            pw = password_prompt(target)
            if pw:
                try:
                    return psycopg.connect(**params, password=pw, autocommit=autocommit)
                except psycopg.OperationalError as e2:
                    e = e2
        raise translate_error(e, target.display) from None


def _configure(conn: psycopg.Connection) -> None:
    conn.execute("SET DateStyle = ISO, YMD")
    conn.adapters.register_loader("date", _IsoDateLoader)


def _database_user(conn: psycopg.Connection) -> str:
    return conn.info.user or getpass.getuser()

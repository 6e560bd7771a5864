"""Where a park lives: a GeoPackage path, or a PostgreSQL database the way PostgreSQL users
name one: a connection URI (`postgresql://user@host:5432/db?schema=park`) or a service from
pg_service.conf (`service=NAME`, optionally `service=NAME schema=park`).

Passwords come from ~/.pgpass (libpq reads it) or a prompt; they are never kept in settings
and never shown: `scrub()` takes them out of any text before it reaches a message or a log."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from landapp.errors import LandappError
from landapp.i18n import tr

URI_PREFIXES = ("postgresql://", "postgres://")
SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def is_database_target(target: object) -> bool:
    """True for a PostgreSQL URI or a `service=` / keyword connection string."""
    if not isinstance(target, str):
        return False
    t = target.strip()
    return t.lower().startswith(URI_PREFIXES) or bool(re.match(r"^\s*service\s*=", t)) or (
        "=" in t and not os.path.exists(t) and bool(re.match(r"^\s*(host|dbname|user)\s*=", t)))


_PW_URI = re.compile(r"(postgres(?:ql)?://[^:/@\s]*):[^@\s]*@", re.I)
_PW_KW = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.I)
_PW_Q = re.compile(r"([?&]password=)[^&\s]*", re.I)


def scrub(text: str) -> str:
    """`text` with every password taken out (URI user:password@, password=..., ?password=)."""
    text = _PW_URI.sub(r"\1@", text)
    text = _PW_KW.sub(r"\1***", text)
    return _PW_Q.sub(r"\1***", text)


@dataclass
class DatabaseTarget:
    """A parsed database target: libpq parameters (password never among them unless the
    user typed it into the URI, and then it is used, never shown) and the park's schema."""

    params: dict[str, str] = field(default_factory=dict)
    schema: str | None = None

    @property
    def display(self) -> str:
        """How the target is shown: a URI without any password."""
        p = self.params
        if "service" in p and len(p) == 1 or set(p) <= {"service", "password"}:
            s = f"service={p['service']}"
            return s + (f" schema={self.schema}" if self.schema else "")
        user = p.get("user", "")
        host = p.get("host", "")
        netloc = (quote(user, safe="") + "@" if user else "")
        query = {}
        if host.startswith("/"):
            query["host"] = host
        else:
            netloc += host
        if p.get("port"):
            if host.startswith("/"):
                query["port"] = p["port"]
            else:
                netloc += f":{p['port']}"
        for k, v in p.items():
            if k not in ("user", "host", "port", "dbname", "password"):
                query[k] = v
        if self.schema:
            query["schema"] = self.schema
        return urlunsplit(("postgresql", netloc, "/" + quote(p.get("dbname", ""), safe=""),
                           urlencode(query, safe="/"), ""))

    def with_schema(self, schema: str) -> "DatabaseTarget":
        return DatabaseTarget(dict(self.params), check_schema_name(schema))

    def __str__(self) -> str:
        return self.display

    def __repr__(self) -> str:
        return f"DatabaseTarget({self.display!r})"


def check_schema_name(name: str) -> str:
    """A park's schema name: letters, digits and _ (so it needs no quoting in QGIS either)."""
    if not isinstance(name, str) or not SCHEMA_NAME.match(name) or name.lower().startswith("pg_"):
        raise LandappError(tr(
            f"数据库模式名“{name}”无效:只能用字母、数字和下划线,且不能以数字或 pg_ 开头。",
            f"The schema name '{name}' is not valid: use letters, digits and _, not starting "
            "with a digit or pg_."))
    return name


def parse_target(target: str | DatabaseTarget) -> DatabaseTarget:
    """Parse a URI or keyword string; a `schema` parameter names the park's schema."""
    if isinstance(target, DatabaseTarget):
        return target
    t = target.strip()
    bad = LandappError(tr(f"无法识别数据库连接:{scrub(t)}。",
                          f"The database connection {scrub(t)} is not understood."))
    if t.lower().startswith(URI_PREFIXES):
        parts = urlsplit(t)
        params: dict[str, str] = {}
        if parts.username:
            params["user"] = unquote(parts.username)
        if parts.password:
            params["password"] = unquote(parts.password)
        try:
            host, port = parts.hostname, parts.port
        except ValueError:
            raise bad from None
        if host:
            params["host"] = host
        if port:
            params["port"] = str(port)
        db = unquote(parts.path.lstrip("/"))
        if db:
            params["dbname"] = db
        schema = None
        for k, v in parse_qsl(parts.query, keep_blank_values=True):
            if k == "schema":
                schema = v
            else:
                params[k] = v
    else:
        try:
            from psycopg.conninfo import conninfo_to_dict
        except ImportError:  # pragma: no cover
            raise LandappError(tr("未安装 psycopg,无法连接数据库(pip install 'psycopg[binary]')。",
                                  "psycopg is not installed, so databases cannot be used "
                                  "(pip install 'psycopg[binary]').")) from None
        m = re.search(r"(?:^|\s)schema\s*=\s*(\S+)", t)
        schema = m.group(1) if m else None
        rest = re.sub(r"(?:^|\s)schema\s*=\s*\S+", " ", t).strip()
        try:
            params = {k: str(v) for k, v in conninfo_to_dict(rest).items()}
        except Exception:
            raise bad from None
    if schema is not None:
        check_schema_name(schema)
    return DatabaseTarget(params, schema)

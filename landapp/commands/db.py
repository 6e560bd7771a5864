"""`landapp db push|pull|grant|list`: parks in a shared PostgreSQL/PostGIS database.

TARGET is a connection URI (postgresql://user@host:5432/db?schema=park) or service=NAME from
pg_service.conf. Passwords come from ~/.pgpass or a prompt and are never printed."""

from __future__ import annotations

import sys

from landapp.cli import EXIT_OK, group
from landapp.i18n import tr

TARGET_HELP = "postgresql://USER@HOST:PORT/DB?schema=PARK | service=NAME"


def password_prompt(target) -> str | None:
    """Ask for the database password on the terminal (never echoed, never stored)."""
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass(tr(f"{target.display} 的密码:", f"Password for {target.display}: "))


def register(sub) -> None:
    db = group(sub, "db", tr("团队共享园区:PostgreSQL/PostGIS 数据库", "shared parks in a PostgreSQL/PostGIS database"))

    p = db.add_parser("push", help=tr("把 GeoPackage 园区上传到数据库(新模式,一个事务)",
                                      "upload a GeoPackage park into a new schema (one transaction)"))
    p.add_argument("project", metavar="PARK.gpkg")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.add_argument("--schema", help=tr("模式名(默认取 TARGET 的 schema 或文件名)",
                                       "schema name (default: TARGET's schema or the file name)"))
    p.set_defaults(func=cmd_push)

    p = db.add_parser("pull", help=tr("把数据库园区下载为 GeoPackage 快照", "download a database park as a GeoPackage snapshot"))
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.add_argument("-o", "--output", required=True, metavar="PARK.gpkg")
    p.add_argument("--force", action="store_true", help=tr("覆盖已有文件", "overwrite an existing file"))
    p.set_defaults(func=cmd_pull)

    p = db.add_parser("grant", help=tr("设置角色对园区的权限", "set a role's rights on a park"))
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--viewer", metavar="ROLE", help=tr("只读", "read only"))
    who.add_argument("--editor", metavar="ROLE", help=tr("可编辑要素与表", "may edit features and tables"))
    who.add_argument("--admin", metavar="ROLE", help=tr("全部权限(含授权)", "all rights, including granting"))
    p.set_defaults(func=cmd_grant)

    p = db.add_parser("list", help=tr("列出数据库中的园区", "list the parks in a database"))
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.set_defaults(func=cmd_list)


def cmd_push(args) -> int:
    from landapp.store.target import parse_target
    from landapp.store.transfer import push

    schema = push(args.project, args.target, schema=args.schema, password_prompt=password_prompt)
    shown = parse_target(args.target).with_schema(schema).display
    print(tr(f"已上传到 {shown}。", f"Uploaded to {shown}."))
    return EXIT_OK


def cmd_pull(args) -> int:
    from landapp.store.transfer import pull

    out = pull(args.target, args.output, force=args.force, password_prompt=password_prompt)
    print(tr(f"已保存快照 {out}。", f"Saved the snapshot {out}."))
    return EXIT_OK


def cmd_grant(args) -> int:
    from landapp.store.transfer import grant

    level, role = next((k, getattr(args, k)) for k in ("viewer", "editor", "admin") if getattr(args, k))
    schema = grant(args.target, role, level, password_prompt=password_prompt)
    names = {"viewer": tr("只读", "viewer"), "editor": tr("编辑", "editor"), "admin": tr("管理", "admin")}
    print(tr(f"角色 {role} 对园区 {schema} 的权限:{names[level]}。", f"Role {role} is now {names[level]} of park {schema}."))
    return EXIT_OK


def cmd_list(args) -> int:
    from landapp.store.postgis import list_parks

    for p in list_parks(args.target, password_prompt=password_prompt):
        print(f"{p['schema']}\t{p['name']}")
    return EXIT_OK

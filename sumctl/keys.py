"""``sumctl keys``: API keys of tenants. A new key is printed once; only its hash is stored.

sumctl keys create --tenant acme [--name ci]
sumctl keys list [--tenant acme]
sumctl keys revoke <key id or prefix>
"""

from __future__ import annotations

import argparse
import asyncio
import re
import uuid

import asyncpg

from shared.config import CommonSettings, load_settings
from shared.db.migrate import ensure_database, migrate
from shared.tenancy.api_keys import NewApiKey, generate_api_key

_TENANT = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class InvalidKeyRequest(Exception):
    """A mistake in the command's arguments, reported without a traceback."""


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("keys", help="create, list and revoke tenants' API keys")
    actions = cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key (printed once)")
    create.add_argument("--tenant", required=True, help="tenant name (created if new)")
    create.add_argument("--name", default="", help="a label for the key")
    listing = actions.add_parser("list", help="list keys (never the secrets)")
    listing.add_argument("--tenant", help="only this tenant's keys")
    revoke = actions.add_parser("revoke", help="revoke a key by id or prefix")
    revoke.add_argument("key", help="the key's id or its public prefix (sum_…)")
    cmd.set_defaults(run=run)


async def create_key(conn: asyncpg.Connection, tenant: str, name: str = "") -> NewApiKey:
    """Create the tenant if needed and a new key for it; the secret is only in the result."""
    if not _TENANT.fullmatch(tenant):
        raise InvalidKeyRequest(
            "a tenant name is 1-64 of a-z, 0-9, '.', '_' and '-', starting alphanumeric"
        )
    key = generate_api_key()
    async with conn.transaction():
        await conn.execute("INSERT INTO tenants (id) VALUES ($1) ON CONFLICT DO NOTHING", tenant)
        await conn.execute(
            """INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash)
               VALUES ($1, $2, $3, $4, $5)""",
            uuid.uuid4(),
            tenant,
            name,
            key.prefix,
            key.secret_hash,
        )
    return key


async def list_keys(conn: asyncpg.Connection, tenant: str | None) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            """SELECT id, tenant_id, name, prefix, created_at, revoked_at FROM api_keys
               WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY tenant_id, created_at""",
            tenant,
        )
    )


async def revoke_key(conn: asyncpg.Connection, key: str) -> int:
    """Revoke by id or by prefix; returns how many keys were revoked now."""
    try:
        key_id: uuid.UUID | None = uuid.UUID(key)
    except ValueError:
        key_id = None
    result = await conn.execute(
        """UPDATE api_keys SET revoked_at = now()
           WHERE revoked_at IS NULL AND (id = $1 OR prefix = $2)""",
        key_id,
        key,
    )
    return int(result.split()[-1])


async def _run(args: argparse.Namespace) -> int:
    settings = load_settings(CommonSettings)
    dsn = settings.dsn()
    if settings.auto_migrate:
        await ensure_database(dsn)
        await migrate(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        if args.action == "create":
            key = await create_key(conn, args.tenant, args.name)
            print(f"API key for tenant {args.tenant!r} (shown once, keep it secret):")
            print(key.secret)
        elif args.action == "list":
            for row in await list_keys(conn, args.tenant):
                state = f"revoked {row['revoked_at']:%Y-%m-%d}" if row["revoked_at"] else "active"
                print(
                    f"{row['id']}  {row['prefix']}…  tenant={row['tenant_id']}  "
                    f"name={row['name'] or '-'}  created={row['created_at']:%Y-%m-%d}  {state}"
                )
        else:
            revoked = await revoke_key(conn, args.key)
            if not revoked:
                print(f"no active key matches {args.key!r}")
                return 1
            print(f"revoked {revoked} key(s)")
    finally:
        await conn.close()
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except InvalidKeyRequest as exc:
        print(f"sumctl keys: {exc}")
        return 2

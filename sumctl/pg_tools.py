"""Running ``pg_dump`` and ``pg_restore``: found on PATH or in /usr/lib/postgresql/*/bin, given
the password through the environment (never on a command line other users can read)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from sumctl.exit_codes import USAGE, CliError

INSTALL_ROOT = Path("/usr/lib/postgresql")


class ToolFailed(Exception):
    def __init__(self, tool: str, returncode: int, stderr: str) -> None:
        super().__init__(f"{tool} exited with {returncode}: {stderr.strip()[-2000:]}")


def find_tool(name: str) -> Path:
    """``$SUM_PG_BIN_DIR/name``, else the newest installed version, else ``name`` on PATH.

    The newest version first: pg_dump refuses servers newer than itself.
    """
    if configured := os.environ.get("SUM_PG_BIN_DIR"):
        candidate = Path(configured) / name
        if not candidate.is_file():
            raise CliError(USAGE, f"SUM_PG_BIN_DIR has no {name} ({candidate})")
        return candidate
    versions = sorted(
        (p for p in INSTALL_ROOT.glob(f"*/bin/{name}") if p.parent.parent.name.isdigit()),
        key=lambda p: int(p.parent.parent.name),
    )
    if versions:
        return versions[-1]
    found = shutil.which(name)
    if found is None:
        raise CliError(USAGE, f"{name} not found: install a PostgreSQL client, or SUM_PG_BIN_DIR")
    return Path(found)


def split_password(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and the environment that carries it (``PGPASSWORD``)."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn, {}
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    netloc = f"{user}{parts.hostname or ''}{port}"
    return urlunsplit(parts._replace(netloc=netloc)), {"PGPASSWORD": unquote(parts.password)}


async def run_tool(tool: Path, args: list[str], dsn: str) -> str:
    """Run ``tool args… -d <dsn>``; raises ``ToolFailed`` with its stderr on a non-zero exit."""
    bare, secret_env = split_password(dsn)
    process = await asyncio.create_subprocess_exec(
        str(tool),
        *args,
        "--dbname",
        bare,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **secret_env},
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise ToolFailed(tool.name, process.returncode or -1, err.decode(errors="replace"))
    return out.decode(errors="replace")


async def tool_version(tool: Path) -> str:
    process = await asyncio.create_subprocess_exec(
        str(tool), "--version", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return out.decode().strip()

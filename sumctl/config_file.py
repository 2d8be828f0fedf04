"""Where ``sumctl`` finds the gateway and the API key.

First found wins: command-line flags, then environment (``SUM_GATEWAY_URL``, ``SUM_API_KEY`` or
``SUM_API_KEY_FILE``), then the config file, then the local default. The config file is TOML at
``$SUM_CONFIG`` (which must exist) or ``$XDG_CONFIG_HOME/sum/config.toml`` (``~/.config/…``,
optional)::

    gateway_url = "https://sum.example.org"
    api_key_file = "~/.config/sum/api_key"   # or api_key = "sum_…" in a file only you can read
    timeout = 60
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import stat
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sumctl.exit_codes import USAGE, CliError

DEFAULT_URL = "http://127.0.0.1:5001"
DEFAULT_TIMEOUT = 60.0
_KEYS: dict[str, type | tuple[type, ...]] = {
    "gateway_url": str,
    "api_key": str,
    "api_key_file": str,
    "timeout": (int, float),
}


@dataclass(frozen=True)
class ClientConfig:
    gateway_url: str
    api_key: str | None = field(default=None, repr=False)  # never printed
    timeout: float = DEFAULT_TIMEOUT


def add_client_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("gateway")
    group.add_argument("--url", help=f"gateway URL (env SUM_GATEWAY_URL; default {DEFAULT_URL})")
    group.add_argument(
        "--api-key", help="API key (visible to other local users; prefer --api-key-file or env)"
    )
    group.add_argument("--api-key-file", type=Path, help="file holding the API key")
    group.add_argument("--timeout", type=float, help="seconds per HTTP request (default 60)")


def config_path(env: Mapping[str, str]) -> tuple[Path, bool]:
    """The config file to read and whether it must exist."""
    if env.get("SUM_CONFIG"):
        return Path(env["SUM_CONFIG"]).expanduser(), True
    base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "sum" / "config.toml", False


def read_config_file(path: Path, required: bool) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise CliError(USAGE, f"config file {path} (from SUM_CONFIG) does not exist") from None
        return {}
    except OSError as exc:
        raise CliError(USAGE, f"cannot read config file {path}: {exc.strerror}") from None
    try:
        values = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CliError(USAGE, f"config file {path} is not valid TOML: {exc}") from None
    for key, value in values.items():
        if key not in _KEYS:
            raise CliError(
                USAGE, f"config file {path}: unknown key {key!r} (known: {', '.join(_KEYS)})"
            )
        if not isinstance(value, _KEYS[key]) or isinstance(value, bool):
            raise CliError(USAGE, f"config file {path}: {key!r} has the wrong type")
    if "api_key" in values and _readable_by_others(path):
        print(f"sumctl: warning: {path} holds an API key and others can read it", file=sys.stderr)
    return values


def _readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False


def _read_key_file(path: Path, origin: str) -> str:
    try:
        key = path.expanduser().read_text().strip()
    except OSError as exc:
        raise CliError(USAGE, f"cannot read the API key file {path} ({origin}): {exc}") from None
    if not key:
        raise CliError(USAGE, f"the API key file {path} ({origin}) is empty")
    return key


def resolve(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> ClientConfig:
    env = os.environ if env is None else env
    path, required = config_path(env)
    file = read_config_file(path, required)
    url = args.url or env.get("SUM_GATEWAY_URL") or file.get("gateway_url") or DEFAULT_URL
    if args.api_key:
        key: str | None = args.api_key
    elif args.api_key_file:
        key = _read_key_file(args.api_key_file, "--api-key-file")
    elif env.get("SUM_API_KEY"):
        key = env["SUM_API_KEY"]
    elif env.get("SUM_API_KEY_FILE"):
        key = _read_key_file(Path(env["SUM_API_KEY_FILE"]), "SUM_API_KEY_FILE")
    elif file.get("api_key"):
        key = file["api_key"]
    elif file.get("api_key_file"):
        key = _read_key_file(path.parent / Path(file["api_key_file"]).expanduser(), str(path))
    else:
        key = None
    timeout = args.timeout or float(file.get("timeout", DEFAULT_TIMEOUT))
    if timeout <= 0:
        raise CliError(USAGE, "the timeout must be a positive number of seconds")
    return ClientConfig(gateway_url=check_url(url, key is not None), api_key=key, timeout=timeout)


def check_url(url: str, sends_key: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(USAGE, f"gateway URL {url!r} must look like http(s)://host[:port]")
    if sends_key and parts.scheme == "http" and not _is_loopback(parts.hostname):
        print(
            f"sumctl: warning: sending the API key unencrypted to {parts.hostname}; use https",
            file=sys.stderr,
        )
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""A private nats-server running the shipped ``deploy/nats/auth.conf`` on a free port.

Passwords are generated per run and reach the server only through its environment, as in
production. Tenant producers are rendered in the shape of the shipped ``auth-tenants.conf``.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.platform import free_port

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "nats"
SERVICE_USERS = ("gateway", "ingest", "processor", "monitor")


def tenant_user(tenant: str) -> str:
    """One entry of ``SUM_TENANT_USERS``, exactly as documented in auth-tenants.conf."""
    subjects = (f"sum.tenants.{tenant}.documents.>", f"sum.tenants.{tenant}.replies.>")
    subscribe = ", ".join(f'"{s}"' for s in (*subjects, f"_INBOX.{tenant}.>"))
    return f"""  {{
    user: "{tenant}"
    password: $SUM_NATS_TENANT_{tenant.upper()}_PASSWORD
    permissions: {{
      publish: {{ allow: ["sum.tenants.{tenant}.submit.>"] }}
      subscribe: {{
        allow: [{subscribe}]
      }}
    }}
  }}
"""


def tenant_users(tenants: list[str]) -> str:
    return "SUM_TENANT_USERS: [\n" + "".join(tenant_user(t) for t in tenants) + "]\n"


@dataclass
class SecuredBus:
    port: int
    passwords: dict[str, str] = field(default_factory=dict)

    def url(self, user: str) -> str:
        return f"nats://{user}:{self.passwords[user]}@127.0.0.1:{self.port}"


@contextmanager
def secured_bus(tmp: Path, tenants: list[str]) -> Iterator[SecuredBus]:
    shutil.copy(DEPLOY / "auth.conf", tmp / "auth.conf")
    (tmp / "auth-tenants.conf").write_text(tenant_users(tenants))
    (tmp / "server.conf").write_text(
        f'jetstream {{ store_dir: "{tmp / "jetstream"}" }}\ninclude "auth.conf"\n'
    )
    bus = SecuredBus(port=free_port())
    env: dict[str, str] = {}
    for user in (*SERVICE_USERS, *tenants):
        # nats-server parses a variable's value as a config token: start it with a letter.
        bus.passwords[user] = "s" + secrets.token_hex(24)
        role = user.upper() if user in SERVICE_USERS else f"TENANT_{user.upper()}"
        env[f"SUM_NATS_{role}_PASSWORD"] = bus.passwords[user]
    log = (tmp / "nats-server.log").open("wb")
    server = subprocess.Popen(
        [NATS_SERVER, "-c", str(tmp / "server.conf"), "-a", "127.0.0.1", "-p", str(bus.port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_listening(bus.port, server, tmp / "nats-server.log")
        yield bus
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def _wait_listening(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"nats-server exited: {log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nats-server not listening: {log.read_text()}")

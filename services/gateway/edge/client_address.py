"""The client's real address: the peer, or what trusted proxies say in X-Forwarded-For."""

from __future__ import annotations

import ipaddress

from litestar.types import Scope

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` → networks; a bad entry stops the gateway at start-up."""
    try:
        return tuple(
            ipaddress.ip_network(item.strip(), strict=False)
            for item in text.split(",")
            if item.strip()
        )
    except ValueError as exc:
        raise SystemExit(f"invalid settings: SUM_TRUSTED_PROXIES: {exc}") from None


def client_address(scope: Scope, trusted: tuple[IPNetwork, ...]) -> str:
    """The client's IP: the peer, or, walking X-Forwarded-For from the right, the first address
    not belonging to a trusted proxy. Only trusted proxies may speak for the client."""
    peer = (scope.get("client") or ("", 0))[0]
    if not trusted or not _is_trusted(peer, trusted):
        return str(peer)
    forwarded = [
        hop.strip()
        for name, value in scope.get("headers", [])
        if name.lower() == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
    ]
    for hop in reversed(forwarded):
        if not _is_trusted(hop, trusted):
            return hop if _is_ip(hop) else str(peer)
    return str(peer)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)

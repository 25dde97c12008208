"""The client's address, read from X-Forwarded-For only when the request comes through a trusted proxy.

`TRUSTED_PROXIES` lists the addresses or networks of the reverse proxies in front of the application (e.g.
`127.0.0.1,10.0.0.0/8`). A request whose REMOTE_ADDR is not one of them is taken at its word: anybody can send an
X-Forwarded-For header, and trusting it would let an attacker pick a fresh address for every login attempt.
Behind trusted proxies, the header is read from the right, skipping the proxies' own addresses: the first one left
is the address the outermost trusted proxy saw.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if remote is None:
        return None
    if not _trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_parse(part) for part in forwarded.split(",") if part.strip()]
    for hop in reversed(hops):
        if hop is None:
            break  # a malformed hop: stop at the last address a trusted proxy vouched for
        if not _trusted(hop, networks):
            return str(hop)
        remote = hop
    return str(remote)

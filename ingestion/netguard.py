"""SSRF guard: every connection JobPipe opens goes to an address that was checked.

The check happens where the socket is opened (a urllib3 connection class), so it covers the
first request, every redirect hop and every retry, and the socket connects to exactly the
address that passed (a name that resolves public for the check and private for the connect -
DNS rebinding - cannot slip through: there is only one resolution). TLS still verifies the
certificate against the host name.

Refused: loopback, private (RFC 1918, unique-local fc00::/7), link-local (incl. the cloud
metadata address 169.254.169.254), CGNAT 100.64/10, multicast, unspecified, reserved and
documentation ranges, and IPv4-mapped/compatible IPv6 forms of them, in whatever spelling the
URL used (decimal, octal, hex, short forms are all normalised by resolution first).
JOBPIPE_FETCH_ALLOWED_NETWORKS lists networks let through anyway (tests and the demo use
127.0.0.0/8).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util.connection import create_connection

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Resolution hook: tests point it at a fake DNS; production uses the system resolver.
resolve: Callable[..., list] = socket.getaddrinfo


class BlockedAddress(ValueError):
    """The URL's host is, or resolves to, an address JobPipe must not connect to."""


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(n.strip(), strict=False)
        for n in settings.JOBPIPE_FETCH_ALLOWED_NETWORKS.split(",")
        if n.strip()
    ]


# `is_global` follows IANA's special-purpose registries, but Python 3.11's copy is older than
# these entries (3.12.4 and 3.13 know them): IETF protocol assignments (192.0.0.8, the dummy
# address, and the rest; 192.0.0.9 and .10 are anycast services a job site never is), the IPv6
# documentation prefix of RFC 9637, and SRv6 segment identifiers.
NOT_GLOBAL = tuple(ipaddress.ip_network(n) for n in ("192.0.0.0/24", "3fff::/20", "5f00::/16"))
# NAT64 (RFC 6052): the last 32 bits are the IPv4 address a NAT64 gateway would connect to.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or _ipv4_compatible(address) or address.sixtofour
        if mapped is None and address in NAT64:
            mapped = ipaddress.IPv4Address(address.packed[12:])
        if mapped is not None:
            return is_public(mapped)
    if any(address in network for network in NOT_GLOBAL):
        return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def _ipv4_compatible(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    packed = address.packed
    if packed[:12] == bytes(12) and packed[12:] != bytes(4):
        return ipaddress.IPv4Address(packed[12:])
    return None


def vetted_addresses(host: str, port: int) -> list[tuple[int, str]]:
    """(family, address) pairs for `host` that may be connected to, or BlockedAddress."""
    host = host.strip("[]")
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"cannot resolve {host!r}: {exc}") from exc
    allowed = allowed_networks()
    vetted = []
    for family, _, _, _, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not is_public(address) and not any(address in net for net in allowed):
            raise BlockedAddress(f"{host} resolves to {address}, which is not a public address")
        vetted.append((family, str(address)))
    if not vetted:
        raise OSError(f"{host!r} has no address")
    return vetted


def _guarded_connect(conn: HTTPConnection) -> socket.socket:
    """HTTPConnection._new_conn, connecting only to vetted addresses of the host."""
    last: OSError | None = None
    for _family, address in vetted_addresses(conn._dns_host, conn.port):
        try:
            return create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except OSError as exc:
            last = exc
    raise NewConnectionError(conn, f"failed to connect to {conn._dns_host}: {last}")


class GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_connect(self)


class GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_connect(self)


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


POOL_CLASSES = {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}

"""HTTPS on the workshop's network: a certificate authority of its own and a server certificate.

A tablet's camera works only on a secure page, and no public authority certifies a laptop at
192.168.1.10. So the first HTTPS start makes, in the instance folder's `tls/`:

- `workshop-ca.crt` (and its key): the workshop's own authority. A tablet trusts it once.
- `server.crt` (and its key): this machine's certificate, for its hostname and LAN addresses,
  signed by that authority. It is made again when the addresses change (a new DHCP lease) or it
  nears its end; the authority stays, so the tablets keep trusting the server.
"""

import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import Flask

from workshop.durable import write_durably

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: The only addresses the workshop's authority may vouch for: a tablet that trusts it trusts it
#: for the local network, never for a bank's website, should its key ever leak.
PRIVATE_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
]
CA_DAYS = 3650
#: Browsers refuse server certificates valid for longer than 398 days.
SERVER_DAYS = 397
#: A server certificate this close to its end is made again at the next start.
RENEW_BEFORE = timedelta(days=30)


@dataclass(frozen=True)
class TlsFiles:
    ca: Path
    certificate: Path
    key: Path


def files_in(instance: Path) -> TlsFiles:
    folder = instance / "tls"
    return TlsFiles(folder / "workshop-ca.crt", folder / "server.crt", folder / "server.key")


def lan_addresses() -> list[IPAddress]:
    """This machine's addresses a tablet can reach, from the host's own name (the hosts file or
    the local resolver); nothing is sent out. Loopback, link-local and unspecified left out."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        infos = []
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            not (address.is_loopback or address.is_unspecified or address.is_link_local)
            and address not in found
        ):
            found.append(address)
    return found


def ensure_certificate(
    instance: Path, hostname: str | None = None, addresses: list[IPAddress] | None = None
) -> TlsFiles:
    """The authority and a server certificate good for `hostname` and `addresses` (this machine's
    by default) and for localhost; made or remade as needed."""
    files = files_in(instance)
    files.ca.parent.mkdir(parents=True, exist_ok=True)
    hostname = hostname or socket.gethostname()
    ca_key_path = files.ca.with_suffix(".key")
    if not (files.ca.exists() and ca_key_path.exists()):
        _write_ca(files.ca, ca_key_path, hostname)
        files.certificate.unlink(missing_ok=True)
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    # Only what the authority may vouch for: a renamed machine is reached by its addresses.
    permitted = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    allowed = {subtree.value for subtree in permitted.permitted_subtrees or []}
    names = [name for name in dict.fromkeys(("localhost", hostname)) if name in allowed]
    found = lan_addresses() if addresses is None else addresses
    ips = [
        ip
        for ip in [ipaddress.ip_address("127.0.0.1"), *found]
        if any(ip in network for network in PRIVATE_NETWORKS)
    ]
    if not _covers(files.certificate, names, ips):
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
        assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
        _write_server(files, ca, ca_key, names, ips)
    return files


def _covers(path: Path, names: list[str], ips: list[IPAddress]) -> bool:
    if not path.exists():
        return False
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    if certificate.not_valid_after_utc - datetime.now(UTC) < RENEW_BEFORE:
        return False
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(names) <= set(san.get_values_for_type(x509.DNSName)) and set(ips) <= set(
        san.get_values_for_type(x509.IPAddress)
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Workshop build tracker"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_durably(path, lambda file: file.write(pem))
    path.chmod(0o600)  # the owner only, where the file system knows owners


def _write_certificate(path: Path, certificate: x509.Certificate) -> None:
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    write_durably(path, lambda file: file.write(pem))


def _write_ca(path: Path, key_path: Path, hostname: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"Workshop CA ({hostname})")
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))  # a tablet's clock a little behind
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.NameConstraints(
                permitted_subtrees=[
                    x509.DNSName(name)
                    for name in dict.fromkeys(("localhost", hostname))
                    if name.isascii()  # a certificate names hosts in ASCII only
                ]
                + [x509.IPAddress(network) for network in PRIVATE_NETWORKS],
                excluded_subtrees=None,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    _write_certificate(path, certificate)


def _write_server(
    files: TlsFiles,
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    names: list[str],
    ips: list[IPAddress],
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    san = [x509.DNSName(n) for n in names] + [x509.IPAddress(ip) for ip in ips]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(names[-1]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=SERVER_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(files.key, key)
    _write_certificate(files.certificate, certificate)


def https_server(app: Flask, host: str, port: int, files: TlsFiles, threads: int) -> wsgi.Server:
    """Cheroot serving `app` over HTTPS with the workshop's certificate (not started yet)."""
    server = wsgi.Server((host, port), app, numthreads=threads)
    server.ssl_adapter = BuiltinSSLAdapter(str(files.certificate), str(files.key))
    return server

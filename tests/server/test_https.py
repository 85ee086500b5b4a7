"""HTTPS on the LAN: the workshop's own authority and a server certificate for this machine's
names and addresses, made on the first start and kept; `python -m workshop --https` serves the
app over TLS that a client trusting only that authority accepts."""

import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.server.support import free_port, start_app
from workshop import tls

LAN = ipaddress.ip_address("192.168.1.10")


def _load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_the_server_certificate_names_this_machine_and_is_signed_by_the_workshop_authority(
    tmp_path,
):
    files = tls.ensure_certificate(tmp_path, "bench-laptop", [LAN])
    ca, server = _load(files.ca), _load(files.certificate)

    server.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost", "bench-laptop"}
    assert set(san.get_values_for_type(x509.IPAddress)) == {ipaddress.ip_address("127.0.0.1"), LAN}
    lifetime = server.not_valid_after_utc - server.not_valid_before_utc
    assert lifetime.days <= 398  # what browsers accept for a server certificate
    assert files.key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_a_second_start_keeps_the_certificates(tmp_path):
    first = tls.ensure_certificate(tmp_path, "bench-laptop", [LAN])
    before = {path: path.read_bytes() for path in (first.ca, first.certificate, first.key)}
    again = tls.ensure_certificate(tmp_path, "bench-laptop", [LAN])
    assert {path: path.read_bytes() for path in (again.ca, again.certificate, again.key)} == before


def test_a_new_address_gets_a_new_server_certificate_from_the_same_authority(tmp_path):
    first = tls.ensure_certificate(tmp_path, "bench-laptop", [LAN])
    ca_before, server_before = first.ca.read_bytes(), first.certificate.read_bytes()
    moved = ipaddress.ip_address("10.0.0.7")

    again = tls.ensure_certificate(tmp_path, "bench-laptop", [moved])

    assert again.ca.read_bytes() == ca_before
    assert again.certificate.read_bytes() != server_before
    server = _load(again.certificate)
    server.verify_directly_issued_by(_load(again.ca))
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert moved in san.get_values_for_type(x509.IPAddress)


def test_the_switch_is_an_option_or_the_environment():
    from workshop.__main__ import urls, wants_https
    from workshop.config import from_environment

    assert wants_https(["--https"], from_environment({})) and wants_https(
        [], from_environment({"WORKSHOP_HTTPS": "1"})
    )
    assert not wants_https([], from_environment({})) and not wants_https(
        [], from_environment({"WORKSHOP_HTTPS": "0"})
    )
    assert urls("127.0.0.1", 5443, "https") == ["https://127.0.0.1:5443/"]


@pytest.fixture
def https_app(tmp_path):
    """`python -m workshop --https` on a loopback port, until the test ends."""
    port = free_port()
    process = start_app(tmp_path, port, "--https", WORKSHOP_DEMO="0")  # the start, not the demo
    try:
        for _ in range(300):  # x 0.1 s
            assert process.poll() is None, process.stdout.read()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the app did not listen within 30 s")
        yield port, tls.files_in(tmp_path)
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_the_app_serves_https_that_trusts_only_the_workshop_authority(https_app):
    port, files = https_app
    trusting = ssl.create_default_context(cafile=str(files.ca))
    with urllib.request.urlopen(
        f"https://127.0.0.1:{port}/login", context=trusting, timeout=10
    ) as page:
        assert page.status == 200
        assert "Облік збирання" in page.read().decode()
    with urllib.request.urlopen(
        f"https://localhost:{port}/workshop-ca.crt", context=trusting, timeout=10
    ) as download:
        assert download.headers["Content-Type"] == "application/x-x509-ca-cert"
        assert download.read() == files.ca.read_bytes()

    # A client that does not know the workshop's authority refuses the certificate.
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(
            f"https://127.0.0.1:{port}/login", context=ssl.create_default_context(), timeout=10
        )
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)


def test_the_authority_vouches_for_the_local_network_only(tmp_path):
    public = ipaddress.ip_address("8.8.8.8")
    files = tls.ensure_certificate(tmp_path, "bench-laptop", [LAN, public])

    limits = _load(files.ca).extensions.get_extension_for_class(x509.NameConstraints)
    assert limits.critical
    permitted = limits.value.permitted_subtrees or []
    assert x509.IPAddress(ipaddress.ip_network("192.168.0.0/16")) in permitted
    assert x509.DNSName("bench-laptop") in permitted
    san = _load(files.certificate).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert public not in san.value.get_values_for_type(x509.IPAddress)

    # A renamed machine keeps its authority (the tablets trust it) and gets no certificate for a
    # name the authority may not vouch for: tablets reach it by its address.
    moved = ipaddress.ip_address("192.168.1.77")
    renamed = tls.ensure_certificate(tmp_path, "new-name", [moved])
    san = _load(renamed.certificate).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert san.value.get_values_for_type(x509.DNSName) == ["localhost"]
    assert moved in san.value.get_values_for_type(x509.IPAddress)
    _load(renamed.certificate).verify_directly_issued_by(_load(files.ca))

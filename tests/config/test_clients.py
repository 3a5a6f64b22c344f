import logging

import pytest
from django.test import RequestFactory

from listening.config.clients import client_address

CLIENT = "198.51.100.23"
PROXY = "10.0.0.2"
EDGE = "10.0.0.1"
FORGED = "203.0.113.66"


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_address_without_trusted_proxy_ignores_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(CLIENT, f"{FORGED}")) == CLIENT


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded"),
    [
        # One proxy appended the address it saw.
        (1, PROXY, CLIENT),
        # The client forged a header; the proxy appended the real address after it.
        (1, PROXY, f"{FORGED}, {CLIENT}"),
        # Two proxies: the edge appended the client, the inner one appended the edge.
        (2, PROXY, f"{CLIENT}, {EDGE}"),
        (2, PROXY, f"{FORGED}, 127.0.0.1, {CLIENT}, {EDGE}"),
    ],
)
def test_client_address_behind_trusted_proxies_is_nth_from_the_right(
    settings, proxies, remote, forwarded
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(_request(remote, forwarded)) == CLIENT


def test_client_address_without_header_is_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(CLIENT)) == CLIENT


def test_client_address_fewer_entries_than_proxies_takes_the_leftmost(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(PROXY, CLIENT)) == CLIENT


def test_client_address_garbage_in_the_trusted_slot_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(PROXY, f"{CLIENT}, <script>")) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("2001:db8:0:0::1", "2001:db8::1"),
    ],
)
def test_client_address_ports_dropped_ipv6_normalised(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(PROXY, forwarded)) == expected


def test_client_address_forwarded_but_untrusted_proxy_warns_once(settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 0
    with caplog.at_level(logging.WARNING, logger="listening.security"):
        for _ in range(3):
            assert client_address(_request("10.9.8.7", CLIENT)) == "10.9.8.7"
    warnings = [r for r in caplog.records if "TRUSTED_PROXY_COUNT is 0" in r.getMessage()]
    assert len(warnings) == 1

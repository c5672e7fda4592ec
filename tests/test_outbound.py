"""Which addresses the server may fetch from (core.outbound.is_public)."""

from ipaddress import ip_address

import pytest

from core.outbound import is_public

NOT_PUBLIC = [
    "10.0.0.1",  # private
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",  # carrier-grade NAT
    "127.0.0.1",  # loopback
    "127.255.255.254",
    "0.0.0.0",  # unspecified
    "0.1.2.3",
    "169.254.169.254",  # link-local: cloud metadata
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "240.0.0.1",  # reserved
    "255.255.255.255",  # broadcast
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "::1",
    "::",
    "fe80::1",  # link-local
    "fc00::1",  # unique local
    "fd12:3456::1",
    "ff02::1",  # multicast
    "ff0e::1",  # global-scope multicast
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "::10.0.0.1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "::ffff:0:7f00:1",  # SIIT-translated 127.0.0.1
    "fec0::1",  # site-local (deprecated)
    "4000::1",  # unassigned
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2001::1",  # Teredo
    "2001:db8::1",  # documentation
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_inside_and_special_addresses_are_not_public(address):
    assert is_public(ip_address(address)) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_global_unicast_addresses_are_public(address):
    assert is_public(ip_address(address)) is True


def test_nat64_of_a_public_address_is_public():
    assert is_public(ip_address("64:ff9b::808:808")) is True

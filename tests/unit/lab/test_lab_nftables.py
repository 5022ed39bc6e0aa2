"""The nft ruleset the lab installs."""

import os

import pytest

from lab import shell
from lab.nftables import render_ruleset


def test_ruleset_masquerades_the_lab_subnet_leaving_through_other_interfaces():
    text = render_ruleset()
    assert 'ip saddr 192.168.33.0/24 oifname != "mlab0" masquerade' in text
    assert "type nat hook postrouting priority srcnat" in text


def test_ruleset_accepts_forwarding_to_and_from_the_subnet():
    text = render_ruleset()
    assert "type filter hook forward priority filter" in text
    assert "ip saddr 192.168.33.0/24 accept" in text
    assert "ip daddr 192.168.33.0/24 accept" in text


def test_ruleset_recreates_only_its_own_table():
    lines = render_ruleset(table="t1").splitlines()
    assert lines[:2] == ["table inet t1", "delete table inet t1"]
    assert not any(line.startswith("flush ruleset") for line in lines)
    assert " fwd" not in render_ruleset()  # reserved word in nft


@pytest.mark.skipif(os.geteuid() != 0 or shell.which("nft") is None, reason="needs root and nft")
def test_ruleset_passes_nft_syntax_check():
    result = shell.run(["nft", "-c", "-f", "-"], input_text=render_ruleset(), check=False)
    assert result.returncode == 0, result.stderr

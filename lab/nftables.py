"""The lab's nftables ruleset: NAT for the lab subnet so apt works inside the machines."""

from __future__ import annotations

from lab.constants import BRIDGE, NFT_TABLE, SUBNET


def render_ruleset(table: str = NFT_TABLE, subnet: str = str(SUBNET), bridge: str = BRIDGE) -> str:
    """An `nft -f` script that (re)creates table `inet <table>` atomically.

    Declaring then deleting the table first makes the script idempotent: applying it twice
    leaves exactly one copy of the rules.
    """
    return f"""table inet {table}
delete table inet {table}
table inet {table} {{
	chain postrouting {{
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr {subnet} oifname != "{bridge}" masquerade
	}}
	chain forward {{
		type filter hook forward priority filter; policy accept;
		ip saddr {subnet} accept
		ip daddr {subnet} accept
	}}
}}
"""

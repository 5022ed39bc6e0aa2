"""Offer matching: constraints per attribute type, scalar resources, ports, reasons."""

from __future__ import annotations

import pytest
from mesos_client.offers import (
    Constraint,
    OfferMatch,
    OfferRejection,
    ResourceRequest,
    match_offer,
    parse_constraints,
    place_tasks,
)


def seed_offer(offer_id: str = "O1", **overrides) -> dict:
    """The seed notebook's offer: rack:r2d2;pod:demo,dev, cpus 2, mem 496, ports 9000-10000."""
    offer = {
        "id": {"value": offer_id},
        "framework_id": {"value": "F"},
        "agent_id": {"value": "S0"},
        "hostname": "192.168.33.11",
        "resources": [
            {"name": "ports", "type": "RANGES", "role": "*",
             "ranges": {"range": [{"begin": 9000, "end": 10000}]}},
            {"name": "cpus", "type": "SCALAR", "role": "*", "scalar": {"value": 2.0}},
            {"name": "mem", "type": "SCALAR", "role": "*", "scalar": {"value": 496.0}},
            {"name": "disk", "type": "SCALAR", "role": "*", "scalar": {"value": 4930.0}},
        ],
        "attributes": [
            {"name": "rack", "type": "TEXT", "text": {"value": "r2d2"}},
            {"name": "pod", "type": "TEXT", "text": {"value": "demo,dev"}},
            {"name": "cores", "type": "SCALAR", "scalar": {"value": 4}},
            {"name": "zone", "type": "SET", "set": {"item": ["a", "b"]}},
            {"name": "slots", "type": "RANGES",
             "ranges": {"range": [{"begin": 1, "end": 4}, {"begin": 10, "end": 20}]}},
        ],
    }  # fmt: skip
    offer.update(overrides)
    return offer


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("rack:r2d2", ("rack", "EQ", "r2d2")),
        ("rack == r2d2", ("rack", "EQ", "r2d2")),
        ("rack!=r2d3", ("rack", "NE", "r2d3")),
        ("pod~dev", ("pod", "CONTAINS", "dev")),
        ("pod contains dev", ("pod", "CONTAINS", "dev")),
        ("pod CONTAINS dev", ("pod", "CONTAINS", "dev")),
        ("cores>=4", ("cores", "GE", "4")),
        ("cores<8", ("cores", "LT", "8")),
        ("pod:demo,dev", ("pod", "EQ", "demo,dev")),
        (("pod", "contains", "dev"), ("pod", "CONTAINS", "dev")),
        (("rack", "EQ", "r2d2"), ("rack", "EQ", "r2d2")),
    ],
)
def test_constraint_parsing(spec, expected) -> None:
    parsed = Constraint.parse(spec)
    assert (parsed.attribute, parsed.operator, parsed.value) == expected


@pytest.mark.parametrize("spec", ["", "rack", "rack:", ":r2d2", ("a", "LIKE", "b"), ("a", "b")])
def test_bad_constraints_raise_value_error(spec) -> None:
    with pytest.raises(ValueError):
        Constraint.parse(spec)


@pytest.mark.parametrize(
    "spec",
    [
        "rack:r2d2", "rack!=r2d3", "pod~dev", "pod~demo", "pod:demo,dev",
        "cores:4", "cores:4.0", "cores>=4", "cores>3.5", "cores<=4", "cores<5", "cores!=3",
        "zone~a", "zone~a,b", "zone:{b,a}", "zone!={a}",
        "slots~3", "slots~10-20", "slots:[1-4,10-20]",
    ],
)  # fmt: skip
def test_constraints_that_hold_on_the_seed_offer(spec: str) -> None:
    assert Constraint.parse(spec).check(seed_offer()["attributes"]) is None


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("rack:r2d3", "is 'r2d2'"),
        ("pod~prod", "is 'demo,dev'"),
        ("pod~de", "is 'demo,dev'"),  # membership, not substring
        ("pod:dev", "is 'demo,dev'"),
        ("cores>4", "is 4"),
        ("cores:four", "non-number"),
        ("cores~4", "CONTAINS"),
        ("rack>=3", "needs a number"),
        ("zone~c", "{a,b}"),
        ("zone:{a}", "{a,b}"),
        ("slots~5", "[1-4],[10-20]"),
        ("slots~3-11", "[1-4],[10-20]"),
        ("slots~x", "does not name a range"),
        ("gpu_model:k80", "missing"),
    ],
)
def test_constraints_that_fail_say_why(spec: str, reason: str) -> None:
    result = Constraint.parse(spec).check(seed_offer()["attributes"])
    assert result is not None and reason in result


def test_match_takes_a_subset_of_the_offer_and_ports_from_its_ranges() -> None:
    offer = seed_offer()
    result = match_offer(
        offer,
        ResourceRequest(cpus=0.5, mem=64, ports=3),
        parse_constraints(["rack:r2d2", "pod~dev"]),
    )
    assert isinstance(result, OfferMatch)
    assert result.offer_id == "O1" and result.agent_id == "S0"
    assert result.ports == [9000, 9001, 9002]
    by_name = {r["name"]: r for r in result.resources}
    assert by_name["cpus"]["scalar"] == {"value": 0.5}
    assert by_name["mem"]["scalar"] == {"value": 64.0}
    assert by_name["ports"]["ranges"] == {"range": [{"begin": 9000, "end": 9002}]}
    assert all(r["role"] == "*" for r in result.resources)
    assert "disk" not in by_name  # zero amounts are not requested
    assert offer["resources"][1]["scalar"] == {"value": 2.0}  # the offer is not modified


def test_ports_span_several_ranges() -> None:
    offer = seed_offer()
    offer["resources"][0]["ranges"]["range"] = [
        {"begin": 31005, "end": 31005},
        {"begin": 31000, "end": 31001},
    ]
    result = match_offer(offer, ResourceRequest(ports=3))
    assert isinstance(result, OfferMatch)
    assert result.ports == [31000, 31001, 31005]


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (ResourceRequest(cpus=3), "not enough cpus: 2 offered, 3 needed"),
        (ResourceRequest(mem=497), "not enough mem"),
        (ResourceRequest(ports=1002), "not enough ports: 1001 offered, 1002 needed"),
        (ResourceRequest(gpus=1), "not enough gpus: 0 offered"),
    ],
)
def test_resource_shortfalls_are_reasons(request_: ResourceRequest, reason: str) -> None:
    result = match_offer(seed_offer(), request_)
    assert isinstance(result, OfferRejection)
    assert reason in result.reason
    assert "O1" in str(result) and "192.168.33.11" in str(result)


def test_constraint_reason_comes_before_resources() -> None:
    result = match_offer(seed_offer(), ResourceRequest(cpus=99), [Constraint.parse("rack:x")])
    assert isinstance(result, OfferRejection) and "rack" in result.reason


def test_place_tasks_packs_several_tasks_into_one_offer_without_sharing_ports() -> None:
    matches, rejections = place_tasks([seed_offer()], ResourceRequest(cpus=0.5, ports=2), count=3)
    assert len(matches) == 3 and rejections == []
    ports = [p for m in matches for p in m.ports]
    assert len(set(ports)) == 6


def test_place_tasks_stops_when_resources_run_out_and_explains_other_offers() -> None:
    other = seed_offer("O2", attributes=[{"name": "rack", "type": "TEXT", "text": {"value": "x"}}])
    matches, rejections = place_tasks(
        [other, seed_offer()],
        ResourceRequest(cpus=0.75),
        count=5,
        constraints=[Constraint.parse("rack:r2d2")],
    )
    assert len(matches) == 2  # 2 cpus / 0.75
    assert [r.offer_id for r in rejections] == ["O2"]


def test_scalar_amounts_are_rounded_like_mesos() -> None:
    matches, _ = place_tasks([seed_offer()], ResourceRequest(cpus=0.1, mem=1), count=20)
    assert len(matches) == 20
    assert sum(m.resources[0]["scalar"]["value"] for m in matches) == pytest.approx(2.0)


def test_resource_request_rejects_negative_amounts() -> None:
    with pytest.raises(ValueError):
        ResourceRequest(cpus=-1)

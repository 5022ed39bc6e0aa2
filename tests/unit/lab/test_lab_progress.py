"""Progress lines with durations."""

import io
import re

import pytest

from lab.progress import Progress


def test_step_prints_label_with_duration():
    out = io.StringIO()
    with Progress(out).step("boot t-agent"):
        pass
    assert re.fullmatch(r"\[ *\d+\.\ds\] boot t-agent\n", out.getvalue())


def test_announced_step_prints_start_and_end():
    out = io.StringIO()
    with Progress(out).step("debootstrap", announce=True):
        pass
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("debootstrap ...")
    assert lines[1].endswith("] debootstrap")


def test_failed_step_says_so_and_reraises():
    out = io.StringIO()
    with pytest.raises(ValueError), Progress(out).step("copy"):
        raise ValueError("boom")
    assert out.getvalue().rstrip().endswith("] copy FAILED")

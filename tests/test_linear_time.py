"""zinekit's own work grows in proportion to its input: each shape of input that once
took minutes (unclosed ``[ed. ``, a "see" clause of empty parentheses, ``url(x`` in a
theme's CSS, thousands of footnotes, a large ``.bib`` …, see ``tests/hostile.py``) is
timed at 10 KB and at 100 KB in one run, and the second may take at most 30 times the
first (linear is 10, quadratic 100): generous enough for a busy machine, tight enough to
catch a quadratic step.  Hypothesis draws the repeated unit of each shape; one example
per shape in the suite, more with ``ZK_LINEAR_EXAMPLES=10``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import SHAPES, Shape, seconds

SMALL, LARGE = 10_000, 100_000
MAX_RATIO = 30
FLOOR = 0.05  # seconds: below this the small input's time is noise
EXAMPLES = int(os.environ.get("ZK_LINEAR_EXAMPLES", "1"))


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_time_grows_no_faster_than_the_input(shape: Shape, data):
    unit = data.draw(st.sampled_from(shape.units), label="unit")
    small_text, large_text = shape.make(unit, SMALL), shape.make(unit, LARGE)
    small = large = float("inf")
    for _ in range(2):  # interleaved, the best of each: a busy moment spoils one run only
        small = min(small, seconds(shape.run, small_text, repeat=2))
        large = min(large, seconds(shape.run, large_text))
    ratio = large / max(small, FLOOR)
    assert ratio < MAX_RATIO, (f"{shape.name} ({unit!r}): {small:.3f} s at 10 KB, "
                               f"{large:.3f} s at 100 KB, ratio {ratio:.0f}")

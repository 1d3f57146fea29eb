"""Interval arithmetic: exact where it can be, outward-rounded where it cannot, and always an
enclosure of every value the operands could take."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

import decimal

from debao_audit.interval import CONTEXT, Interval, plain

D = Decimal
pos = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=3, allow_nan=False)


@st.composite
def intervals(draw):
    a, b = sorted((draw(pos), draw(pos)))
    return Interval(a, b)


@st.composite
def member(draw, iv):
    t = draw(st.integers(min_value=0, max_value=1000))
    return iv.lo + (iv.hi - iv.lo) * D(t) / 1000


@given(intervals(), intervals(), st.data())
def test_operations_enclose_every_pair_of_members(x, y, data):
    a = data.draw(member(x))
    b = data.draw(member(y))
    with decimal.localcontext(CONTEXT):  # members computed at the working precision (60 digits)
        assert a + b in x + y
        assert a - b in x - y
        assert a * b in x * y
        assert a / b in x / y


@given(intervals(), st.sampled_from(["0.2", "0.25", "5", "0.5"]), st.data())
def test_power_encloses(x, e, data):
    a = data.draw(member(x))
    with decimal.localcontext(CONTEXT):
        assert a ** D(e) in x ** D(e)


def test_exact_sums_and_products():
    x = Interval(D("57.835"), D("57.845"))
    assert x + 1 == Interval(D("58.835"), D("58.845"))
    assert (x * 2).lo == D("115.670")


def test_open_ends_propagate():
    x = Interval(D(1400), D(1500), True, True)
    y = Interval.point(2)
    assert (x * y) == Interval(D(2800), D(3000), True, True)
    assert D(2800) not in x * y


def test_intersection_and_hull():
    a = Interval(D(1), D(2), hi_open=True)
    b = Interval(D(2), D(3))
    assert not a.intersects(b)
    assert Interval(D(1), D(2)).intersects(b)
    assert a.hull(b) == Interval(D(1), D(3))


def test_unbounded():
    x = Interval(D(57500), None)
    assert D(10**9) in x and D(57499) not in x
    assert x.intersects(Interval(D(58000), D(58001)))
    assert str(x) == "[57500, ∞)"


def test_division_by_interval_touching_zero_is_refused():
    with pytest.raises(ZeroDivisionError):
        Interval.point(1) / Interval(D(0), D(1))


def test_refuses_floats():
    with pytest.raises(TypeError):
        Interval.point(0.1)


def test_empty_interval_is_an_error():
    with pytest.raises(ValueError):
        Interval(D(2), D(1))


def test_display():
    assert str(Interval(D("223500000.0"), D("224500000"), hi_open=True)) == "[223500000, 224500000)"
    assert Interval(D("9.5586"), D("9.5602")).format(2) == "[9.55, 9.57]"
    assert plain(D("2.2350E+8")) == "223500000"

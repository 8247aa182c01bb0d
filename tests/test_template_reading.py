"""Templates: simple ones read without Jinja2's parser (agreeing with it), and limits at render time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError, UndefinedError

from sociopolicy.jinjasandbox import ENVIRONMENT, simple_parts
from sociopolicy.templates import (
    TemplateLimit,
    TemplateProblem,
    _quick_parts,
    compile_template,
)

pieces = st.one_of(
    st.text(alphabet="ab {}.%#-\n", max_size=5),
    st.sampled_from(
        ["{{ match }}", "{{match}}", "{{ vars.team }}", "{{ none }}", "{{ true }}", "{{ a.b.c }}"]
    ),
    st.sampled_from(["{{ x | upper }}", "{% if x %}y{% endif %}", "{# note #}", "{{ x[0] }}"]),
    st.sampled_from(
        [
            "{{ items | join(', ') }}",
            "{{items|join(\"' or '\")}}",
            "{{ vars.team | capitalize }}",
            "{{ items | join( '' ) }}",
            "{{ items | join }}",
            "{{ x | capitalize | upper }}",
        ]
    ),
)


@given(st.lists(pieces, max_size=6).map("".join))
def test_quick_reading_agrees_with_jinja(source: str) -> None:
    quick = _quick_parts(source)
    if quick is None:
        return  # left to Jinja2: nothing to compare
    tree = ENVIRONMENT.parse(source)
    assert simple_parts(tree) == quick


@pytest.mark.parametrize(
    ("source", "simple"),
    [
        ("Plain words.", True),
        ("Use {{ replacement }} instead of {{ match }}.", True),
        ("Tell {{ vars.team }}.", True),
        ("{{ none }} is a constant", False),
        ("{{ words | join(', ') }}", True),
        ("{{ words|join(\"' or '\") }} and {{ what | capitalize }}", True),
        ("{{ words | join(sep) }}", False),
        ("{{ words | join('\\n') }}", False),
        ("{{ words | join(', ') | upper }}", False),
        ("{{ what | capitalize() }}", False),
        ("{% if x %}y{% endif %}", False),
        ("ends with a newline\n", False),
    ],
)
def test_which_templates_are_read_quickly(source: str, simple: bool) -> None:
    assert (_quick_parts(source) is not None) is simple


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Tell {{ vars.nobody }}.", "no var 'nobody'"),
        ("Hello {{ stranger }}", "'stranger', which is not defined"),
        ("{{ groups.missing }}", "no group named 'missing'"),
    ],
)
def test_quickly_read_templates_are_checked_like_others(source: str, message: str) -> None:
    allowed = frozenset({"match", "vars", "groups"})
    with pytest.raises(TemplateProblem, match=message):
        compile_template(source, allowed=allowed, variables=["team"], groups=["name"])


def test_templates_compile_when_first_rendered_by_jinja() -> None:
    template = compile_template("{{ items | join(', ') }}", allowed=frozenset({"items"}))
    assert template.render({"items": ["a", "b"]}) == "a, b"
    assert template.compiled() is template.compiled()


@pytest.mark.parametrize(
    ("source", "values"),
    [
        # Text that grows with the draft: stopped before it is made.
        ("{{ match * 3 }}", {"match": "a" * 10_000}),
        ("{{ match | replace('a', match) }}", {"match": "a" * 200}),
        ("{{ match % 'x' }}", {"match": "%-5000s"}),
        # A name put together at render time: the sandbox refuses it.
        ("{{ match['_' ~ '_class_' ~ '_'] }}", {"match": "x"}),
        ("{{ match[('_' * 2) ~ 'class' ~ ('_' * 2)] }}", {"match": "x"}),
    ],
)
def test_what_gets_past_loading_is_stopped_when_rendering(
    source: str, values: dict[str, object]
) -> None:
    template = compile_template(source, allowed=frozenset({"match"}))
    # The engine turns these into "the message could not be shown" (see engine._render).
    with pytest.raises((TemplateLimit, SecurityError, UndefinedError)):
        template.render(values)


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ("{{ items | join(match) }}", {"items": ["y"] * 9000, "match": "\U0001f600" * 9000}),
        ("{{ match | replace('', match) }}", {"match": "x" * 1000}),
        ("{{ match | list }}", {"match": "x" * 1_000_000}),
        ("{{ match + match }}", {"match": "x" * 15_000}),
        ("{{ match % items }}", {"match": "%(a)999999999s", "items": {"a": "x"}}),
        ("{{ match }}" * 100, {"match": "x" * 1_000_000}),  # simple: joined without Jinja2
        ("{{ items | join(', ') }}", {"items": ["y"] * 20_000}),  # simple too: too many items
        ("{{ items | join(', ') }}", {"items": ["y" * 5_000] * 5}),  # simple too: too long
        ("{% for x in items %}{{ match }}{% endfor %}", {"items": [1] * 100, "match": "x" * 500}),
        # Each %-format doubles the text it is given: stopped at the first too long.
        (
            "{{ " + "(" * 26 + '"%(a)s"' + ' % {"a": "%(a)s%(a)s"})' * 26 + " }}",
            {"match": "x"},
        ),
        ("{{ '%s%s%s' % (match, match, match) }}", {"match": "x" * 10_000}),
    ],
)
def test_growth_is_stopped_before_the_text_is_made(source: str, values: dict[str, object]) -> None:
    template = compile_template(source, allowed=frozenset(values))
    with pytest.raises(TemplateLimit):
        template.render(values)


values = st.one_of(
    st.none(),
    st.text(alphabet="ab \u00dfİ", max_size=4),
    st.integers(),
    st.lists(st.text(alphabet="ab", max_size=3), max_size=4),
    st.tuples(st.text(alphabet="ab", max_size=2)),
    st.lists(st.one_of(st.integers(), st.none()), max_size=3),
)


@given(
    st.sampled_from(
        [
            "Write '{{ items | join(\"' or '\") }}' instead",
            "{{ x | capitalize }} ({{ items | join(', ') }})",
            "{{ items | join('') }}{{ x }}",
        ]
    ),
    values,
    values,
)
def test_quick_rendering_gives_what_jinja_gives(source: str, x: object, items: object) -> None:
    template = compile_template(source, allowed=frozenset({"x", "items"}))
    assert template._parts is not None  # read without Jinja2's parser
    given = {"x": x, "items": items}
    try:
        expected: object = ENVIRONMENT.from_string(source).render(given).strip()
    except Exception as exc:  # Jinja2 cannot render it: neither may the quick way
        expected = type(exc)
    try:
        found: object = template.render(given)
    except Exception as exc:
        found = type(exc)
    assert found == expected

"""Front matter: split it off, load it safely once, and keep where every key and value is.

Why not python-frontmatter on the hot path: it loads with PyYAML's pure-Python
SafeLoader (twice as slow as the C loader here), keeps no positions, and silently keeps
the last of two duplicate keys. We compose the YAML node tree once with the C loader and
construct the data from those same nodes, so positions and data come from one parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):
    """The safe loader, whose scalar constructors fail as YAML errors with a position.

    PyYAML's own constructors raise bare ValueError, KeyError, IndexError or
    AttributeError on values the resolver accepted but Python rejects (issue 7, found
    by tests/test_properties.py): `date: 2024-02-30`, an int of 5,000 digits (past
    Python's int-string limit), `!!int abc`, `!!bool x`, `!!timestamp x`. Uncaught, one
    such note aborted the whole run with a traceback."""


def _guarded(construct: Any) -> Any:
    def guarded(loader: Any, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as e:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            kind = _KINDS.get(tag, f"{tag} value")
            shown = node.value if isinstance(node.value, str) else ""
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            why = f": {e}" if isinstance(e, ValueError) and len(str(e)) < 80 else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"`{shown}` is not a valid {kind}{why}", node.start_mark
            ) from None
    return guarded


_KINDS = {"!!timestamp": "date", "!!int": "integer", "!!float": "number", "!!bool": "boolean"}


for _tag, _construct in list(_Loader.yaml_constructors.items()):
    _Loader.add_constructor(_tag, _guarded(_construct))

# An opening delimiter is exactly "---" on the first line (trailing blanks tolerated).
_OPEN = re.compile(r"---[ \t]*(?:\r\n|\r|\n)")
# A line starts after any line ending, a lone CR included (as in lint/text.py and the
# scanner): with `^` alone, CR-only front matter was "never closed".
_CLOSE = re.compile(r"(?:^|(?<=\r))(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)", re.MULTILINE)

# Guards against hostile YAML (issue 7): "billion laughs" alias expansion and deep nesting.
MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 100

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    start: int  # offset into the note text
    end: int


@dataclass(frozen=True, slots=True)
class Place:
    key_start: int
    key_end: int
    value_start: int
    value_end: int


@dataclass(frozen=True, slots=True)
class FrontMatter:
    start: int  # the opening "---"
    end: int  # where the body starts (after the closing delimiter's line ending)
    yaml_start: int
    yaml_end: int
    closed: bool
    data: dict[str, Any] | None  # None when the block could not be loaded as a mapping
    problems: tuple[Problem, ...] = ()
    places: dict[Path, Place] = field(default_factory=dict)

    def place(self, path: Path) -> Place | None:
        """The place of a key path, or of its nearest ancestor that exists."""
        while path:
            p = self.places.get(path)
            if p is not None:
                return p
            path = path[:-1]
        return None


def split(text: str) -> tuple[int, int, int, bool] | None:
    """(yaml_start, yaml_end, body_start, closed) when text opens with front matter."""
    m = _OPEN.match(text)
    if not m:
        return None
    yaml_start = m.end()
    c = _CLOSE.search(text, yaml_start)
    if c is None:
        return yaml_start, len(text), len(text), False
    return yaml_start, c.start(), c.end(), True


def parse(text: str) -> FrontMatter | None:
    parts = split(text)
    if parts is None:
        return None
    yaml_start, yaml_end, body_start, closed = parts
    if not closed:
        problem = Problem("front matter is never closed: no `---` line ends it", 0, 3)
        return FrontMatter(0, body_start, yaml_start, yaml_end, False, None, (problem,))
    source = text[yaml_start:yaml_end]
    data, problems, places = load(source, yaml_start)
    return FrontMatter(0, body_start, yaml_start, yaml_end, True, data, problems, places)


# The value ends at its last character that is no blank and no CR. (A lazy `.*?` followed
# by `[ ]*\r?$` retried the blank tail at every step, quadratic in a value's run of
# blanks (bench/README.md, "Figures moved from code comments"); this matches the same
# values in linear time.)
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ ]+([^\s](?:.*[^ \r])?)[ ]*\r?$")
# A plain scalar that YAML reads as a string: no indicator first, no `: ` or ` #` inside,
# no `:` last, and only characters PyYAML's reader accepts that are no line breaks.
_PLAIN_BAD_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_PLAIN_BAD = re.compile(r": | #|:$|\t|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers


def _is_str(scalar: str) -> bool:
    """Whether YAML 1.1 resolves this plain scalar to a string (PyYAML's own regexes)."""
    resolvers = _IMPLICIT.get(scalar[0])
    if resolvers is not None:
        for _, rx in resolvers:
            if rx.match(scalar):
                return False
    return True


_KEYS_SEEN: dict[str, bool] = {}  # the same few keys head every note: resolve each once


def _load_simple(source: str, base: int) -> tuple[dict, dict] | None:
    """The common front matter, `key: plain text` lines only, without the YAML parser,
    which is several times slower on them (bench/README.md). Anything else returns None and goes to the real loader, so the
    result is always what PyYAML would give (a property test holds the two together)."""
    data: dict[str, str] = {}
    places: dict[Path, Place] = {}
    offset = 0
    for line in source.split("\n"):
        if line and line != "\r":
            m = _SIMPLE_LINE.match(line)
            if m is None:
                return None
            key, value = m.group(1), m.group(2)
            key_ok = _KEYS_SEEN.get(key)
            if key_ok is None:
                key_ok = _is_str(key)
                if len(_KEYS_SEEN) < 1000:  # bounded: a hostile vault cannot grow it
                    _KEYS_SEEN[key] = key_ok
            if (not key_ok or key in data or value[0] in _PLAIN_BAD_START
                    or _PLAIN_BAD.search(value) or not _is_str(value)):
                return None
            data[key] = value
            k0 = base + offset
            places[(key,)] = Place(k0, k0 + len(key), k0 + m.start(2), k0 + m.end(2))
        offset += len(line) + 1
    return data, places


def load(source: str, base: int = 0) -> tuple[dict | None, tuple[Problem, ...], dict]:
    """Load a YAML mapping from source; offsets in the result are shifted by base."""
    if not source.strip():
        return {}, (), {}
    simple = _load_simple(source, base)
    if simple is not None:
        return simple[0], (), simple[1]
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, (), {}
        problems = _check_shape(node, base, source)
        if problems:
            return None, problems, {}
        places: dict[Path, Place] = {}
        _record_places(node, (), base, places)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        # The context mark is where the broken construct began (the unclosed `[` of
        # `title: [x`): that is the line to fix; the problem mark is where YAML gave up.
        mark = e.context_mark or e.problem_mark
        at = base + (mark.index if mark is not None else 0)
        return None, (Problem(_yaml_message(e, source), at, at + 1),), {}
    except yaml.YAMLError as e:
        return None, (Problem(f"invalid YAML: {e}", base, base + 1),), {}
    except RecursionError:
        return None, (Problem("front matter is nested too deeply to load", base, base + 1),), {}
    finally:
        loader.dispose()
    return data, (), places


def _yaml_message(e: yaml.MarkedYAMLError, source: str) -> str:
    if e.problem and "could not determine a constructor for the tag" in e.problem:
        # PyYAML: "... for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"; a
        # local tag (`!foo`) has no prefix, and was shown as the whole sentence.
        tag = e.problem.partition(" for the tag ")[2].strip("'")
        tag = tag.replace("tag:yaml.org,2002:", "!!", 1)
        return f"tag `{tag}` is not allowed: front matter is loaded safely and builds no objects"
    parts = [p for p in (e.context, e.problem) if p]
    msg = ", ".join(parts) if parts else "invalid YAML"
    if e.context_mark is not None and e.problem_mark is not None:
        # +2: 1-based, and the opening `---` is line 1 of the note.
        msg += f" (on line {e.problem_mark.line + 2})"
    return f"invalid YAML: {msg}"


def _span(node: yaml.Node, base: int) -> tuple[int, int]:
    return base + node.start_mark.index, base + node.end_mark.index


def _check_shape(root: yaml.Node, base: int, source: str) -> tuple[Problem, ...]:
    if not isinstance(root, yaml.MappingNode):
        kind = {"SequenceNode": "a list", "ScalarNode": "a single value"}.get(
            type(root).__name__, "not a mapping"
        )
        s, e = _span(root, base)
        return (Problem(f"front matter must be a mapping of keys to values, found {kind}", s, e),)
    size = _expanded_size(root, {}, 0)
    if size > MAX_EXPANDED_NODES:
        s, e = _span(root, base)
        return (
            Problem(
                f"front matter expands to more than {MAX_EXPANDED_NODES:,} values "
                "through aliases; refusing to load it",
                s,
                e,
            ),
        )
    problems: list[Problem] = []
    _check_keys(root, base, source, problems, set())
    return tuple(problems)


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int) -> int:
    # Memoised by node identity, so a billion-laughs document is measured without
    # being expanded; the depth guard turns deep nesting into a finding, not a crash.
    if depth > MAX_DEPTH:
        raise yaml.YAMLError(f"front matter is nested more than {MAX_DEPTH} levels deep")
    known = memo.get(id(node))
    if known is not None:
        if known < 0:  # met again while still measuring it: `a: &a [*a]`
            raise yaml.YAMLError("front matter refers to itself through an alias")
        return known
    memo[id(node)] = -1
    size = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            size += _expanded_size(v, memo, depth + 1)
    memo[id(node)] = size
    return size


def _check_keys(node: yaml.Node, base: int, source: str, problems: list[Problem],
                seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, yaml.Node] = {}
        for k, v in node.value:
            if k.tag == "tag:yaml.org,2002:merge":
                pass
            elif not (isinstance(k, yaml.ScalarNode) and k.tag == "tag:yaml.org,2002:str"):
                problems.append(_key_problem(node, k, base, source))
            elif k.value in first:
                s, e = _span(k, base)
                line = first[k.value].start_mark.line + 2  # +1 for 1-based, +1 for the `---` line
                problems.append(
                    Problem(f"duplicate key `{k.value}` (first defined on line {line})", s, e)
                )
            else:
                first[k.value] = k
            _check_keys(v, base, source, problems, seen)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _check_keys(v, base, source, problems, seen)


def _key_problem(parent: yaml.Node, key: yaml.Node, base: int, source: str) -> Problem:
    outer = source[parent.start_mark.index : parent.end_mark.index]
    if outer.startswith("{{") and outer.endswith("}}"):
        # Obsidian and Templater placeholders (`created: {{date}}`) are not YAML.
        s, e = _span(parent, base)
        return Problem(f"`{outer}` is a template placeholder, not YAML", s, e)
    s, e = _span(key, base)
    shown = source[key.start_mark.index : key.end_mark.index]
    return Problem(f"key `{shown}` is not a string; quote it", s, e)


def _record_places(node: yaml.Node, path: Path, base: int, out: dict[Path, Place]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                sub = (*path, k.value)
                ks, ke = _span(k, base)
                vs, ve = _span(v, base)
                out.setdefault(sub, Place(ks, ke, vs, ve))
                if len(out) < 10_000:
                    _record_places(v, sub, base, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            s, e = _span(v, base)
            out[(*path, i)] = Place(s, e, s, e)
            if len(out) < 10_000:
                _record_places(v, (*path, i), base, out)

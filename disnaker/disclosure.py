"""Statistical disclosure control of the published statistics: suppression, and the attack it withstands.

A breakdown cell of 1 to ``min_cell - 1`` is hidden ("< 5", primary suppression). That alone is not
enough: a breakdown adds up to a published total, so with one hidden cell the cell is the total
minus the others; and with bounds (a "< 5" cell is 1 to 4, a listed cell is never 0 when hidden)
two hidden cells that sum to 2 are both 1. ``protect`` therefore hides further cells (secondary
suppression, shown "x"; such a cell is known to be at least ``min_cell``), smallest first, until
``recoverable_cells`` — an attacker who solves every published relation with interval reasoning
and a bounded search — finds nothing. A breakdown that cannot be protected by hiding its cells
(every cell hidden and one still pinned, e.g. all four graduates of a period in one category) is
withheld: its rows are not published at all.

Cells are any hashable ids; a relation (``Table``) says ``total = sum(parts)``. Totals and the
parts of a figure (numerator, denominator, …) stay published, as they always were; so a relation
that shares its total with others (the five breakdowns of "graduates") is protected on its own,
and what one breakdown hides cannot be combined with another's.
"""

import hashlib
import json
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

SMALL = "small"  # primary: a count of 1 to min_cell - 1
HIDDEN = "hidden"  # secondary: hidden so that a small cell cannot be derived; at least min_cell
HIDDEN_SHOWN = "x"

# Nodes of the bounded search per connected component before the attacker settles for interval bounds.
SEARCH_BUDGET = 20_000
VERSION = "1"  # bumped when the rules change, so cached protections are not reused


@dataclass(frozen=True)
class Bounds:
    """What the public knows of a hidden cell: ``low <= value <= high`` (``high`` None: no upper bound)."""

    low: int
    high: int | None = None


@dataclass(frozen=True)
class Table:
    """One additive relation as published: ``total`` = the sum of ``parts`` (cell ids)."""

    key: Hashable
    total: Hashable
    parts: tuple


@dataclass
class Published:
    """Published cells (an exact number, or the ``Bounds`` of a hidden one) and the relations between them.

    A relation with a cell that is not published (a withheld breakdown) tells nothing and is ignored.
    """

    cells: dict
    tables: list[Table]


@dataclass
class Protection:
    """Which cells to hide (``{cell: SMALL | HIDDEN}``) and which tables to withhold altogether."""

    hidden: dict = field(default_factory=dict)
    withheld: set = field(default_factory=set)

    def state(self, cell) -> str | None:
        return self.hidden.get(cell)


# --- The attacker ---------------------------------------------------------------------------------


def recoverable_cells(published: Published) -> dict:
    """``{cell: value}`` of every hidden cell whose value follows uniquely from what is published."""
    return {cell: low for cell, (low, high) in feasible_ranges(published).items() if low == high}


def consistent(published: Published) -> bool:
    """Whether some values of the hidden cells fit every published relation (an attacker's guess of a
    relation that does not hold usually fails this)."""
    return _ranges(published)[1]


def feasible_ranges(published: Published) -> dict:
    """``{cell: (lowest, highest)}`` each hidden cell can take, given every published relation.

    Each relation is an equation over the hidden cells; equations sharing a hidden cell form a
    component. Bounds are tightened to a fixpoint; where a hidden cell links several equations the
    search tries each of its values (the numbers are small), after which every equation stands
    alone and its bounds are exact. A component too large to search keeps its interval bounds,
    which are never narrower than the truth.
    """
    return _ranges(published)[0]


def _ranges(published: Published) -> tuple[dict, bool]:
    domains = {
        cell: (shown.low, math.inf if shown.high is None else shown.high)
        for cell, shown in published.cells.items()
        if isinstance(shown, Bounds)
    }
    equations = _equations(published)
    fits = all(constant == 0 for terms, constant in equations if not terms)
    equations = [equation for equation in equations if equation[0]]
    ranges = {}
    for component in _components(equations, domains):
        variables = {cell for equation in component for cell in equation[0]}
        solved = _solve(component, {cell: domains[cell] for cell in variables}, [SEARCH_BUDGET])
        if solved:
            ranges.update(solved)
        else:
            fits = False
    for cell, domain in domains.items():
        ranges.setdefault(cell, domain)  # in no relation (or none that fits): only its own bounds
    return ranges, fits


def _equations(published: Published) -> list[tuple[dict, int]]:
    """Each usable relation as ``({hidden cell: coefficient}, constant)``: sum(coefficient * cell) = constant."""
    equations = []
    for table in published.tables:
        cells = [table.total, *table.parts]
        if any(cell not in published.cells for cell in cells):
            continue
        terms: dict = {}
        constant = 0
        for cell, coefficient in [(table.total, -1), *((part, 1) for part in table.parts)]:
            shown = published.cells[cell]
            if isinstance(shown, Bounds):
                terms[cell] = terms.get(cell, 0) + coefficient
            else:
                constant -= coefficient * shown
        equations.append(({cell: c for cell, c in terms.items() if c}, constant))
    return equations


def _components(equations: list, domains: dict) -> list[list]:
    parent: dict = {}

    def root(cell):
        while parent.setdefault(cell, cell) != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for terms, _constant in equations:
        first, *rest = terms
        for cell in rest:
            parent[root(cell)] = root(first)
    groups: dict = {}
    for equation in equations:
        groups.setdefault(root(next(iter(equation[0]))), []).append(equation)
    return list(groups.values())


def _solve(equations: list, domains: dict, budget: list[int]) -> dict | None:
    """The exact range of every cell (None when nothing fits), or interval bounds once over budget."""
    domains = _propagate(equations, dict(domains))
    if domains is None:
        return None
    linking = _linking_cells(equations, domains)
    if not linking:
        return domains
    cell = min(linking, key=lambda c: (domains[c][1] - domains[c][0], repr(c)))
    low, high = domains[cell]
    if high == math.inf or high - low + 1 > budget[0]:
        return domains  # too many cases: the bounds found so far
    union: dict | None = None
    for value in range(int(low), int(high) + 1):
        budget[0] -= 1
        found = _solve(equations, {**domains, cell: (value, value)}, budget)
        if found is None:
            continue
        union = (
            found if union is None else {c: (min(union[c][0], r[0]), max(union[c][1], r[1])) for c, r in found.items()}
        )
    return union


def _linking_cells(equations: list, domains: dict) -> list:
    """Cells still open that appear in two or more equations (after which the equations are independent)."""
    seen: dict = {}
    for terms, _constant in equations:
        for cell in terms:
            if domains[cell][0] != domains[cell][1]:
                seen[cell] = seen.get(cell, 0) + 1
    return [cell for cell, count in seen.items() if count > 1]


def _propagate(equations: list, domains: dict, passes: int = 1000) -> dict | None:
    """Narrows each cell's bounds by each equation until nothing changes; None when a cell has no value left."""
    for _pass in range(passes):
        changed = False
        for terms, constant in equations:
            for cell, coefficient in terms.items():
                rest_low = rest_high = 0
                for other, c in terms.items():
                    if other != cell:
                        low, high = domains[other]
                        rest_low += min(c * low, c * high)
                        rest_high += max(c * low, c * high)
                # coefficient * cell = constant - rest
                low, high = constant - rest_high, constant - rest_low
                if coefficient < 0:
                    low, high = -high, -low
                low = low / abs(coefficient) if low not in (math.inf, -math.inf) else low
                high = high / abs(coefficient) if high not in (math.inf, -math.inf) else high
                current = domains[cell]
                new = (max(current[0], math.ceil(low) if low != -math.inf else current[0]),
                       min(current[1], math.floor(high) if high != math.inf else current[1]))  # fmt: skip
                if new[0] > new[1]:
                    return None
                if new != current:
                    domains[cell] = new
                    changed = True
        if not changed:
            break
    return domains


# --- The defence ----------------------------------------------------------------------------------


def protect(tables: list[Table], values: dict, *, min_cell: int) -> Protection:
    """The cells to hide so that no hidden cell of ``tables`` can be recovered from what is shown.

    Parts of 1 to ``min_cell - 1`` are hidden first. Then, until the attacker finds nothing, a
    relation with a recoverable cell (or with a single hidden part) hides its smallest part still
    shown (not 0: a 0 is published as 0); a relation with nothing left to hide is withheld.
    """
    protection = Protection()
    if min_cell <= 1:
        return protection
    for table in tables:
        for part in table.parts:
            if 1 <= values[part] < min_cell:
                protection.hidden[part] = SMALL
    for table in tables:
        if sum(part in protection.hidden for part in table.parts) == 1:
            _hide_more(table, values, protection)
    while recovered := recoverable_cells(published_view(tables, values, protection, min_cell=min_cell)):
        to_protect = _tables_with(tables, recovered, protection)
        if not to_protect:  # only parts are ever hidden, so a recovered cell is always some table's part
            raise ValueError(f"no published table has the recovered cells {sorted(map(repr, recovered))}")
        for table in to_protect:
            _hide_more(table, values, protection)
    return protection


def _tables_with(tables: list[Table], cells: Iterable, protection: Protection) -> list[Table]:
    """One table still published for each recovered cell (the first that has it as a part)."""
    chosen = {}
    for cell in cells:
        table = next((t for t in tables if t.key not in protection.withheld and cell in t.parts), None)
        if table is not None:
            chosen[table.key] = table
    return list(chosen.values())


def _hide_more(table: Table, values: dict, protection: Protection) -> None:
    shown = [part for part in table.parts if part not in protection.hidden and values[part] > 0]
    if shown:
        protection.hidden[min(shown, key=lambda part: (values[part], repr(part)))] = HIDDEN
    else:
        protection.withheld.add(table.key)


def published_view(tables: list[Table], values: dict, protection: Protection, *, min_cell: int) -> Published:
    """What the public sees of ``values`` under ``protection``: numbers, bounds of hidden cells, relations."""
    withheld = {part for table in tables if table.key in protection.withheld for part in table.parts}
    cells = {}
    for cell, value in values.items():
        if cell in withheld:
            continue
        state = protection.hidden.get(cell)
        if state == SMALL:
            cells[cell] = Bounds(1, min_cell - 1)
        elif state == HIDDEN:
            cells[cell] = Bounds(min_cell)
        else:
            cells[cell] = value
    return Published(cells=cells, tables=[t for t in tables if t.key not in protection.withheld])


# --- The figures of a summary ---------------------------------------------------------------------


def figure_tables(figures: dict, *, percent: Iterable[str] = ()) -> tuple[list[Table], dict]:
    """The relations and cell values of a summary's stored figures (``summary.figures["figures"]``).

    Cells are ``(figure, "", "total")``, ``(figure, "", part)`` and ``(figure, breakdown, code)``. A
    breakdown adds up to the figure's total, or to one of its parts (the graduates of the LPK
    enrolment add up to its "graduates"); the sum decides which. A breakdown that adds up to
    neither is still protected on its own, as if it added up to a published number.
    """
    percent = set(percent)
    tables, values = [], {}
    for key, value in figures.items():
        if not isinstance(value, dict):
            continue
        named = {"total": value.get("total")} if key not in percent else {}
        named |= {name: n for name, n in value.items() if name not in ("total", "by")}
        counts = {(key, "", name): n for name, n in named.items() if _is_count(name, n)}
        values |= counts
        for breakdown, cells in (value.get("by") or {}).items():
            parts = tuple((key, breakdown, code) for code in cells)
            values |= {part: n or 0 for part, n in zip(parts, cells.values(), strict=True)}
            total = sum(n or 0 for n in cells.values())
            target = next((cell for cell, n in counts.items() if n == total), None)
            if target is None:
                target = (key, breakdown, None)
                values[target] = total  # not published, but an attacker might learn it: assume so
            tables.append(Table(key=(key, breakdown), total=target, parts=parts))
    return tables, values


def _is_count(name: str, n) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and not name.endswith("_rate")


def summary_protection(figures: dict, *, min_cell: int, percent: Iterable[str] = ()) -> Protection:
    tables, values = figure_tables(figures, percent=percent)
    return protect(tables, values, min_cell=min_cell)


def cache_key(figures: dict, *, min_cell: int) -> str:
    """A key that changes with the figures themselves, so a cached protection always fits them."""
    digest = hashlib.sha256(json.dumps(figures, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"disclosure:v{VERSION}:{min_cell}:{digest}"

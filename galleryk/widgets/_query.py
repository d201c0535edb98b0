"""The grid's filter: a pandas query checked against a small grammar, then run on the rows.

``DataFrame.query`` can call any method of any object it reaches, so a query typed into an
app's text box would let whoever sees the page run code in the kernel (Voilà, Binder). The
filter therefore accepts only what selecting photos needs: the rows' columns, constants,
comparisons, ``and``/``or``/``not`` (and ``&``, ``|``, ``~``), arithmetic, and a list of
read-only methods (``str.contains``, ``dt.year``, ``isin``, ...). What passes is handed to
``DataFrame.eval(engine="python")``. List columns (tags, keywords) are matched as their
items joined by spaces, so ``tags.str.contains('sea')`` means what it says; a missing value
never matches.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

ACCESSORS = frozenset({"str", "dt"})
METHODS = frozenset(
    {
        # Series
        "isin", "isna", "notna", "isnull", "notnull", "between", "abs", "round", "fillna",
        # .str
        "contains", "startswith", "endswith", "match", "fullmatch", "lower", "upper", "casefold",
        "strip", "lstrip", "rstrip", "len", "count", "find", "isdigit", "isalpha", "isnumeric",
        "isspace", "islower", "isupper", "slice",
        # .dt
        "year", "month", "day", "hour", "minute", "second", "date", "weekday", "dayofweek",
        "day_of_week", "dayofyear", "day_of_year", "quarter", "normalize", "month_name", "day_name",
    }
)  # fmt: skip
"""Attribute names a filter may use after ``column.``, ``column.str.`` or ``column.dt.``."""
KEYWORDS = frozenset({"case", "na", "regex", "inclusive", "start", "stop", "step", "value"})
"""Keyword arguments a filter's method calls may pass."""

_BOOL_OPS = (ast.And, ast.Or)
_UNARY_OPS = (ast.Not, ast.USub, ast.UAdd, ast.Invert)
_BIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.BitAnd, ast.BitOr, ast.BitXor)
_COMPARE_OPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
_BACKTICK = re.compile(r"`([^`]*)`")
_LISTS = (list, tuple, set, frozenset)


class _Checker(ast.NodeVisitor):
    """Walks a parsed filter and raises ValueError at the first thing the grammar does not allow."""

    def __init__(self, columns: Iterable[str], quoted: dict[str, str]) -> None:
        self.columns = set(columns)
        self.quoted = quoted

    def generic_visit(self, node: ast.AST) -> None:
        raise ValueError(f"{_describe(node)} is not allowed in a filter")

    def visit_Expression(self, node: ast.Expression) -> None:
        self.visit(node.body)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._op(node.op, _BOOL_OPS)
        for value in node.values:
            self.visit(value)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        self._op(node.op, _UNARY_OPS)
        self.visit(node.operand)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self._op(node.op, _BIN_OPS)
        self.visit(node.left)
        self.visit(node.right)

    def visit_Compare(self, node: ast.Compare) -> None:
        for op in node.ops:
            self._op(op, _COMPARE_OPS)
        self.visit(node.left)
        for value in node.comparators:
            self.visit(value)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, (str, int, float, bool, type(None))):
            raise ValueError(f"the constant {node.value!r} is not allowed in a filter")

    def visit_List(self, node: ast.List) -> None:
        for value in node.elts:
            self.visit(value)

    def visit_Tuple(self, node: ast.Tuple) -> None:
        for value in node.elts:
            self.visit(value)

    def visit_Name(self, node: ast.Name) -> None:
        name = self.quoted.get(node.id, node.id)
        if name not in self.columns and name != "index":
            shown = ", ".join(sorted(self.columns)) or "none"
            raise ValueError(f"there is no column {name!r} (the columns are: {shown})")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr not in ACCESSORS and node.attr not in METHODS:
            raise ValueError(f"'.{node.attr}' is not allowed in a filter; it may use {_allowed()}")
        self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Attribute):
            raise ValueError(f"calling {_describe(node.func)} is not allowed in a filter; it may use {_allowed()}")
        self.visit(node.func)
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            if keyword.arg not in KEYWORDS:
                raise ValueError(f"the argument {keyword.arg}= is not allowed in a filter")
            self.visit(keyword.value)

    def visit_Subscript(self, node: ast.Subscript) -> None:  # title.str[0], title.str[:3]
        self.visit(node.value)
        self.visit(node.slice)

    def visit_Slice(self, node: ast.Slice) -> None:
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                self.visit(part)

    @staticmethod
    def _op(op: ast.AST, allowed: tuple) -> None:
        if not isinstance(op, allowed):
            raise ValueError(f"the operator {type(op).__name__} is not allowed in a filter")


def _describe(node: ast.AST) -> str:
    try:
        return repr(ast.unparse(node))
    except Exception:  # an operator node has no source form
        return type(node).__name__


def _allowed() -> str:
    return "the columns with .str, .dt and read-only methods such as .isin, .between, .str.contains, .dt.year"


def check(text: str, columns: Iterable[str]) -> str:
    """``text`` stripped, if it is a filter the grammar allows over ``columns``; ValueError saying why not."""
    text = text.strip()
    quoted: dict[str, str] = {}

    def placeholder(match: re.Match) -> str:
        name = f"gk_backtick_{len(quoted)}"
        quoted[name] = match.group(1)
        return name

    plain = _BACKTICK.sub(placeholder, text)
    try:
        tree = ast.parse(plain, mode="eval")
    except SyntaxError as exc:
        where = f" at character {exc.offset}" if exc.offset else ""
        raise ValueError(f"the filter is not a valid expression{where}: {exc.msg}") from None
    _Checker([str(c) for c in columns], quoted).visit(tree)
    return text


def matching(rows: pd.DataFrame, text: str) -> pd.Series:
    """A boolean mask of the ``rows`` that ``text`` matches (checked first; missing values never match)."""
    text = check(text, rows.columns)
    frame = _searchable(rows)
    try:
        mask = frame.eval(text, engine="python", local_dict={}, global_dict={})
    except Exception as exc:  # pandas' own message says what went wrong with the data
        raise ValueError(f"the filter failed on these rows: {type(exc).__name__}: {exc}") from None
    if not isinstance(mask, pd.Series) or len(mask) != len(rows) or not _is_boolean(mask):
        raise ValueError(
            "the filter must be true or false for each photo (a comparison such as taken.dt.year == 2024), "
            f"not {type(mask).__name__ if not isinstance(mask, pd.Series) else str(mask.dtype) + ' values'}"
        )
    return pd.Series(mask.astype("boolean").fillna(False).to_numpy(dtype=bool), index=rows.index)


def _is_boolean(mask: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(mask.dtype):
        return True
    return mask.dtype == object and all(isinstance(v, (bool, np.bool_)) for v in mask.dropna())


def _searchable(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with list-valued columns turned into text (their items joined by spaces)."""
    out = rows
    for name in rows.columns:
        column = rows[name]
        if column.dtype == object and any(isinstance(v, _LISTS) for v in column.dropna().iloc[:20]):
            if out is rows:
                out = rows.copy(deep=False)
            out[name] = column.map(lambda v: " ".join(map(str, v)) if isinstance(v, _LISTS) else v).astype("string")
    return out

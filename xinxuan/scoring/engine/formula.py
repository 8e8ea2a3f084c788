"""A tiny, safe arithmetic language for converting scores (never ``eval``).

Allowed: decimal numbers, named variables, ``+ - * /``, unary minus, parentheses,
``min(…)`` and ``max(…)``. Everything else is rejected when the rule set loads.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation


class FormulaError(ValueError):
    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(message_en)


_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
# A conversion formula is a line; a longer one could only be meant to exhaust the
# parser (each nested operator is a level of recursion).
MAX_LENGTH = 500
MAX_CONSTANT = Decimal(1_000_000)


class Formula:
    """A parsed formula; ``evaluate`` takes Decimal variables."""

    def __init__(self, source: str, variables: frozenset[str]) -> None:
        self.source = source
        if len(source) > MAX_LENGTH:
            raise FormulaError(
                f"公式过长：至多 {MAX_LENGTH} 个字符",
                f"formula too long: at most {MAX_LENGTH} characters",
            )
        try:
            with warnings.catch_warnings():  # "invalid decimal literal" is refused below
                warnings.simplefilter("ignore", SyntaxWarning)
                tree = ast.parse(source.strip(), mode="eval")
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            # a NUL byte is a ValueError, not a SyntaxError, before Python 3.12
            msg = getattr(exc, "msg", None) or str(exc)
            raise FormulaError(f"公式语法错误：{msg}", f"formula syntax error: {msg}") from None
        self._check(tree.body, variables)
        self._tree = tree.body

    def _check(self, node: ast.expr, variables: frozenset[str]) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
            self._check(node.left, variables)
            self._check(node.right, variables)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            self._check(node.operand, variables)
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            number = Decimal(str(node.value))
            if not number.is_finite() or abs(number) > MAX_CONSTANT:
                raise FormulaError(
                    f"公式中的数 {number} 超出范围（绝对值至多 {MAX_CONSTANT}）",
                    f"the number {number} is out of range (at most {MAX_CONSTANT} either way)",
                )
        elif isinstance(node, ast.Name):
            if node.id not in variables:
                known = "、".join(sorted(variables))
                raise FormulaError(
                    f"未知变量 {node.id}（可用：{known}）",
                    f"unknown variable {node.id} (known: {', '.join(sorted(variables))})",
                )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("min", "max")
            and not node.keywords
            and len(node.args) >= 2
        ):
            for arg in node.args:
                self._check(arg, variables)
        else:
            raise FormulaError(
                "公式只能使用数字、变量、+ - * /、括号、min()、max()",
                "a formula may use only numbers, variables, + - * /, parentheses, min() and max()",
            )

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        try:
            return self._eval(self._tree, values)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            return Decimal(0)

    def _eval(self, node: ast.expr, values: Mapping[str, Decimal]) -> Decimal:
        if isinstance(node, ast.BinOp):
            left = self._eval(node.left, values)
            right = self._eval(node.right, values)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        if isinstance(node, ast.UnaryOp):
            value = self._eval(node.operand, values)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Constant):
            # str() of the literal keeps 0.1 as written, not as a binary float
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return values[node.id]
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        args = [self._eval(arg, values) for arg in node.args]
        return min(args) if node.func.id == "min" else max(args)

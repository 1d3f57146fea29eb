"""What the source-scanning tests share: which string constants of a module are docstrings
(they may quote examples; the scans look at everything else)."""

from __future__ import annotations

import ast


def docstrings(tree: ast.AST) -> set[int]:
    """The ``id`` of every docstring constant in ``tree`` (module, class and function)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out

"""Every message a person can see from a `flash()`, an `abort()` or a domain error goes through the translation
functions: a plain string would reach an Indonesian reader in English (the catalog test cannot see it, because
pybabel only extracts what is wrapped)."""

import ast
import inspect
from pathlib import Path

import pytest

from app.core.errors import DomainError

APP = Path(__file__).resolve().parents[2] / "app"
TRANSLATORS = {"_", "_l", "gettext", "ngettext", "lazy_gettext", "lazy_ngettext", "pgettext", "npgettext"}


def _subclasses(cls: type) -> set[str]:
    """DomainError and its subclasses whose first argument is the message (others build their own)."""
    parameters = inspect.signature(cls.__init__).parameters
    found = {cls.__name__} if "message" in parameters else set()
    for sub in cls.__subclasses__():
        found |= _subclasses(sub)
    return found


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class Checker:
    """Decides whether an expression is a translated text, following names to their assignments, parameters to the
    arguments of every call of their function (anywhere in the app), and helper functions to what they return."""

    def __init__(self, trees: list[ast.Module]):
        self.functions: dict[str, ast.FunctionDef] = {}
        self.calls: dict[str, list[ast.Call]] = {}
        self.parents: dict[ast.AST, ast.AST] = {}
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef):
                    self.functions.setdefault(node.name, node)
                if isinstance(node, ast.Call) and _name(node.func):
                    self.calls.setdefault(_name(node.func), []).append(node)
                for child in ast.iter_child_nodes(node):
                    self.parents[child] = node

    def scope(self, node: ast.AST) -> ast.AST:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.Module):
                return node
        return node

    def argument_ok(self, function: ast.FunctionDef, parameter: str, seen: frozenset) -> bool:
        names = [a.arg for a in function.args.args]
        calls = self.calls.get(function.name, [])
        for call in calls:
            passed = [k.value for k in call.keywords if k.arg == parameter]
            if not passed and parameter in names and names.index(parameter) < len(call.args):
                passed = [call.args[names.index(parameter)]]
            for value in passed:
                if not (isinstance(value, ast.Constant) and value.value is None) and not self.translated(value, seen):
                    return False
        return bool(calls)

    def translated(self, node: ast.AST, seen: frozenset = frozenset()) -> bool:
        if node in seen:
            return True  # a cycle: judged by its other paths
        seen = seen | {node}
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in TRANSLATORS:
                return True
            if name == "str" and node.args:
                return self.translated(node.args[0], seen)
            scope = self.scope(node)
            if isinstance(node.func, ast.Name) and isinstance(scope, ast.FunctionDef) and name in [
                    a.arg for a in scope.args.args + scope.args.kwonlyargs]:
                return self.argument_ok(scope, name, seen)  # a message function passed in (a lambda)
            function = self.functions.get(name or "")
            if function is not None:
                returns = [r.value for r in ast.walk(function) if isinstance(r, ast.Return) and r.value is not None
                           and not (isinstance(r.value, ast.Constant) and r.value.value is None)]
                return bool(returns) and all(self.translated(r, seen) for r in returns)
            return False
        if isinstance(node, ast.Attribute) and node.attr == "message":
            return True  # a DomainError's message: its construction is checked too
        if isinstance(node, ast.Lambda):
            return self.translated(node.body, seen)
        if isinstance(node, ast.IfExp):
            return self.translated(node.body, seen) and self.translated(node.orelse, seen)
        if isinstance(node, ast.Name):
            scope = self.scope(node)
            parameters = [a.arg for a in scope.args.args + scope.args.kwonlyargs] if isinstance(
                scope, ast.FunctionDef) else []
            if node.id in parameters:
                return self.argument_ok(scope, node.id, seen)
            assigned = [a.value for a in ast.walk(scope) if isinstance(a, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)]
            if not assigned and isinstance(scope, ast.FunctionDef):  # a module-level constant
                assigned = [a.value for a in ast.walk(self.scope(scope)) if isinstance(a, ast.Assign)
                            and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)]
            return bool(assigned) and all(self.translated(value, seen) for value in assigned)
        return False


def untranslated_messages() -> list[str]:
    import app.models  # noqa: F401  (every domain imported, so every DomainError subclass is known)

    error_classes = _subclasses(DomainError)
    found = []
    trees = {path: ast.parse(path.read_text(), str(path)) for path in sorted(APP.rglob("*.py"))}
    checker = Checker(list(trees.values()))
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name == "flash" and node.args:
                message = node.args[0]
            elif name == "abort" and len(node.args) > 1:
                message = node.args[1]
            elif name in error_classes and node.args:
                message = node.args[0]
            else:
                continue
            if not checker.translated(message):
                found.append(f"{path.relative_to(APP.parent)}:{node.lineno} {ast.unparse(node)[:90]}")
    return found


def test_every_flash_abort_and_domain_error_message_is_translatable():
    assert untranslated_messages() == []


@pytest.mark.parametrize("source", [
    'flash("Saved.", "success")',
    'abort(400, "Bad step")',
    'raise NotAllowed("You cannot.")',
    'message = f"{n} saved"\nflash(message)',
])
def test_the_check_finds_a_plain_string(tmp_path, monkeypatch, source):
    planted = tmp_path / "app"
    planted.mkdir()
    (planted / "planted.py").write_text(f"def view(n):\n    {source.replace(chr(10), chr(10) + '    ')}\n")
    monkeypatch.setitem(globals(), "APP", planted)
    assert len(untranslated_messages()) == 1

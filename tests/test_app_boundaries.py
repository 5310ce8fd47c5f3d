"""Apps use each other only through services (writes) and selectors (reads): read from the code, not trusted."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("configurator", "customers", "production", "stores")
DOORS = ("services", "selectors")  # what one app may import from another


def is_type_checking_block(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:`: imports for annotations only, never run."""
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING"))


def imported_modules(tree: ast.AST):
    """(line, dotted module) of every import that runs, `from a import b` giving `a.b` for each name."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if is_type_checking_block(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))


def crossings(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:  # generated, and they name models by string
            continue
        for line, module in imported_modules(ast.parse(path.read_text(), filename=str(path))):
            parts = module.split(".")
            if parts[0] in APPS and parts[0] != app and (len(parts) < 2 or parts[1] not in DOORS):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("app", APPS)
def test_an_app_reaches_another_only_through_its_services_and_selectors(app):
    assert crossings(app) == []


def test_the_check_sees_a_crossing(tmp_path):
    # the parser catches each form of import that crosses, and lets the doors and annotation-only imports pass
    code = ("import customers.models\nfrom customers.models import Customer\nfrom customers import roles\n"
            "from customers.services import feet_validate\nfrom customers import selectors\n"
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from customers.models import MeasurementSet\n"
            "def later():\n    from customers.tasks import scan_process_task\n")
    modules = [module for _, module in imported_modules(ast.parse(code))]
    crossing = [m for m in modules if m.split(".")[0] == "customers" and m.split(".")[1] not in DOORS]
    assert sorted(crossing) == ["customers.models", "customers.models.Customer", "customers.roles",
                                "customers.tasks.scan_process_task"]

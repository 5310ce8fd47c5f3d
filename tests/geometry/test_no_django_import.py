import pkgutil
import subprocess
import sys
from pathlib import Path

import geometry

ROOT = Path(__file__).resolve().parents[2]


def test_every_geometry_module_imports_without_django():
    # given a fresh interpreter, when every module of the geometry package is imported
    modules = sorted(m.name for m in pkgutil.walk_packages(geometry.__path__, prefix="geometry."))
    assert len(modules) > 20, modules  # the walk found the package's modules, not an empty folder
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework', 'celery',"
            " 'channels', 'configurator', 'customers', 'production'))\n"
            "assert not leaked, leaked\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    # then neither Django nor any app was imported
    assert result.returncode == 0, result.stderr


def test_geometry_reads_no_environment_variable():
    # the apps pass settings in as arguments; the library itself never looks at the environment
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "geometry").rglob("*.py")
                 if "os.environ" in path.read_text() or "getenv" in path.read_text()]
    assert offenders == []


def test_configurator_package_init_is_empty():
    assert (ROOT / "configurator" / "__init__.py").read_text().strip() == ""

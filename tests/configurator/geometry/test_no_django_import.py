import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_geometry_imports_without_django():
    # given a fresh interpreter, when the geometry package (and every module) is imported
    code = ("import sys; import configurator.geometry as g; "
            "import configurator.geometry.registry, configurator.geometry.render, configurator.geometry.export; "
            "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    # then Django was never imported
    assert result.returncode == 0, result.stderr


def test_configurator_package_init_is_empty():
    assert (ROOT / "configurator" / "__init__.py").read_text().strip() == ""

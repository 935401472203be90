"""
Apps depend one way only: sendhub <- pupils <- provision <- reviews <- reports, with the
parent portal, privacy (subject access and retention) and the demo seed on top. A lower app reaches a higher one only through a
URL name looked up at run time (or a hook the higher app registers in its ready()).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["sendhub", "pupils", "provision", "reviews", "reports", "portal", "privacy", "demo"]
# The project's configuration names every app by design.
CONFIGURATION = {"sendhub/settings.py", "sendhub/urls.py", "sendhub/wsgi.py", "sendhub/asgi.py"}


def imported_apps(source):
    """The first-party apps a module's source imports, at any depth in the module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                yield top


def upward_imports(app, relative_path, source):
    """(module, imported app) for each import of an app above `app`."""
    rank = LAYERS.index(app)
    return [(relative_path, other) for other in imported_apps(source) if LAYERS.index(other) > rank]


def test_no_app_imports_an_app_above_it():
    found = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in CONFIGURATION:
                found += upward_imports(app, relative, path.read_text())
    assert found == []


def test_an_upward_import_is_caught_even_inside_a_function():
    source = "def tiles():\n    from reviews.models import SupportPlan\n    return SupportPlan\n"
    assert upward_imports("pupils", "pupils/x.py", source) == [("pupils/x.py", "reviews")]


def test_imports_downward_and_within_an_app_are_allowed():
    source = "from sendhub.models import School\nimport pupils.codes\nfrom . import views\n"
    assert upward_imports("pupils", "pupils/x.py", source) == []


def test_every_app_is_in_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)

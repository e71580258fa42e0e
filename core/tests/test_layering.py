"""The house's import direction (ARCHITECTURE.md): galdash → graphics → tournaments → config →
accounts → realtime → core. A module imports only from its own app or from apps below it, and
never another app's models (selectors and services are the way in)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ["core", "realtime", "accounts", "config", "tournaments", "graphics", "galdash"]


def _modules():
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield app, path


def _imported(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # Each name with its module: `from tournaments import models` is tournaments.models.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _wrong_imports(modules):
    for app, path in modules:
        for module in _imported(path):
            target = module.split(".")[0]
            if target not in FLOORS or target == app:
                continue
            where = f"{app}/{path.name} imports {module}"
            if FLOORS.index(target) > FLOORS.index(app):
                yield f"{where} (an app above it)"
            elif module.split(".")[1:2] == ["models"]:
                yield f"{where} (another app's models)"


def test_apps_import_only_downward_and_never_another_apps_models():
    assert list(_wrong_imports(_modules())) == []


def test_the_check_reports_an_upward_import_and_a_reach_into_models(tmp_path):
    # Positive control: the same check on two modules that break each rule.
    upward, reach = tmp_path / "upward.py", tmp_path / "reach.py"
    upward.write_text("from graphics import services\n")
    reach.write_text("from tournaments.models import Tournament\nfrom tournaments import selectors\n"
                     "from accounts import models\nimport config.models\n")

    found = list(_wrong_imports([("accounts", upward), ("graphics", reach)]))

    assert found == ["accounts/upward.py imports graphics.services (an app above it)",
                     "graphics/reach.py imports tournaments.models.Tournament (another app's models)",
                     "graphics/reach.py imports accounts.models (another app's models)",
                     "graphics/reach.py imports config.models (another app's models)"]

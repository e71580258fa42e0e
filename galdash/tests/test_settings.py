from galdash.settings import read_environment


def test_process_environment_beats_env_local_which_beats_env(tmp_path):
    (tmp_path / ".env").write_text("A=from-env\nB=from-env\nC=from-env\n")
    (tmp_path / ".env.local").write_text("B=from-local\nC=from-local\n")

    merged = read_environment(tmp_path, {"C": "from-process"})

    assert merged["A"] == "from-env"
    assert merged["B"] == "from-local"
    assert merged["C"] == "from-process"


def test_missing_files_are_fine(tmp_path):
    assert read_environment(tmp_path, {"X": "1"}) == {"X": "1"}


def test_the_suite_ignores_dotenv_files(tmp_path):
    (tmp_path / ".env").write_text("SECRET=leaked\n")

    merged = read_environment(tmp_path, {"GALDASH_IGNORE_DOTENV": "1"})

    assert "SECRET" not in merged


def test_missing_secret_key_without_debug_stops_start_up(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.SECRET_KEY"],
        env={"DJANGO_SETTINGS_MODULE": "galdash.settings", "GALDASH_IGNORE_DOTENV": "1",
             "DEBUG": "false", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, cwd=str(__import__("galdash").settings.BASE_DIR),
    )

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr

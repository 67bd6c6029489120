"""The production profile refuses insecure settings; with good ones ``check --deploy`` is clean."""

import os
import subprocess
import sys

import pytest

GOOD = {
    "BANGFU_ENV": "production",
    "SECRET_KEY": "q7Vb2xN9kLm4Rt8Wp3Zc6Hy1Js5Df0Ga-Ue_Io9Qw2Er4Ty6Ui8Op0As",
    "BANGFU_PII_KEY": "Zr4Xe8Tq1Wb6Ny3Mk9Lp2Hs7Vd5Cf0Gj-Ao_Ui3Pl5Ok7Ij9Uh1Yg2Tf",
    "ALLOWED_HOSTS": "bangfu.example.gov.cn",
    "DATABASE_URL": "postgres://bangfu@127.0.0.1:5432/bangfu",
}


def check(env_overrides, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD and k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-m", "bangfu.cli", "check", "--deploy", "--fail-level", "WARNING", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_with_good_settings_passes_check_deploy():
    result = check(GOOD)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"BANGFU_PII_KEY": None}, "BANGFU_PII_KEY must be set"),
        ({"DATABASE_URL": None}, "DATABASE_URL must be set"),
        ({"SECRET_KEY": "short"}, "bangfu.E003"),
        ({"DEBUG": "1"}, "bangfu.E001"),
        ({"ALLOWED_HOSTS": "*"}, "bangfu.E002"),
    ],
)
def test_production_refuses_insecure_settings(override, message):
    env = {**GOOD, **override}
    result = check(env)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr

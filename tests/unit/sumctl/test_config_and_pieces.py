"""Configuration precedence, and the small pure pieces: bars, DSN secrets, manifest checks."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sumctl import manifest as mf
from sumctl.config_file import add_client_flags, resolve
from sumctl.exit_codes import USAGE, CliError
from sumctl.pg_tools import split_password
from sumctl.progress import Display, Pipeline, Transfer, bar, human_bytes


def flags(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_client_flags(parser)
    return parser.parse_args(list(argv))


def test_flags_beat_environment_beat_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    (tmp_path / "key").write_text("sum_from_key_file\n")
    config.write_text('gateway_url = "https://file.example"\napi_key_file = "key"\ntimeout = 5\n')
    env = {"SUM_CONFIG": str(config)}
    from_file = resolve(flags(), env)
    assert (from_file.gateway_url, from_file.api_key, from_file.timeout) == (
        "https://file.example",
        "sum_from_key_file",  # relative to the config file's directory
        5.0,
    )
    env |= {"SUM_GATEWAY_URL": "https://env.example/", "SUM_API_KEY": "sum_env"}
    from_env = resolve(flags(), env)
    assert (from_env.gateway_url, from_env.api_key) == ("https://env.example", "sum_env")
    from_flags = resolve(flags("--url", "https://flag.example", "--api-key", "sum_flag"), env)
    assert (from_flags.gateway_url, from_flags.api_key) == ("https://flag.example", "sum_flag")
    assert "sum_flag" not in repr(from_flags), "the key never shows in a repr"


def test_defaults_without_any_configuration(tmp_path: Path) -> None:
    config = resolve(flags(), {"XDG_CONFIG_HOME": str(tmp_path)})  # no file there: optional
    assert (config.gateway_url, config.api_key) == ("http://127.0.0.1:5001", None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("gateway_url = ", "not valid TOML"),
        ('gateway = "http://x"', "unknown key 'gateway'"),
        ("timeout = true", "wrong type"),
        ('gateway_url = "ftp://x"', "must look like http(s)://host"),
    ],
)
def test_bad_config_files_are_usage_errors(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(content)
    with pytest.raises(CliError) as error:
        resolve(flags(), {"SUM_CONFIG": str(config)})
    assert error.value.code == USAGE and message in error.value.message


def test_a_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(CliError, match="does not exist"):
        resolve(flags(), {"SUM_CONFIG": str(tmp_path / "missing.toml")})


def test_world_readable_key_in_config_warns(tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text('api_key = "sum_secret"\n')
    os.chmod(config, 0o644)
    resolve(flags(), {"SUM_CONFIG": str(config)})
    assert "others can read it" in capsys.readouterr().err


def test_key_over_plain_http_to_a_remote_host_warns(capsys) -> None:
    resolve(flags("--url", "http://sum.example.org", "--api-key", "k"), {"SUM_CONFIG": os.devnull})
    assert "unencrypted" in capsys.readouterr().err
    resolve(flags("--url", "http://127.0.0.1:5001", "--api-key", "k"), {"SUM_CONFIG": os.devnull})
    assert capsys.readouterr().err == ""


def test_bars_and_sizes() -> None:
    assert bar(0, 10, width=4) == "[----]   0%"
    assert bar(5, 10, width=4) == "[##--]  50%"
    assert bar(3, 0, width=4) == "[####] 100%"
    assert (human_bytes(999), human_bytes(1500), human_bytes(2_500_000)) == (
        "999 B",
        "1.5 KB",
        "2.5 MB",
    )


def test_password_goes_to_the_environment_not_the_command_line() -> None:
    bare, env = split_password("postgresql://sum:p%40ss@db:5432/sum?sslmode=require")
    assert bare == "postgresql://sum@db:5432/sum?sslmode=require"
    assert env == {"PGPASSWORD": "p@ss"}
    assert split_password("postgresql://postgres@127.0.0.1/sum") == (
        "postgresql://postgres@127.0.0.1/sum",
        {},
    )


def test_object_file_names_are_flat_and_safe() -> None:
    assert mf.object_path("default/1234") == "objects/default%2F1234"
    assert mf.object_path("..") == "objects/sha256-" + hashlib.sha256(b"..").hexdigest()
    assert len(mf.object_path("t/" + "x" * 400)) < 100


def test_verify_reports_missing_changed_and_escaping_files(tmp_path: Path) -> None:
    (tmp_path / "objects").mkdir()
    (tmp_path / "database.dump").write_bytes(b"dump")
    (tmp_path / "objects" / "a").write_bytes(b"aaaa")
    entry = mf.FileEntry(
        path="database.dump", size=4, sha256=mf.sha256_file(tmp_path / "database.dump")
    )
    now = datetime.now(UTC)
    manifest = mf.Manifest(
        format=mf.FORMAT, started_at=now, finished_at=now,
        versions=mf.Versions(sum="x", schema=1, migrations=[1], postgres="15", pg_dump="15",
                             nats_server="2.9"),
        source=mf.Source(namespace="sum", bucket="sum_uploads", database="sum"),
        counts=mf.Counts(documents=3, objects=3, object_bytes=12, in_flight=0,
                         unreferenced_objects=0),
        database=entry,
        objects=[
            mf.ObjectEntry(name="a", path="objects/a", size=4, sha256="0" * 64),
            mf.ObjectEntry(name="b", path="objects/b", size=4, sha256="0" * 64),
            mf.ObjectEntry(name="c", path="../../etc/passwd", size=4, sha256="0" * 64),
        ],
    )  # fmt: skip
    mf.write_manifest(tmp_path, manifest)
    problems = asyncio.run(mf.verify(tmp_path, mf.read_manifest(tmp_path)))
    assert problems == [
        "objects/a: SHA-256 does not match the manifest",
        "objects/b: missing",
        "../../etc/passwd: points outside the backup directory",
    ]


def test_a_directory_without_manifest_is_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(CliError, match="not a complete backup") as error:
        mf.read_manifest(tmp_path)
    assert error.value.code == 8


def test_display_redraws_its_lines_in_place() -> None:
    screen = io.StringIO()
    transfer, pipeline = Transfer(total_bytes=100, total_files=2), Pipeline(total=2)
    show = Display(transfer, pipeline, stream=screen, enabled=True)
    show.update(force=True)
    transfer.sent_bytes, transfer.done_files, pipeline.processed = 100, 2, 2
    show.close()
    first, second = screen.getvalue().split("\x1b[2F")  # back up two lines before redrawing
    assert "upload   [" in first and "0/2 files" in first and "0/2 processed" in first
    assert "100%" in second and "2/2 files" in second and "2/2 processed" in second
    assert not Display(transfer, stream=io.StringIO()).enabled, "no bars when not a terminal"

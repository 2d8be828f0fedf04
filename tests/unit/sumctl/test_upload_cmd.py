"""``sumctl upload`` against a stub gateway served on a real local port."""

from __future__ import annotations

from pathlib import Path

from sumctl.multipart_body import content_type_of
from sumctl.upload import collect
from tests.unit.sumctl.conftest import json_of
from tests.unit.sumctl.stub_gateway import Stub


def make_tree(root: Path) -> Path:
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "a.txt").write_text("alpha " * 5000)  # several chunks
    (root / "docs" / "sub" / "b.md").write_text("# beta")
    (root / "docs" / "c.bin").write_bytes(b"\x00\x01")  # unsupported: skipped
    (root / "docs" / ".secret.txt").write_text("hidden: never sent")
    return root / "docs"


def test_directory_upload_waits_and_reports_every_file(sumctl, stub: Stub, tmp_path) -> None:
    docs = make_tree(tmp_path)
    code, out, err = sumctl("upload", str(docs), "--url", stub.url, "--wait", "--json")
    report = json_of(out)
    assert code == 0, err
    assert sorted(Path(d["path"]).name for d in report["documents"]) == ["a.txt", "b.md"]
    assert [Path(p).name for p in report["skipped"]] == ["c.bin"]
    assert all(d["status"] == "processed" for d in report["documents"])
    by_name = {d["filename"]: d for d in stub.documents.values()}
    assert set(by_name) == {"a.txt", "b.md"}
    assert by_name["a.txt"]["size"] == 30000, "the whole file arrived"
    assert report["totals"] == {"files": 2, "bytes": 30006, "processed": 2}


def test_rejected_and_failed_documents_make_exit_code_1(sumctl, stub: Stub, tmp_path) -> None:
    (tmp_path / "good.txt").write_text("fine")
    (tmp_path / "bad.txt").write_text("this one will fail in the processor")
    (tmp_path / "tool.exe").write_bytes(b"MZ")
    code, out, _ = sumctl(
        "upload", *(str(tmp_path / n) for n in ("good.txt", "bad.txt", "tool.exe")),
        "--url", stub.url, "--wait",
    )  # fmt: skip
    assert code == 1
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith(str(tmp_path))}
    assert " processed " in lines[str(tmp_path / "good.txt")]
    assert "processor: boom" in lines[str(tmp_path / "bad.txt")]
    assert "415 Unsupported document type" in lines[str(tmp_path / "tool.exe")]
    assert "3 file(s)" in out


def test_api_key_is_sent_as_bearer_and_refusal_is_exit_3(
    sumctl, stub: Stub, tmp_path, monkeypatch
) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    stub.api_key = "sum_right"
    monkeypatch.setenv("SUM_GATEWAY_URL", stub.url)
    monkeypatch.setenv("SUM_API_KEY", "sum_wrong")
    code, out, err = sumctl("upload", str(tmp_path / "a.txt"), "--json")
    assert code == 3 and "refused the API key" in err
    assert json_of(out)["exit_code"] == 3
    assert "sum_wrong" not in out + err, "the key is never printed"

    key_file = tmp_path / "key"
    key_file.write_text("sum_right\n")
    code, _, err = sumctl("upload", str(tmp_path / "a.txt"), "--api-key-file", str(key_file))
    assert code == 0, err
    assert stub.authorizations[-1] == "Bearer sum_right"


def test_busy_gateway_is_retried(sumctl, stub: Stub, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    stub.busy_answers = 2
    code, out, err = sumctl("upload", str(tmp_path / "a.txt"), "--url", stub.url, "--json")
    assert code == 0, err
    assert json_of(out)["documents"][0]["status"] == "received"


def test_unreachable_gateway_is_exit_5(sumctl, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    code, _, err = sumctl("upload", str(tmp_path / "a.txt"), "--url", "http://127.0.0.1:9")
    assert code == 5 and "cannot reach the gateway" in err


def test_bad_paths_are_usage_errors_before_anything_is_sent(sumctl, stub: Stub, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    code, _, err = sumctl(
        "upload", str(tmp_path / "a.txt"), str(tmp_path / "nope"), "--url", stub.url
    )
    assert code == 2 and "no such file" in err
    assert stub.documents == {}
    (tmp_path / "empty").mkdir()
    code, _, err = sumctl("upload", str(tmp_path / "empty"), "--url", stub.url)
    assert code == 2 and "no documents to upload" in err


def test_every_suffix_the_gateway_accepts_is_collected(tmp_path) -> None:
    for name in ("notes.markdown", "page.htm", "plain.text", "skip.bin"):
        (tmp_path / name).write_text("x")
    files, skipped = collect([str(tmp_path)])
    assert sorted(f.name for f in files) == ["notes.markdown", "page.htm", "plain.text"]
    assert [s.name for s in skipped] == ["skip.bin"]
    assert content_type_of(tmp_path / "notes.markdown") == "text/markdown"
    assert content_type_of(tmp_path / "page.htm") == "text/html"

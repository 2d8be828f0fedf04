import pytest

from services.gateway.intake import InvalidFilename, MissingFilename, UnsupportedType
from services.gateway.intake.kind_rules import clean_filename, decide_kind


@pytest.mark.parametrize("name", [None, "", "   ", "/", "C:\\fakepath\\"])
def test_a_missing_file_name_is_a_400(name: str | None) -> None:
    with pytest.raises(MissingFilename) as caught:
        clean_filename(name)
    assert caught.value.status == 400
    assert caught.value.problem_type == "missing-filename"


def test_client_paths_are_reduced_to_the_base_name() -> None:
    assert clean_filename("C:\\fakepath\\report.pdf") == "report.pdf"
    assert clean_filename("../../etc/report.pdf") == "report.pdf"


def test_control_characters_in_a_file_name_are_refused() -> None:
    with pytest.raises(InvalidFilename):
        clean_filename("report\x00.pdf")


@pytest.mark.parametrize(
    ("name", "declared", "kind"),
    [
        ("a.PDF", None, "pdf"),
        ("notes.markdown", "text/plain", "md"),
        ("data.csv", "application/vnd.ms-excel", "csv"),
        ("data.csv", "text/csv; charset=utf-8", "csv"),
        ("page.htm", "application/octet-stream", "html"),
        ("letter.docx", "", "docx"),
        ("no-extension", "application/pdf", "pdf"),
    ],
)
def test_the_kind_comes_from_the_extension_and_agrees_with_the_declared_type(
    name: str, declared: str | None, kind: str
) -> None:
    assert decide_kind(name, declared) == kind


@pytest.mark.parametrize(
    ("name", "declared"),
    [
        ("setup.exe", None),
        ("archive.tar.gz", None),
        ("report.pdf", "text/plain"),
        ("data.csv", "image/png"),
        ("no-extension", "text/plain"),  # could be txt, md, csv or json
        ("no-extension", None),
    ],
)
def test_unknown_or_disagreeing_types_are_a_415(name: str, declared: str | None) -> None:
    with pytest.raises(UnsupportedType) as caught:
        decide_kind(name, declared)
    assert caught.value.status == 415
    assert caught.value.problem()["problem_type"] == "unsupported-type"

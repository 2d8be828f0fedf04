"""Real files of every accepted type through the running platform: text, three summary lengths,
keywords, clean failures for hostile files, and search over the result."""

from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

FILES = Path(__file__).resolve().parents[1] / "data" / "files"
EXPECTED_TEXT = {
    "solar.txt": "Photovoltaic panels convert sunlight directly into electricity",
    "solar.pdf": "Photovoltaic",
    "guide.md": "Solar panels convert sunlight into electricity",
    "storage.html": "Batteries store solar power for the evening.",
    "storage.docx": "Batteries store solar power for the evening.",
    "people.csv": "Alice",
    "report.json": "Panels",
    "german_utf16le.txt": "Stadt",
}
FAILING = {"image_only.pdf": "no extractable text", "encrypted.pdf": "encrypted"}


async def upload(client: httpx.AsyncClient, name: str) -> str:
    answer = await client.post("/v1/documents", files={"file": (name, (FILES / name).read_bytes())})
    assert answer.status_code in (200, 202), answer.text
    return str(answer.json()["id"])


async def test_every_type_is_understood_and_searchable(platform, database_url: str) -> None:
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=10) as client:
        ids = {name: await upload(client, name) for name in [*EXPECTED_TEXT, *FAILING]}

        async def settled() -> dict[str, dict] | None:
            views = {n: (await client.get(f"/v1/documents/{i}")).json() for n, i in ids.items()}
            done = all(v["status"] in ("processed", "failed") for v in views.values())
            return views if done else None

        views = await wait_for(settled, timeout=60, interval=0.25)

        for name, fragment in FAILING.items():
            assert views[name]["status"] == "failed", views[name]
            assert fragment in views[name]["failure_reason"], views[name]
            assert views[name]["failed_stage"] == "ingest"

        conn = await asyncpg.connect(database_url)
        try:
            for name, fragment in EXPECTED_TEXT.items():
                view = views[name]
                assert view["status"] == "processed", view
                text = await conn.fetchval(
                    "SELECT text FROM document_texts WHERE document_id = $1", view["id"]
                )
                assert fragment in " ".join(text.split()), (name, text[:300])
                assert set(view["summaries"]) >= {"short", "medium", "long"}
                assert view["summary"] and view["keywords"]
        finally:
            await conn.close()

        solar = views["solar.txt"]
        assert any("solar" in k["term"].lower() for k in solar["keywords"])
        sentences = solar["summaries"]["short"]
        assert (
            "Photovoltaic panels convert sunlight directly into electricity."
            in ((FILES / "solar.txt").read_text())
            and sentences
        )

        async def search(**params) -> httpx.Response:
            return await client.get("/v1/search", params=params)

        found = (await search(q="photovoltaic")).json()
        assert {r["id"] for r in found["results"]} >= {ids["solar.txt"], ids["solar.pdf"]}
        assert "<mark>" in found["results"][0]["snippet"]
        pdf_only = (await search(q="photovoltaic", type="pdf")).json()
        assert [r["id"] for r in pdf_only["results"]] == [ids["solar.pdf"]]
        phrase = (await search(q='"store solar power"')).json()
        assert {r["id"] for r in phrase["results"]} >= {ids["storage.html"], ids["storage.docx"]}
        prefix = (await search(q="photovolt*")).json()
        assert ids["solar.txt"] in {r["id"] for r in prefix["results"]}
        stemmed = (await search(q="battery")).json()
        assert ids["storage.html"] in {r["id"] for r in stemmed["results"]}

        first = (await search(q="solar", limit=1)).json()
        assert len(first["results"]) == 1 and first["next_cursor"]
        second = (await search(q="solar", limit=1, cursor=first["next_cursor"])).json()
        assert second["results"][0]["id"] != first["results"][0]["id"]

        for bad in ('"unclosed', "OR", "-only"):
            answer = await search(q=bad)
            assert answer.status_code == 400, bad
            assert answer.headers["content-type"].startswith("application/problem+json")
        assert (await search(q="solar", cursor="garbage!")).status_code == 400

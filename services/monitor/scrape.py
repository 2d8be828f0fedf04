"""Scraping the services' own /metrics: liveness, traffic, errors and DB pool use."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class ServiceSample:
    service: str
    up: bool
    requests: float = 0.0
    errors: float = 0.0
    db_in_use: float | None = None
    db_size: float | None = None


def parse_sample(service: str, text: str) -> ServiceSample:
    requests = errors = 0.0
    db_in_use = db_size = None
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "sum_http_requests_total":
                # Probes of health and metrics are not user traffic.
                if sample.labels.get("route", "").startswith(("/health", "/metrics")):
                    continue
                requests += sample.value
                if sample.labels.get("status", "").startswith("5"):
                    errors += sample.value
            elif sample.name == "sum_db_pool_in_use":
                db_in_use = (db_in_use or 0.0) + sample.value
            elif sample.name == "sum_db_pool_size":
                db_size = (db_size or 0.0) + sample.value
    return ServiceSample(service, True, requests, errors, db_in_use, db_size)


async def scrape(client: httpx.AsyncClient, service: str, base_url: str) -> ServiceSample:
    try:
        # Asking for readiness first refreshes the service's pool gauges.
        await client.get(f"{base_url}/health/ready")
        answer = await client.get(f"{base_url}/metrics")
        answer.raise_for_status()
    except httpx.HTTPError:
        return ServiceSample(service, False)
    return parse_sample(service, answer.text)


async def scrape_all(client: httpx.AsyncClient, targets: dict[str, str]) -> list[ServiceSample]:
    return list(await asyncio.gather(*(scrape(client, n, u) for n, u in targets.items())))

# syntax=docker/dockerfile:1.7
# One image for every SUM process (gateway, ingest, processor, monitor, sumctl):
# each compose service or Nomad task only chooses the command.

# trixie: its postgresql-client (17) can dump the PostgreSQL 16 server; bookworm's 15 cannot.
ARG PYTHON_IMAGE=python:3.11-slim-trixie

FROM ${PYTHON_IMAGE} AS build
# uv comes from PyPI so the build needs no registry other than the Python one.
RUN pip install --no-cache-dir "uv==0.13.8"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /src
# Dependencies first: this layer is reused until pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
COPY shared ./shared
COPY services ./services
COPY sumctl ./sumctl
# --no-editable installs the project into the venv, so the runtime stage needs no /src.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

FROM ${PYTHON_IMAGE} AS runtime
# libmagic1: python-magic sniffs upload MIME types with it.
# postgresql-client: pg_dump/pg_restore for `sumctl backup` and `sumctl restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 sum \
    && useradd --system --uid 10001 --gid sum --no-create-home --shell /usr/sbin/nologin sum
COPY --from=build /opt/venv /opt/venv
# glibc would hand every large request-body chunk fresh pages; these thresholds keep
# multi-megabyte uploads about 3x faster at a cost of a few MiB of RSS (see OPERATIONS.md).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MALLOC_MMAP_THRESHOLD_=16777216 \
    MALLOC_TRIM_THRESHOLD_=67108864
USER 10001:10001
WORKDIR /tmp
EXPOSE 5001 5002 5003 5004 4318
CMD ["sum-gateway"]

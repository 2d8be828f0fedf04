-- Documents, their extracted text and their memories (summaries and keywords).

CREATE TABLE documents (
    id              uuid PRIMARY KEY,
    tenant          text        NOT NULL DEFAULT 'default',
    filename        text        NOT NULL,
    content_type    text        NOT NULL,
    kind            text        NOT NULL,
    size_bytes      bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256          text        NOT NULL,
    object_name     text        NOT NULL,
    priority        text        NOT NULL DEFAULT 'normal'
                    CHECK (priority IN ('high', 'normal', 'low')),
    status          text        NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'ingested', 'processed', 'failed')),
    failure_reason  text,
    failed_stage    text,
    trace_id        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX documents_tenant_created ON documents (tenant, created_at DESC, id);
CREATE INDEX documents_status ON documents (status) WHERE status IN ('received', 'ingested');

CREATE TABLE document_texts (
    document_id  uuid PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    text         text        NOT NULL,
    title        text,
    language     text,
    char_count   integer     NOT NULL,
    word_count   integer     NOT NULL,
    structure    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memories (
    document_id    uuid PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    summaries      jsonb       NOT NULL,
    keywords       jsonb       NOT NULL,
    key_sentences  jsonb       NOT NULL DEFAULT '[]'::jsonb,
    method         text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

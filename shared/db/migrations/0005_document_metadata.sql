-- Metadata a producer attached to a document submitted over NATS (string keys and values).

CREATE TABLE document_metadata (
    document_id  uuid PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    metadata     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);

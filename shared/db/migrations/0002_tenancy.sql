-- Tenants and their API keys (hashes only); per-tenant deduplication of documents by content.

CREATE TABLE tenants (
    id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every tenant that already owns documents exists as a tenant.
INSERT INTO tenants (id)
SELECT DISTINCT tenant FROM documents
UNION SELECT 'default'
ON CONFLICT DO NOTHING;

CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    tenant_id     text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          text        NOT NULL DEFAULT '',
    -- The key's first characters, in clear: shown in listings, used to find the row.
    prefix        text        NOT NULL,
    -- SHA-256 of the whole key; the key itself is never stored.
    secret_hash   text        NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

CREATE INDEX api_keys_prefix ON api_keys (prefix);

ALTER TABLE documents
    ADD COLUMN scan_status text NOT NULL DEFAULT 'unscanned'
        CHECK (scan_status IN ('clean', 'unscanned')),
    ADD COLUMN detected_mime text;

-- The same bytes uploaded twice by one tenant are one document: concurrent identical uploads
-- race on this index and exactly one insert wins.
CREATE UNIQUE INDEX documents_tenant_sha256 ON documents (tenant, sha256);

-- Listing a tenant's documents by status, newest first (cursor pagination).
CREATE INDEX documents_tenant_status_created ON documents (tenant, status, created_at DESC, id);

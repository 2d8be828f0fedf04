"""NATS JetStream plumbing: connection, topology, publishing, the consumer runner, objects."""

"""The NATS front door of the gateway: submit over subjects, results per tenant."""

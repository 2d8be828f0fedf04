# The upstream exporter image is FROM scratch: no shell, so no healthcheck can run in it.
# Same binary on a small base that has wget for the compose healthcheck.
ARG EXPORTER_VERSION=0.16.0
FROM natsio/prometheus-nats-exporter:${EXPORTER_VERSION} AS exporter

FROM alpine:3.20
COPY --from=exporter /prometheus-nats-exporter /usr/local/bin/prometheus-nats-exporter
USER 65534:65534
EXPOSE 7777
ENTRYPOINT ["/usr/local/bin/prometheus-nats-exporter"]

"""Offline validation of the deployment files (compose, nginx, Prometheus, Grafana, Nomad)."""

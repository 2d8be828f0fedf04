# Three-node NATS cluster with JetStream for SUM: one server per host, data on a host volume,
# every write fsynced. SUM creates its streams with 3 replicas (SUM_NATS_REPLICAS=3), so a
# stream survives the loss of one node.
#   Each NATS client needs a host volume "nats-jetstream" in its agent configuration.
#   nomad job run -var 'route_hosts=["10.0.1.11","10.0.1.12","10.0.1.13"]' deploy/nomad/nats.nomad.hcl

variable "datacenters" {
  type    = list(string)
  default = ["dc1"]
}

variable "image" {
  type    = string
  default = "nats:2.12-alpine"
}

# Static seed routes: a JetStream cluster must know its peers before the first election, so
# they are not left to service discovery, which is empty while the cluster bootstraps.
variable "route_hosts" {
  type        = list(string)
  description = "Addresses of the three hosts that run NATS"
}

job "nats" {
  datacenters = var.datacenters
  type        = "service"

  meta {
    jetstream_replicas = "3"
  }

  group "nats" {
    count = 3

    constraint {
      operator = "distinct_hosts"
      value    = "true"
    }

    # One node at a time, and only once the restarted node has caught up (healthz is green
    # only when its JetStream is current), so two replicas of every stream stay up.
    update {
      max_parallel      = 1
      health_check      = "checks"
      min_healthy_time  = "30s"
      healthy_deadline  = "5m"
      progress_deadline = "15m"
      auto_revert       = true
      stagger           = "30s"
    }

    restart {
      attempts = 5
      interval = "10m"
      delay    = "15s"
      mode     = "delay"
    }

    volume "jetstream" {
      type      = "host"
      source    = "nats-jetstream"
      read_only = false
    }

    network {
      mode = "host"

      port "client" {
        static = 4222
      }
      port "cluster" {
        static = 6222
      }
      port "monitor" {
        static = 8222
      }
    }

    service {
      name     = "sum-nats"
      port     = "client"
      provider = "nomad"

      check {
        name     = "healthz"
        type     = "http"
        port     = "monitor"
        path     = "/healthz"
        interval = "10s"
        timeout  = "3s"
      }
    }

    service {
      name     = "sum-nats-monitor"
      port     = "monitor"
      provider = "nomad"
      tags     = ["metrics-exporter-source"]
    }

    task "nats" {
      driver = "docker"
      # SIGUSR2 puts the server in lame-duck mode: clients move to the other nodes before it
      # exits, instead of all reconnecting at once.
      kill_signal  = "SIGUSR2"
      kill_timeout = "60s"

      config {
        image        = var.image
        network_mode = "host"
        args         = ["nats-server", "--config", "/local/nats.conf"]
      }

      volume_mount {
        volume      = "jetstream"
        destination = "/data/jetstream"
      }

      template {
        destination   = "local/nats.conf"
        change_mode   = "signal"
        change_signal = "SIGHUP"
        data          = <<-EOT
          server_name: "sum-nats-{{ env "node.unique.name" }}"
          listen: 0.0.0.0:4222
          http: 0.0.0.0:8222
          max_payload: 1MB
          lame_duck_duration: "30s"
          lame_duck_grace_period: "10s"

          jetstream {
            store_dir: /data/jetstream
            # Acknowledged means on disk on a majority: fsync every write (Jepsen, NATS 2.12.1).
            sync_interval: always
            max_memory_store: 512MB
            max_file_store: 200GB
          }

          cluster {
            name: sum
            listen: 0.0.0.0:6222
            routes: [
              ${join(", ", formatlist("nats-route://%s:6222", var.route_hosts))}
            ]
          }
        EOT
      }

      resources {
        cpu    = 2000
        memory = 2048
      }
    }
  }
}

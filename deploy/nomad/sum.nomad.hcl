# SUM services on Nomad: one group per service, all from the one SUM image.
#   nomad var put nomad/jobs/sum database_password=@db_password.txt \
#     database_url=postgresql://sum@db.internal:5432/sum \
#     redis_url=redis://redis.internal:6379/0 jaeger_otlp_url=http://jaeger.internal:4318
#   nomad job run -var image=registry.example/sum-platform:1.0.0 deploy/nomad/sum.nomad.hcl
# Run deploy/nomad/sum-migrate.nomad.hcl first (see docs/OPERATIONS.md).

variable "image" {
  type        = string
  description = "SUM image reference, built from the repository's Dockerfile"
}

variable "datacenters" {
  type    = list(string)
  default = ["dc1"]
}

variable "gateway_count" {
  type    = number
  default = 2
}

# Ingest and processor replicas share one durable pull consumer each: adding replicas adds
# throughput without duplicate processing.
variable "ingest_count" {
  type    = number
  default = 2
}

variable "processor_count" {
  type    = number
  default = 3
}

job "sum" {
  datacenters = var.datacenters
  type        = "service"

  group "gateway" {
    count = var.gateway_count

    update {
      max_parallel      = 1
      health_check      = "checks"
      min_healthy_time  = "15s"
      healthy_deadline  = "3m"
      progress_deadline = "10m"
      auto_revert       = true
      canary            = 1
      auto_promote      = true
    }

    restart {
      attempts = 3
      interval = "5m"
      delay    = "15s"
      mode     = "delay"
    }

    network {
      port "http" {
        to = 5001
      }
    }

    service {
      name     = "sum-gateway"
      port     = "http"
      provider = "nomad"
      tags     = ["http", "metrics"]

      # Readiness decides whether the deployment is healthy and whether traffic arrives.
      check {
        name     = "ready"
        type     = "http"
        path     = "/health/ready"
        interval = "10s"
        timeout  = "3s"
      }

      # Liveness restarts a wedged process.
      check {
        name     = "live"
        type     = "http"
        path     = "/health/live"
        interval = "10s"
        timeout  = "3s"

        check_restart {
          limit = 3
          grace = "30s"
        }
      }
    }

    task "gateway" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image   = var.image
        command = "sum-gateway"
        ports   = ["http"]
      }

      env {
        SUM_GATEWAY_PORT     = "5001"
        OTEL_SERVICE_NAME    = "sum-gateway"
        SUM_AUTO_MIGRATE     = "0"
        SUM_SHUTDOWN_TIMEOUT = "25"
        SUM_NATS_REPLICAS    = "3"
        SUM_LOG_LEVEL        = "INFO"
        SUM_DATABASE_PASSWORD_FILE = "/secrets/db_password"
      }

      # Configuration: addresses from Nomad service discovery and the job's variables.
      template {
        destination = "local/sum.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
          SUM_NATS_URL={{ range $i, $s := nomadService "sum-nats" }}{{ if $i }},{{ end }}nats://{{ $s.Address }}:{{ $s.Port }}{{ end }}
          OTEL_EXPORTER_OTLP_ENDPOINT={{ with nomadService "sum-monitor-otlp" }}{{ with index . 0 }}http://{{ .Address }}:{{ .Port }}{{ end }}{{ end }}
          {{ with nomadVar "nomad/jobs/sum" -}}
          SUM_DATABASE_URL={{ .database_url }}
          SUM_REDIS_URL={{ .redis_url }}
          {{- end }}
        EOT
      }

      # Secret: written to the task's secrets dir (tmpfs, never in the environment).
      template {
        destination = "secrets/db_password"
        perms       = "0400"
        uid         = 10001
        gid         = 10001
        change_mode = "restart"
        data        = <<-EOT
          {{- with nomadVar "nomad/jobs/sum" }}{{ .database_password }}{{ end -}}
        EOT
      }

      resources {
        cpu    = 1000
        memory = 1024
      }
    }
  }

  group "ingest" {
    count = var.ingest_count

    update {
      max_parallel      = 1
      health_check      = "checks"
      min_healthy_time  = "15s"
      healthy_deadline  = "3m"
      progress_deadline = "10m"
      auto_revert       = true
    }

    restart {
      attempts = 3
      interval = "5m"
      delay    = "15s"
      mode     = "delay"
    }

    network {
      port "http" {
        to = 5002
      }
    }

    service {
      name     = "sum-ingest"
      port     = "http"
      provider = "nomad"
      tags     = ["metrics"]

      check {
        name     = "ready"
        type     = "http"
        path     = "/health/ready"
        interval = "10s"
        timeout  = "3s"
      }

      check {
        name     = "live"
        type     = "http"
        path     = "/health/live"
        interval = "10s"
        timeout  = "3s"

        check_restart {
          limit = 3
          grace = "30s"
        }
      }
    }

    task "ingest" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image   = var.image
        command = "sum-ingest"
        ports   = ["http"]
      }

      env {
        SUM_INGEST_PORT      = "5002"
        OTEL_SERVICE_NAME    = "sum-ingest"
        SUM_AUTO_MIGRATE     = "0"
        SUM_SHUTDOWN_TIMEOUT = "25"
        SUM_NATS_REPLICAS    = "3"
        SUM_LOG_LEVEL        = "INFO"
        SUM_DATABASE_PASSWORD_FILE = "/secrets/db_password"
      }

      template {
        destination = "local/sum.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
          SUM_NATS_URL={{ range $i, $s := nomadService "sum-nats" }}{{ if $i }},{{ end }}nats://{{ $s.Address }}:{{ $s.Port }}{{ end }}
          OTEL_EXPORTER_OTLP_ENDPOINT={{ with nomadService "sum-monitor-otlp" }}{{ with index . 0 }}http://{{ .Address }}:{{ .Port }}{{ end }}{{ end }}
          {{ with nomadVar "nomad/jobs/sum" -}}
          SUM_DATABASE_URL={{ .database_url }}
          SUM_REDIS_URL={{ .redis_url }}
          {{- end }}
        EOT
      }

      template {
        destination = "secrets/db_password"
        perms       = "0400"
        uid         = 10001
        gid         = 10001
        change_mode = "restart"
        data        = <<-EOT
          {{- with nomadVar "nomad/jobs/sum" }}{{ .database_password }}{{ end -}}
        EOT
      }

      resources {
        cpu    = 1000
        memory = 1024
      }
    }
  }

  group "processor" {
    count = var.processor_count

    update {
      max_parallel      = 1
      health_check      = "checks"
      min_healthy_time  = "15s"
      healthy_deadline  = "3m"
      progress_deadline = "10m"
      auto_revert       = true
    }

    restart {
      attempts = 3
      interval = "5m"
      delay    = "15s"
      mode     = "delay"
    }

    network {
      port "http" {
        to = 5003
      }
    }

    service {
      name     = "sum-processor"
      port     = "http"
      provider = "nomad"
      tags     = ["metrics"]

      check {
        name     = "ready"
        type     = "http"
        path     = "/health/ready"
        interval = "10s"
        timeout  = "3s"
      }

      check {
        name     = "live"
        type     = "http"
        path     = "/health/live"
        interval = "10s"
        timeout  = "3s"

        check_restart {
          limit = 3
          grace = "30s"
        }
      }
    }

    task "processor" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image   = var.image
        command = "sum-processor"
        ports   = ["http"]
      }

      env {
        SUM_PROCESSOR_PORT   = "5003"
        OTEL_SERVICE_NAME    = "sum-processor"
        SUM_AUTO_MIGRATE     = "0"
        SUM_SHUTDOWN_TIMEOUT = "25"
        SUM_NATS_REPLICAS    = "3"
        SUM_LOG_LEVEL        = "INFO"
        SUM_DATABASE_PASSWORD_FILE = "/secrets/db_password"
      }

      template {
        destination = "local/sum.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
          SUM_NATS_URL={{ range $i, $s := nomadService "sum-nats" }}{{ if $i }},{{ end }}nats://{{ $s.Address }}:{{ $s.Port }}{{ end }}
          OTEL_EXPORTER_OTLP_ENDPOINT={{ with nomadService "sum-monitor-otlp" }}{{ with index . 0 }}http://{{ .Address }}:{{ .Port }}{{ end }}{{ end }}
          {{ with nomadVar "nomad/jobs/sum" -}}
          SUM_DATABASE_URL={{ .database_url }}
          SUM_REDIS_URL={{ .redis_url }}
          {{- end }}
        EOT
      }

      template {
        destination = "secrets/db_password"
        perms       = "0400"
        uid         = 10001
        gid         = 10001
        change_mode = "restart"
        data        = <<-EOT
          {{- with nomadVar "nomad/jobs/sum" }}{{ .database_password }}{{ end -}}
        EOT
      }

      resources {
        cpu    = 1000
        memory = 1024
      }
    }
  }

  group "monitor" {
    # One instance: it aggregates the whole pipeline's telemetry in memory.
    count = 1

    update {
      max_parallel      = 1
      health_check      = "checks"
      min_healthy_time  = "15s"
      healthy_deadline  = "3m"
      progress_deadline = "10m"
      auto_revert       = true
    }

    restart {
      attempts = 3
      interval = "5m"
      delay    = "15s"
      mode     = "delay"
    }

    network {
      port "http" {
        to = 5004
      }
      port "otlp" {
        to = 4318
      }
    }

    service {
      name     = "sum-monitor"
      port     = "http"
      provider = "nomad"
      tags     = ["metrics"]

      check {
        name     = "ready"
        type     = "http"
        path     = "/health/ready"
        interval = "10s"
        timeout  = "3s"
      }

      check {
        name     = "live"
        type     = "http"
        path     = "/health/live"
        interval = "10s"
        timeout  = "3s"

        check_restart {
          limit = 3
          grace = "30s"
        }
      }
    }

    service {
      name     = "sum-monitor-otlp"
      port     = "otlp"
      provider = "nomad"

      check {
        name     = "otlp-port"
        type     = "tcp"
        interval = "10s"
        timeout  = "3s"
      }
    }

    task "monitor" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image   = var.image
        command = "sum-monitor"
        ports   = ["http", "otlp"]
      }

      env {
        SUM_MONITOR_PORT      = "5004"
        SUM_MONITOR_OTLP_PORT = "4318"
        OTEL_SERVICE_NAME     = "sum-monitor"
        SUM_AUTO_MIGRATE      = "0"
        SUM_SHUTDOWN_TIMEOUT  = "25"
        SUM_NATS_REPLICAS     = "3"
        SUM_LOG_LEVEL         = "INFO"
        SUM_DATABASE_PASSWORD_FILE = "/secrets/db_password"
      }

      # The monitor forwards traces to Jaeger and sends its own spans there directly.
      template {
        destination = "local/sum.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
          SUM_NATS_URL={{ range $i, $s := nomadService "sum-nats" }}{{ if $i }},{{ end }}nats://{{ $s.Address }}:{{ $s.Port }}{{ end }}
          {{ with nomadVar "nomad/jobs/sum" -}}
          SUM_DATABASE_URL={{ .database_url }}
          SUM_REDIS_URL={{ .redis_url }}
          SUM_MONITOR_FORWARD_OTLP={{ .jaeger_otlp_url }}
          OTEL_EXPORTER_OTLP_ENDPOINT={{ .jaeger_otlp_url }}
          {{- end }}
        EOT
      }

      template {
        destination = "secrets/db_password"
        perms       = "0400"
        uid         = 10001
        gid         = 10001
        change_mode = "restart"
        data        = <<-EOT
          {{- with nomadVar "nomad/jobs/sum" }}{{ .database_password }}{{ end -}}
        EOT
      }

      resources {
        cpu    = 500
        memory = 1024
      }
    }
  }
}

# One-shot schema migration: run before (re)deploying deploy/nomad/sum.nomad.hcl.
#   nomad acl policy apply -namespace default -job sum-migrate sum-migrate-read deploy/nomad/sum-migrate.policy.hcl
#   nomad job run -var image=registry.example/sum-platform:1.0.0 deploy/nomad/sum-migrate.nomad.hcl
# It reads the database settings from the "sum" job's variables (granted by the policy above).

variable "image" {
  type        = string
  description = "SUM image reference; use the same tag as the sum job"
}

variable "datacenters" {
  type    = list(string)
  default = ["dc1"]
}

job "sum-migrate" {
  datacenters = var.datacenters
  type        = "batch"

  group "migrate" {
    count = 1

    # Migrations are idempotent: retrying after a lost connection is safe.
    restart {
      attempts = 3
      interval = "10m"
      delay    = "20s"
      mode     = "fail"
    }

    reschedule {
      attempts  = 1
      interval  = "1h"
      unlimited = false
    }

    task "migrate" {
      driver = "docker"

      config {
        image   = var.image
        command = "sumctl"
        args    = ["migrate"]
      }

      env {
        OTEL_SERVICE_NAME          = "sum-migrate"
        SUM_DATABASE_PASSWORD_FILE = "/secrets/db_password"
      }

      template {
        destination = "local/sum.env"
        env         = true
        change_mode = "noop"
        data        = <<-EOT
          {{ with nomadVar "nomad/jobs/sum" -}}
          SUM_DATABASE_URL={{ .database_url }}
          {{- end }}
        EOT
      }

      template {
        destination = "secrets/db_password"
        perms       = "0400"
        uid         = 10001
        gid         = 10001
        change_mode = "noop"
        data        = <<-EOT
          {{- with nomadVar "nomad/jobs/sum" }}{{ .database_password }}{{ end -}}
        EOT
      }

      resources {
        cpu    = 500
        memory = 512
      }
    }
  }
}

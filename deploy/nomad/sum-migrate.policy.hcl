# Lets the sum-migrate job read the database settings stored for the sum job.
namespace "default" {
  variables {
    path "nomad/jobs/sum" {
      capabilities = ["read"]
    }
  }
}

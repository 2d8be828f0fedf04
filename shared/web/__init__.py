"""HTTP pieces every service shares: health and metrics routes, problem details, serving."""

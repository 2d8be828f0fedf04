#!/usr/bin/env bash
# Start NATS (JetStream), PostgreSQL and Redis on this machine if they are installed but not
# running, then wait until each accepts connections. Safe to run repeatedly.
set -euo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_up() {
  local name=$1 port=$2
  for _ in $(seq 1 100); do up "$port" && return 0; sleep 0.2; done
  echo "ensure-services: $name did not come up on port $port" >&2
  return 1
}

if ! up 4222; then
  if command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ]; then
    echo "ensure-services: starting nats-server with JetStream"
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    wait_up nats 4222
  else
    echo "ensure-services: nats-server is not installed (apt-get install nats-server)" >&2; exit 1
  fi
fi

if ! up 5432; then
  if [ -d /etc/postgresql ]; then
    echo "ensure-services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    wait_up postgres 5432
  else
    echo "ensure-services: PostgreSQL is not installed" >&2; exit 1
  fi
fi

if ! up 6379; then
  if command -v redis-server >/dev/null; then
    echo "ensure-services: starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_up redis 6379
  else
    echo "ensure-services: redis-server is not installed" >&2; exit 1
  fi
fi
echo "ensure-services: NATS, PostgreSQL and Redis are up"

#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and starts the whole stack on this machine:
# docker-registry (127.0.0.1:5000, or the next free port) notifying reghook (127.0.0.1:8080), an example receiver
# (127.0.0.1:9000) and an example webhook. `scripts/quickstart.sh stop` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run="$root/run"

stop() {
  for name in registry reghook receiver; do
    if [ -f "$run/$name.pid" ]; then
      kill "$(cat "$run/$name.pid")" 2>/dev/null || true
      rm -f "$run/$name.pid"
    fi
  done
}
if [ "${1:-}" = "stop" ]; then
  stop
  echo "stopped (data kept in $run)"
  exit 0
fi

scripts/install-deps.sh
scripts/build.sh
stop
mkdir -p "$run"

export REGHOOK_DATA_DIR="$run/data"
export REGHOOK_ADMIN_TOKEN=quickstart-admin-token
export REGHOOK_SINK_TOKEN=quickstart-sink-token
export REGHOOK_SERVER=http://127.0.0.1:8080
export REGHOOK_TOKEN=$REGHOOK_ADMIN_TOKEN
secret="whsec_$(head -c 32 /dev/urandom | base64)"

in_use() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
for port in 8080 9000; do
  if in_use $port; then
    echo "port $port is already in use; stop what listens there (or scripts/quickstart.sh stop)" >&2
    exit 1
  fi
done
# Debian's docker-registry package starts its own service on :5000 where systemd runs: then the
# quick start's registry takes the next free port.
registry_port=5000
while in_use $registry_port; do registry_port=$((registry_port + 1)); done

wait_for() {  # url, name
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$2 did not start; see $run/$2.log" >&2
  exit 1
}

python3 examples/receiver/receiver.py --port 9000 --secret "$secret" >"$run/receiver.log" 2>&1 &
echo $! >"$run/receiver.pid"
build/reghook serve --config examples/reghook.json >"$run/reghook.log" 2>&1 &
echo $! >"$run/reghook.pid"
wait_for http://127.0.0.1:8080/readyz reghook
REGISTRY_HTTP_ADDR=127.0.0.1:$registry_port \
  docker-registry serve examples/registry/config.yml >"$run/registry.log" 2>&1 &
echo $! >"$run/registry.pid"
wait_for http://127.0.0.1:$registry_port/v2/ registry

if ! build/reghook webhook show --registry myregistry --name quickstart >/dev/null 2>&1; then
  build/reghook webhook create --registry myregistry --name quickstart \
    --uri http://127.0.0.1:9000/ --actions push delete --scope 'hello/*:*' \
    --headers "X-Source=quickstart" --signing-secret "$secret" --output table
else
  build/reghook webhook update --registry myregistry --name quickstart --signing-secret "$secret" >/dev/null
fi
scripts/make-oci-image.py "$run/image" --tag v1 >/dev/null

cat <<MSG

reghook is running:
  registry  http://127.0.0.1:$registry_port   (log: run/registry.log)
  reghook   http://127.0.0.1:8080   (console: http://127.0.0.1:8080/, admin token: $REGHOOK_ADMIN_TOKEN)
  receiver  http://127.0.0.1:9000   (log: run/receiver.log)
  webhook   'quickstart' on registry 'myregistry', scope hello/*:*, actions push delete

Push an image and watch the webhook fire:
  skopeo copy --dest-tls-verify=false oci:run/image:v1 docker://127.0.0.1:$registry_port/hello/world:v1
  cat run/receiver.log
  export REGHOOK_SERVER=$REGHOOK_SERVER REGHOOK_TOKEN=$REGHOOK_TOKEN
  build/reghook webhook list-events --registry myregistry --name quickstart --output table

Delete it (the delete event carries the tags that pointed at it):
  skopeo delete --tls-verify=false docker://127.0.0.1:$registry_port/hello/world:v1

Stop everything: scripts/quickstart.sh stop
MSG

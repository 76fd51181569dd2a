# shellcheck shell=bash
# The podman engine of Scripts/engines.sh: Debian's podman 4.3 serving its Docker-compatible API on a
# private socket (`podman system service --time=0`), with its own containers.conf and storage.conf so
# that nothing of it touches the system's podman state or the Docker engines' networks.
#
# What this sandbox needs (DESIGN §6): default_ulimits (raising rlimits is refused here), netns "none"
# (netavark stays off the iptables the Docker engines share), the runc runtime (crun refuses the hybrid
# cgroup tree: "cgroups in hybrid mode not supported"), catatonit, and rm -f -t 0 (busybox sh ignores
# SIGTERM, a plain stop waits 10 s). Sourced by engines.sh after engines-common.sh.

podman_env() {
  local dir
  dir="$(swtop_engine_dir podman)"
  printf '%s\n' "CONTAINERS_CONF=$dir/containers.conf" "CONTAINERS_STORAGE_CONF=$dir/storage.conf" \
    "CONTAINERS_REGISTRIES_CONF=$dir/registries.conf"
}

# The podman CLI on the engine's own storage (what the service uses), for clean-up.
podman_cli() {
  local dir
  dir="$(swtop_engine_dir podman)"
  env $(podman_env) podman --root "$dir/data/storage" --runroot "$dir/run/storage" --tmpdir "$dir/run/libpod" "$@"
}

podman_write_config() {
  local dir="$1"
  cat >"$dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
cgroupns = "host"
log_driver = "k8s-file"

[network]
network_config_dir = "$dir/data/networks"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/run/events.log"
runtime = "runc"
infra_command = "/catatonit"
static_dir = "$dir/data/libpod"
tmp_dir = "$dir/run/libpod"
volume_path = "$dir/data/volumes"
EOF
  cat >"$dir/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$dir/data/storage"
runroot = "$dir/run/storage"
EOF
  # No registry is reachable: short names never go looking for one.
  printf 'unqualified-search-registries = []\n' >"$dir/registries.conf"
}

# PIDs of conmon and container processes started for this engine (their command lines name its dir).
podman_pids() {
  local dir="$1" p cmdline
  for p in /proc/[0-9]*; do
    case "$(cat "$p/comm" 2>/dev/null || true)" in
      podman|conmon|runc|catatonit) ;;
      *) continue ;;
    esac
    cmdline="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null || true)"
    [[ "$cmdline" == *"$dir/"* ]] && printf '%s\n' "${p#/proc/}"
  done
}

# Processes still in the cgroups of this engine's containers (libpod_parent/libpod-<id>).
podman_kill_cgroups() {
  local data="$1" d id procs
  [[ -d "$data/storage/overlay-containers" ]] || return 0
  for d in "$data/storage/overlay-containers"/*/; do
    [[ -d "$d" ]] || continue
    id="$(basename "$d")"
    while IFS= read -r cg; do
      procs="$(cat "$cg/cgroup.procs" 2>/dev/null || true)"
      # shellcheck disable=SC2086
      [[ -z "$procs" ]] || kill -KILL $procs 2>/dev/null || true
      rmdir "$cg" 2>/dev/null || true
    done < <(find /sys/fs/cgroup -maxdepth 3 -type d -name "libpod-$id*" 2>/dev/null)
  done
}

podman_down() {
  local dir data pid
  dir="$(swtop_engine_dir podman)"
  data="$(swtop_engine_data podman)"
  if [[ -d "$data/storage" ]] && command -v podman >/dev/null 2>&1; then
    podman_cli rm -a -f -t 0 >/dev/null 2>&1 || true
  fi
  if pid="$(swtop_engine_pid podman)"; then
    swtop_log "podman: stopping the service (pid $pid)"
    kill -TERM "$pid"
    wait_gone 20 "$pid" || { kill -KILL "$pid" 2>/dev/null || true; wait_gone 10 "$pid" || true; }
  fi
  # shellcheck disable=SC2046
  kill_pids "podman processes" $(podman_pids "$dir")
  podman_kill_cgroups "$data"
  unmount_under "$dir"
  rm -f "$(swtop_engine_pidfile podman)" "$(swtop_engine_sock podman)"
  assert_gone podman "$dir" "$(podman_pids "$dir")"
}

podman_up() {
  command -v podman >/dev/null 2>&1 || swtop_die "podman is not installed (engines.sh install)"
  local dir data run sock log
  dir="$(swtop_engine_dir podman)"
  data="$(swtop_engine_data podman)"
  run="$(swtop_engine_run podman)"
  sock="$(swtop_engine_sock podman)"
  log="$(swtop_engine_logfile podman)"
  podman_down
  # A fresh store every time: state from an earlier run must never change a result.
  rm -rf "$data" "$run" "$dir/cli-config" "$dir/seed"
  mkdir -p "$dir" "$data" "$run/libpod" "$dir/cli-config"
  chmod 711 "$dir"
  [[ -f "$log" ]] && mv -f "$log" "$log.1"
  podman_write_config "$dir"
  swtop_log "podman: starting $(podman --version)"
  (
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      if (( fd > 2 )); then eval "exec ${fd}>&-" 2>/dev/null; fi
    done
    # shellcheck disable=SC2046
    exec env -i PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$dir" LC_ALL=C.UTF-8 $(podman_env) \
      setsid podman --root "$data/storage" --runroot "$run/storage" --tmpdir "$run/libpod" \
      system service --time=0 "unix://$sock" </dev/null >>"$log" 2>&1
  ) &
  local launcher=$!
  printf '%s\n' "$launcher" >"$(swtop_engine_pidfile podman)"
  local deadline=$((SECONDS + 60)) ok=""
  while (( SECONDS < deadline )); do
    ok="$(swtop_engine_ping podman || true)"
    [[ "$ok" == OK ]] && break
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.3
  done
  if [[ "$ok" != OK ]]; then
    swtop_log "podman: no answer on /_ping; last lines of $log:"
    tail -n 40 "$log" >&2 || true
    podman_down || true
    exit 1
  fi
  swtop_log "podman: up, API $(curl -fsS --unix-socket "$sock" http://localhost/version | jq -r .ApiVersion)," \
    "socket $sock"
  printf 'export DOCKER_HOST=unix://%s\n' "$sock"
}

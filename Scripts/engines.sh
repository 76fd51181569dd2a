#!/usr/bin/env bash
# Private Docker engines for swtop's tests, fixtures and demos.
#
#   engines.sh install            apt-get the tools (only what is missing) and unpack
#                                 Debian trixie's docker.io 26.1 + containerd into
#                                 .engines/trixie-root (not installed system-wide)
#   engines.sh up NAME            start engine NAME (bookworm | trixie | sandbox | bench | swarm | tls | ctrd | podman | spare | spare26) on a
#                                 freshly wiped data-root; waits for /_ping
#   engines.sh down [NAME|all]    stop it (default: all); no process, mount or bridge left
#   engines.sh seed NAME          sample images and containers, no registry needed
#   engines.sh import-busybox NAME  only the swtop/busybox:latest image (what `seed` imports first)
#   engines.sh compose            the path of trixie's Compose plugin (2.26), unpacked into
#                                 .engines/compose-root on first use
#   engines.sh env NAME           prints `export DOCKER_HOST=unix://...` (for eval)
#   engines.sh status             which engines run
#   engines.sh sock NAME          prints the engine's socket path
#   engines.sh tls-host NAME      (tls only) prints tcp://127.0.0.1:PORT, the engine's TLS listener
#   engines.sh certs NAME         (tls only) prints the certificate folder (ca.pem, cert.pem, key.pem,
#                                 wrong-ca/ca.pem, no-client/ca.pem; made by Scripts/tls-certs.sh)
#
# Engines:  bookworm = /usr/sbin/dockerd 20.10 (API 1.41)
#           trixie   = unpacked dockerd 26.1 (API 1.45) with the unpacked containerd/shims
#           sandbox  = same binary as bookworm, for interactive use
#           bench    = same binary as bookworm, for Benchmarks/run.sh
#           ctrd     = trixie's dockerd 26.1 with the containerd image store (daemon.json
#                      features.containerd-snapshotter; storage driver overlayfs)
#           podman   = Debian's podman 4.3 serving its Docker-compatible API (`podman system service`)
#                      with a private containers.conf and storage.conf (Scripts/lib/podman-engine.sh)
#           spare, spare26 = bookworm's and trixie's binaries, for tests that empty a whole engine (prune)
#           swarm, tls = same binary as bookworm, for the Swarm and TLS tests; tls also listens on
#                      tcp://127.0.0.1:12376 with --tlsverify (certificates in .engines/tls/certs/)
# Each lives in .engines/NAME/ (or /tmp/swtop-engines-UID/NAME when the checkout path is
# too long for unix sockets): docker.sock, data/ (data-root), run/ (exec-root; dockerd
# starts its own containerd there), dockerd.pid, dockerd.log.
# Networking: own bridge per engine (swtopbr-bw 10.213.41.1/24, swtopbr-tx 10.213.45.1/24,
# swtopbr-sb 10.213.50.1/24, swtopbr-bn 10.213.55.1/24, swtopbr-sw 10.213.43.1/24, swtopbr-tl 10.213.47.1/24), user-defined networks from
# 10.241/10.245/10.250/10.255/10.243/10.247.0.0/16, --iptables=false --ip-masq=false --ip-forward=false (host <-> container traffic only).
# Seeded swtop-web publishes 127.0.0.1:18080 (bookworm), 18081 (trixie), 18082 (sandbox),
# 18083 (bench).
# Needs root. Use /usr/bin/docker (20.10 client) or any client with DOCKER_HOST from `env`.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/engines-common.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/podman-engine.sh"

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C.UTF-8

SEED_DIR="$SWTOP_ROOT/Resources/sample-image"

need_root() {
  [[ "$(id -u)" == 0 ]] || swtop_die "must run as root (dockerd, bridges and mounts need it)"
}

# ---------------------------------------------------------------------------------------
# install

APT_UPDATED=0
apt_update_once() {
  if (( APT_UPDATED == 0 )); then
    swtop_log "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
}

pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

install_packages() {
  local wanted=(docker.io busybox-static tmux curl jq iproute2 iptables libncurses-dev zlib1g-dev openssh-server openssh-client
    podman conmon catatonit docker-registry apache2-utils)
  local missing=() p
  for p in "${wanted[@]}"; do
    pkg_installed "$p" || missing+=("$p")
  done
  if (( ${#missing[@]} == 0 )); then
    swtop_log "packages present: ${wanted[*]}"
    return 0
  fi
  need_root
  apt_update_once
  swtop_log "apt-get install ${missing[*]}"
  # Keep docker.io's maintainer scripts from starting a system dockerd on
  # /var/run/docker.sock: this machine runs only private engines.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  local rc=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
  if (( made_policy )); then rm -f "$policy"; fi
  (( rc == 0 )) || swtop_die "apt-get install failed ($rc)"
}

# Prints the Debian mirror URI configured on this system (the one serving the
# system's own suite, component main), from one-line or deb822 sources.
debian_mirror_uri() {
  local codename="" f line
  if [[ -r /etc/os-release ]]; then
    codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
  fi
  # One-line format: deb [options] URI suite components...
  local one_line=()
  [[ -f /etc/apt/sources.list ]] && one_line+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [[ -f "$f" ]] && one_line+=("$f"); done
  local uris=()
  if (( ${#one_line[@]} )); then
    while IFS= read -r line; do
      [[ -n "$line" ]] && uris+=("$line")
    done < <(awk -v cn="$codename" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        uri = $i; suite = $(i + 1)
        main = 0
        for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
        if (main && (suite == cn || cn == "")) print uri
      }' "${one_line[@]}")
  fi
  # deb822 format (.sources)
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    while IFS= read -r line; do
      [[ -n "$line" ]] && uris+=("$line")
    done < <(awk -v cn="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && comps ~ /(^| )main( |$)/ && (cn == "" || (" " suites " ") ~ (" " cn " "))) {
          n = split(uri, u, " "); for (k = 1; k <= n; k++) print u[k]
        }
        types = ""; uri = ""; suites = ""; comps = ""; enabled = 1
      }
      BEGIN { enabled = 1 }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        key = tolower($1); sub(/:$/, "", key)
        val = $0; sub(/^[^:]*:[ \t]*/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uri = val
        else if (key == "suites") suites = val
        else if (key == "components") comps = val
        else if (key == "enabled" && tolower(val) == "no") types = ""
      }
      END { flush() }' "$f")
  done
  local u
  for u in "${uris[@]}"; do
    # Skip security and cdrom/file sources; they do not carry trixie main.
    case "$u" in
      *security*|cdrom:*|file:*) continue ;;
    esac
    printf '%s\n' "${u%/}"
    return 0
  done
  return 1
}

# A private apt state for Debian trixie's main (the system's own mirror, its keyring), updated: sets the
# caller's `opts` to the apt-get options that use it; DEBS is the download folder made under it.
trixie_apt() {
  local debs="$1" mirror keyring
  need_root
  mirror="$(debian_mirror_uri)" || swtop_die "no Debian mirror found in /etc/apt/sources.list{,.d/*}"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [[ -r "$keyring" ]] || { apt_update_once; apt-get install -y -qq debian-archive-keyring; }
  local a="$SWTOP_APT_TRIXIE"
  mkdir -p "$a/etc/sources.list.d" "$a/etc/preferences.d" "$a/state/lists/partial" \
    "$a/cache/archives/partial" "$a/$debs"
  printf 'deb [signed-by=%s] %s trixie main\n' "$keyring" "$mirror" >"$a/etc/sources.list"
  opts=(
    -o "Dir::Etc::sourcelist=$a/etc/sources.list"
    -o "Dir::Etc::sourceparts=$a/etc/sources.list.d"
    -o "Dir::Etc::preferencesparts=$a/etc/preferences.d"
    -o "Dir::State=$a/state"
    -o "Dir::Cache=$a/cache"
    -o "APT::Sandbox::User=root"
  )
  apt-get "${opts[@]}" -qq update
}

trixie_unpacked() {
  [[ -f "$SWTOP_TRIXIE_ROOT/.swtop-unpacked" && -x "$SWTOP_TRIXIE_ROOT/usr/sbin/dockerd" \
    && -x "$SWTOP_TRIXIE_ROOT/usr/bin/containerd" && -x "$SWTOP_TRIXIE_ROOT/usr/bin/containerd-shim-runc-v2" ]]
}

fetch_trixie() {
  if trixie_unpacked; then
    swtop_log "trixie engine already unpacked in $SWTOP_TRIXIE_ROOT ($(tr '\n' ' ' <"$SWTOP_TRIXIE_ROOT/.swtop-unpacked"))"
    return 0
  fi
  swtop_log "fetching trixie's docker.io/containerd/tini from the system's mirror"
  local a="$SWTOP_APT_TRIXIE" opts
  trixie_apt debs
  rm -f "$a/debs"/*.deb
  # tini: dockerd's docker-init is a symlink to tini-static (static, so glibc does not matter).
  (cd "$a/debs" && apt-get "${opts[@]}" -qq download docker.io/trixie containerd/trixie tini/trixie)

  local tmp="$SWTOP_TRIXIE_ROOT.tmp" deb
  rm -rf "$tmp"
  mkdir -p "$tmp"
  for deb in "$a/debs"/*.deb; do
    dpkg -x "$deb" "$tmp"
  done
  # trixie's runc needs a newer glibc than bookworm's: use /usr/sbin/runc instead.
  rm -f "$tmp/usr/sbin/runc" "$tmp/usr/bin/runc"
  [[ -x "$tmp/usr/bin/docker-init" ]] || swtop_die "unpacked docker-init does not resolve"
  local vd vc
  vd="$("$tmp/usr/sbin/dockerd" --version)" || swtop_die "unpacked dockerd does not run on this system"
  vc="$("$tmp/usr/bin/containerd" --version)" || swtop_die "unpacked containerd does not run on this system"
  printf '%s\n%s\n' "$vd" "$vc" >"$tmp/.swtop-unpacked"
  rm -rf "$SWTOP_TRIXIE_ROOT"
  mv "$tmp" "$SWTOP_TRIXIE_ROOT"
  swtop_log "unpacked: $vd; $vc"
}

# Debian trixie's Compose plugin (docker-compose 2.26) unpacked into .engines/compose-root, as the 26.1
# engine is: swtop runs it (SWTOP_COMPOSE) for a project's up / down / pull / build / config.
compose_unpacked() {
  [[ -x "$SWTOP_COMPOSE_ROOT/usr/libexec/docker/cli-plugins/docker-compose" && -f "$SWTOP_COMPOSE_ROOT/.swtop-unpacked" ]]
}

fetch_compose() {
  if compose_unpacked; then
    swtop_log "compose already unpacked in $SWTOP_COMPOSE_ROOT ($(cat "$SWTOP_COMPOSE_ROOT/.swtop-unpacked"))"
    return 0
  fi
  swtop_log "fetching trixie's docker-compose (the Compose plugin) from the system's mirror"
  local a="$SWTOP_APT_TRIXIE" opts
  trixie_apt compose-debs
  rm -f "$a/compose-debs"/*.deb
  (cd "$a/compose-debs" && apt-get "${opts[@]}" -qq download docker-compose/trixie)
  local tmp="$SWTOP_COMPOSE_ROOT.tmp" deb v
  rm -rf "$tmp"
  mkdir -p "$tmp"
  for deb in "$a/compose-debs"/*.deb; do
    dpkg -x "$deb" "$tmp"
  done
  v="$("$tmp/usr/libexec/docker/cli-plugins/docker-compose" version)" || swtop_die "unpacked docker-compose does not run on this system"
  printf '%s\n' "$v" >"$tmp/.swtop-unpacked"
  rm -rf "$SWTOP_COMPOSE_ROOT"
  mv "$tmp" "$SWTOP_COMPOSE_ROOT"
  swtop_log "unpacked: $v"
}

cmd_install() {
  install_packages
  fetch_trixie
  fetch_compose
}

# The Compose plugin's path (fetched on first use).
cmd_compose() {
  fetch_compose >&2
  printf '%s\n' "$SWTOP_COMPOSE_ROOT/usr/libexec/docker/cli-plugins/docker-compose"
}

# ---------------------------------------------------------------------------------------
# down (also used by up to clear leftovers of a crashed run)

# PIDs of engine processes (dockerd, containerd, shims, runc) whose command line
# mentions the engine dir.
engine_pids() {
  local dir="$1" p comm cmdline
  for p in /proc/[0-9]*; do
    [[ -r "$p/comm" ]] || continue
    comm="$(cat "$p/comm" 2>/dev/null || true)"
    case "$comm" in
      dockerd|containerd|containerd-shim*|runc|docker-proxy) ;;
      *) continue ;;
    esac
    cmdline="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null || true)"
    if [[ "$cmdline" == *"$dir/"* ]]; then
      printf '%s\n' "${p#/proc/}"
    fi
  done
}

# docker-proxy processes forwarding to this engine's container subnets.
engine_proxy_pids() {
  local n="$1" p cmdline
  for p in /proc/[0-9]*; do
    [[ "$(cat "$p/comm" 2>/dev/null || true)" == docker-proxy ]] || continue
    cmdline="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null || true)"
    if [[ "$cmdline" == *"-container-ip 10.213.$n."* || "$cmdline" == *"-container-ip 10.$((200 + n))."* ]]; then
      printf '%s\n' "${p#/proc/}"
    fi
  done
}

wait_gone() { # wait_gone SECONDS PID...
  local t="$1"; shift
  local deadline=$((SECONDS + t)) p alive
  while :; do
    alive=0
    for p in "$@"; do
      if kill -0 "$p" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]]; then
        alive=1
      fi
    done
    (( alive == 0 )) && break
    (( SECONDS >= deadline )) && return 1
    sleep 0.2
  done
  # Dead; give PID 1 a moment to reap the zombies so that `ps` shows nothing.
  local reap=$((SECONDS + 5)) left
  while (( SECONDS < reap )); do
    left=0
    for p in "$@"; do [[ -e "/proc/$p" ]] && left=1; done
    (( left == 0 )) && break
    sleep 0.2
  done
  return 0
}

kill_pids() { # kill_pids LABEL PID... : TERM, wait, KILL
  local label="$1"; shift
  (( $# )) || return 0
  swtop_log "stopping leftover $label: $*"
  kill -TERM "$@" 2>/dev/null || true
  if ! wait_gone 10 "$@"; then
    kill -KILL "$@" 2>/dev/null || true
    wait_gone 10 "$@" || swtop_log "warning: could not kill $*"
  fi
}

# Kill processes still in the cgroups of this engine's containers (after a crash).
kill_container_cgroups() {
  local data="$1" d procs killed=0
  [[ -d "$data/containers" ]] || return 0
  local -A ids=()
  for d in "$data/containers"/*/; do
    [[ -d "$d" ]] && ids["$(basename "$d")"]=1
  done
  (( ${#ids[@]} )) || return 0
  local dirs=()
  while IFS= read -r d; do
    [[ -n "${ids[$(basename "$d")]:-}" ]] && dirs+=("$d")
  done < <(find /sys/fs/cgroup -maxdepth 4 -mindepth 2 -type d -name '[0-9a-f]*' 2>/dev/null)
  (( ${#dirs[@]} )) || return 0
  for d in "${dirs[@]}"; do
    if [[ -f "$d/freezer.state" ]]; then echo THAWED >"$d/freezer.state" 2>/dev/null || true; fi
    procs="$(cat "$d/cgroup.procs" 2>/dev/null || true)"
    if [[ -n "$procs" ]]; then
      (( killed )) || swtop_log "killing leftover container processes"
      # shellcheck disable=SC2086
      kill -KILL $procs 2>/dev/null || true
      killed=1
    fi
  done
  (( killed )) && sleep 0.5
  for d in "${dirs[@]}"; do
    rmdir "$d" 2>/dev/null || true
  done
}

unmount_under() {
  local dir="$1" m
  # mountinfo field 5 is the mount point (octal escapes for blanks).
  while IFS= read -r m; do
    [[ -n "$m" ]] || continue
    m="$(printf '%b' "$m")"
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || swtop_log "warning: cannot unmount $m"
  done < <(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

delete_bridges() {
  local name="$1" n br dev
  n="$(swtop_engine_index "$name")"
  br="$(swtop_engine_bridge "$name")"
  if ip link show dev "$br" >/dev/null 2>&1; then
    ip link delete dev "$br" type bridge
  fi
  # Bridges of user-defined networks (br-<id>) from this engine's address pool.
  while IFS= read -r dev; do
    [[ -n "$dev" ]] || continue
    if ip -d link show dev "$dev" 2>/dev/null | grep -qw bridge; then
      swtop_log "deleting leftover network bridge $dev"
      ip link delete dev "$dev" 2>/dev/null || true
    fi
  done < <(ip -o -4 addr show 2>/dev/null | awk -v pfx="10.$((200 + n))." 'index($4, pfx) == 1 { print $2 }' | sort -u)
}

down_engine() {
  if [[ "$1" == podman ]]; then
    podman_down
    return
  fi
  local name="$1" dir data run pidfile pid cpid n
  dir="$(swtop_engine_dir "$name")"
  data="$(swtop_engine_data "$name")"
  run="$(swtop_engine_run "$name")"
  pidfile="$(swtop_engine_pidfile "$name")"
  n="$(swtop_engine_index "$name")"

  if pid="$(swtop_engine_pid "$name")"; then
    swtop_log "$name: stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    if ! wait_gone 90 "$pid"; then
      swtop_log "$name: dockerd did not stop in 90 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone 10 "$pid" || true
    fi
  fi
  if [[ -s "$run/containerd/containerd.pid" ]]; then
    cpid="$(cat "$run/containerd/containerd.pid")"
    if [[ "$cpid" =~ ^[0-9]+$ ]] && kill -0 "$cpid" 2>/dev/null \
      && tr '\0' ' ' <"/proc/$cpid/cmdline" 2>/dev/null | grep -qF "$run/"; then
      kill_pids "$name containerd" "$cpid"
    fi
  fi
  # shellcheck disable=SC2046
  kill_pids "$name engine processes" $(engine_pids "$dir")
  kill_container_cgroups "$data"
  # shellcheck disable=SC2046
  kill_pids "$name docker-proxy" $(engine_proxy_pids "$n")
  unmount_under "$dir"
  delete_bridges "$name"
  rm -f "$pidfile" "$(swtop_engine_sock "$name")"

  assert_gone "$name" "$dir" "$(engine_pids "$dir"; engine_proxy_pids "$n")"
}

# assert_gone NAME DIR PIDS: fails the script when PIDS (what is still running of the engine) is not
# empty or something is still mounted under DIR.
assert_gone() {
  local name="$1" dir="$2" left="$3"
  if [[ -n "$left" ]]; then
    # shellcheck disable=SC2086
    ps -o pid,ppid,args -p "$(echo $left | tr ' ' ',')" >&2 || true
    swtop_die "$name: processes left after down"
  fi
  if awk -v d="$dir/" 'index($5, d) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    swtop_die "$name: mounts left under $dir"
  fi
}

cmd_down() {
  local target="${1:-all}" name
  need_root
  if [[ "$target" == all ]]; then
    for name in "${SWTOP_ENGINE_NAMES[@]}"; do
      down_engine "$name"
    done
  else
    swtop_check_name "$target"
    down_engine "$target"
  fi
  swtop_log "down: $target"
}

# ---------------------------------------------------------------------------------------
# up

cmd_up() {
  local name="${1:-}"
  swtop_check_name "$name"
  need_root
  install_packages
  local dockerd path
  if [[ "$name" == podman ]]; then
    podman_up
    return
  fi
  if [[ "$name" == trixie || "$name" == ctrd || "$name" == spare26 ]]; then
    fetch_trixie
    dockerd="$SWTOP_TRIXIE_ROOT/usr/sbin/dockerd"
    # Unpacked containerd, shims, docker-proxy and docker-init first; runc from bookworm.
    path="$SWTOP_TRIXIE_ROOT/usr/sbin:$SWTOP_TRIXIE_ROOT/usr/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
  else
    dockerd=/usr/sbin/dockerd
    path="/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
  fi
  [[ -x "$dockerd" ]] || swtop_die "$dockerd missing"

  local dir data run sock pidfile log n br
  dir="$(swtop_engine_dir "$name")"
  data="$(swtop_engine_data "$name")"
  run="$(swtop_engine_run "$name")"
  sock="$(swtop_engine_sock "$name")"
  pidfile="$(swtop_engine_pidfile "$name")"
  log="$(swtop_engine_logfile "$name")"
  n="$(swtop_engine_index "$name")"
  br="$(swtop_engine_bridge "$name")"
  if swtop_engine_dir_is_fallback "$name"; then
    swtop_log "note: $SWTOP_ROOT is too long for unix socket paths; engine $name lives in $dir"
  fi
  if swtop_engine_pid "$name" >/dev/null; then
    swtop_log "$name is already running: restarting it on a fresh data-root"
  fi
  # Stop whatever runs and clear leftovers of an earlier (maybe crashed) run.
  down_engine "$name"

  # A fresh data-root every time: state from an earlier run must never change a result.
  rm -rf "$data" "$run" "$dir/cli-config" "$dir/key.json" "$dir/seed"
  mkdir -p "$dir" "$data" "$run" "$dir/cli-config"
  chmod 711 "$dir"
  [[ -f "$log" ]] && mv -f "$log" "$log.1"
  if [[ "$name" == trixie || "$name" == spare26 ]]; then
    printf '{}\n' >"$dir/daemon.json"
  elif [[ "$name" == ctrd ]]; then
    # The containerd image store: images are containerd's (ids are manifest digests, layers are
    # snapshots, no overlay2 directories), and OCI archives load untagged.
    printf '{"features": {"containerd-snapshotter": true}}\n' >"$dir/daemon.json"
  else
    # 20.10 keeps its engine ID key in /etc/docker/key.json unless told otherwise
    # (a config-file-only setting): give each engine its own, fresh one.
    printf '{"deprecated-key-path": "%s"}\n' "$dir/key.json" >"$dir/daemon.json"
  fi

  if [[ -S /run/containerd/containerd.sock ]]; then
    swtop_log "note: a system containerd listens on /run/containerd/containerd.sock; dockerd would use it," \
      "so $name uses containerd namespace swtop-$name to stay apart"
  fi

  ip link add name "$br" type bridge
  ip addr add "10.213.$n.1/24" dev "$br"
  ip link set dev "$br" up

  # With the containerd image store the driver names a containerd snapshotter.
  local driver=overlay2
  [[ "$name" == ctrd ]] && driver=overlayfs
  local args=(
    --config-file "$dir/daemon.json"
    --data-root "$data"
    --exec-root "$run"
    --pidfile "$pidfile"
    --host "unix://$sock"
    --containerd-namespace "swtop-$name"
    --containerd-plugins-namespace "swtop-$name-plugins"
    --storage-driver "$driver"
    --exec-opt native.cgroupdriver=cgroupfs
    --bridge "$br"
    --iptables=false
    --ip-masq=false
    --ip-forward=false
    --default-address-pool "base=10.$((200 + n)).0.0/16,size=24"
  )
  if [[ "$name" == tls ]]; then
    # Also on a loopback TCP port with mutual TLS; fresh certificates on every up.
    local certs
    certs="$(swtop_engine_certs "$name")"
    bash "$SWTOP_ROOT/Scripts/tls-certs.sh" "$certs"
    args+=(
      --host "tcp://127.0.0.1:$(swtop_engine_tls_port "$name")"
      --tlsverify --tlscacert "$certs/ca.pem" --tlscert "$certs/server-cert.pem" --tlskey "$certs/server-key.pem"
    )
  fi

  swtop_log "$name: starting $("$dockerd" --version)"
  # The engine outlives this script, so it must not inherit the caller's descriptors: above
  # all a flock(1) lock (`flock /tmp/swtop-engines-test.lock ...`), which dockerd and its
  # containerd would otherwise hold until they stop, so that a later
  # `flock ... engines.sh down` waits for them forever.
  (
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      if (( fd > 2 )); then eval "exec ${fd}>&-" 2>/dev/null; fi
    done
    exec env -i PATH="$path" HOME="$dir" LC_ALL=C.UTF-8 \
      setsid "$dockerd" "${args[@]}" </dev/null >>"$log" 2>&1
  ) &
  local launcher=$!

  local deadline=$((SECONDS + 60)) ok=""
  while (( SECONDS < deadline )); do
    ok="$(swtop_engine_ping "$name" || true)"
    [[ "$ok" == OK ]] && break
    if ! kill -0 "$launcher" 2>/dev/null; then
      break
    fi
    sleep 0.3
  done
  if [[ "$ok" != OK ]]; then
    swtop_log "$name: engine did not answer /_ping; last lines of $log:"
    tail -n 40 "$log" >&2 || true
    down_engine "$name" || true
    exit 1
  fi
  swtop_log "$name: up, API $(curl -fsS --unix-socket "$sock" http://localhost/version | jq -r .ApiVersion)," \
    "socket $sock"
  if [[ "$name" == tls ]]; then
    local certs tls_ok=""
    certs="$(swtop_engine_certs "$name")"
    for _ in $(seq 1 50); do
      tls_ok="$(curl -fsS --max-time 3 --cacert "$certs/ca.pem" --cert "$certs/cert.pem" --key "$certs/key.pem" \
        "https://127.0.0.1:$(swtop_engine_tls_port "$name")/_ping" 2>/dev/null || true)"
      [[ "$tls_ok" == OK ]] && break
      sleep 0.2
    done
    [[ "$tls_ok" == OK ]] || { down_engine "$name" || true; swtop_die "$name: no answer on the TLS port"; }
    swtop_log "$name: TLS listener tcp://127.0.0.1:$(swtop_engine_tls_port "$name") (certificates in $certs)"
  fi
  printf 'export DOCKER_HOST=unix://%s\n' "$sock"
}

# ---------------------------------------------------------------------------------------
# seed

seed_busybox_rootfs() {
  local rootfs="$1" busybox=/bin/busybox applet
  [[ -x "$busybox" ]] || swtop_die "$busybox missing (busybox-static)"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/root" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" \
    "$rootfs/dev" "$rootfs/var/tmp" "$rootfs/home"
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 700 "$rootfs/root"
  cp "$busybox" "$rootfs/bin/busybox"
  while IFS= read -r applet; do
    [[ -n "$applet" && "$applet" != bin/busybox ]] || continue
    mkdir -p "$rootfs/$(dirname "$applet")"
    [[ -e "$rootfs/$applet" || -L "$rootfs/$applet" ]] || ln -s /bin/busybox "$rootfs/$applet"
  done < <("$busybox" --list-full)
  cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
}

# docker CLI for seeding; drops the engine's per-container warning about IPv4
# forwarding (engines run with --ip-forward=false: only host<->container traffic).
seed_cli() {
  swtop_docker "$@" 2> >(grep -v 'IPv4 forwarding is disabled' >&2 || true)
}

# import_busybox NAME WORKDIR: swtop/busybox:latest from the host's busybox-static.
import_busybox() {
  local name="$1" work="$2"
  swtop_log "$name: importing swtop/busybox:latest"
  seed_busybox_rootfs "$work/rootfs"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -c . \
    | seed_cli "$name" import \
      --change 'CMD ["/bin/sh"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'LABEL swtop.sample=1' \
      - swtop/busybox:latest >/dev/null
}

cmd_import_busybox() {
  local name="${1:-}"
  swtop_check_name "$name"
  swtop_engine_running "$name" || swtop_die "$name is not running (engines.sh up $name)"
  local work
  work="$(swtop_engine_dir "$name")/seed"
  rm -rf "$work"
  mkdir -p "$work"
  import_busybox "$name" "$work"
  rm -rf "$work"
}

# Sleep loop that stops at once on SIGTERM (a shell as PID 1 otherwise ignores it).
LOOP='trap "exit 0" TERM; while :; do sleep 1; done'

cmd_seed() {
  local name="${1:-}"
  swtop_check_name "$name"
  swtop_engine_running "$name" || swtop_die "$name is not running (engines.sh up $name)"
  local d=(seed_cli "$name") dir port api
  dir="$(swtop_engine_dir "$name")"
  port="$(swtop_engine_port "$name")"
  api="$(swtop_engine_api "$name")"
  local work="$dir/seed"
  rm -rf "$work"
  mkdir -p "$work"

  # Idempotent: remove earlier sample objects first.
  local old
  old="$("${d[@]}" ps -aq --filter label=swtop.sample=1)"
  # shellcheck disable=SC2086
  [[ -z "$old" ]] || "${d[@]}" rm -f -v $old >/dev/null
  "${d[@]}" network rm swtop-net >/dev/null 2>&1 || true
  "${d[@]}" volume rm -f swtop-data >/dev/null 2>&1 || true

  import_busybox "$name" "$work"

  swtop_log "$name: building swtop/layers:latest"
  "${d[@]}" build -q --label swtop.sample=1 -t swtop/layers:latest "$SEED_DIR" >/dev/null

  # A dangling image: build swtop/retag twice; the first build loses its tag.
  swtop_log "$name: building swtop/retag:latest twice (first build becomes <none>)"
  "${d[@]}" build -q --label swtop.sample=1 --build-arg GENERATION=1 -t swtop/retag:latest "$SEED_DIR/retag" >/dev/null
  "${d[@]}" build -q --label swtop.sample=1 --build-arg GENERATION=2 -t swtop/retag:latest "$SEED_DIR/retag" >/dev/null

  swtop_log "$name: creating containers"
  local L=(--label swtop.sample=1 --stop-timeout 5)
  "${d[@]}" volume create --label swtop.sample=1 swtop-data >/dev/null
  "${d[@]}" network create --label swtop.sample=1 swtop-net >/dev/null

  # Deterministic output, then stays alive.
  "${d[@]}" run -d --name swtop-logger "${L[@]}" swtop/busybox:latest sh -c \
    'echo out-1; sleep 0.2; echo err-1 >&2; sleep 0.2; echo out-2; sleep 0.2; echo err-2 >&2; sleep 0.2; echo out-3; trap "exit 0" TERM; sleep 100000 & wait' >/dev/null
  "${d[@]}" run -d --name swtop-running "${L[@]}" swtop/busybox:latest sh -c "$LOOP" >/dev/null
  "${d[@]}" run -d --name swtop-layers "${L[@]}" swtop/layers:latest sh -c "cat /opt/app/config.txt; $LOOP" >/dev/null
  "${d[@]}" run -d --name swtop-exited "${L[@]}" swtop/busybox:latest sh -c 'echo bye; exit 3' >/dev/null
  "${d[@]}" run -d --name swtop-paused "${L[@]}" swtop/busybox:latest sh -c "$LOOP" >/dev/null
  "${d[@]}" create --name swtop-created "${L[@]}" swtop/layers:latest sh -c 'echo never started' >/dev/null
  "${d[@]}" run -d -t --name swtop-tty "${L[@]}" swtop/busybox:latest sh -c \
    "echo tty-1; echo tty-2; printf '\\033[1;32mgreen\\033[0m\\n'; $LOOP" >/dev/null
  # shellcheck disable=SC2016  # expanded by the container's shell
  "${d[@]}" run -d --name swtop-colors "${L[@]}" swtop/busybox:latest sh -c \
    'trap "exit 0" TERM; i=0; while :; do i=$((i+1)); printf "\033[31mred\033[0m \033[1;32mgreen\033[0m \033[38;5;208morange\033[0m line %d\n" $i; echo "stderr line $i" >&2; sleep 1; done' >/dev/null
  # shellcheck disable=SC2016
  "${d[@]}" run -d --name swtop-korean "${L[@]}" --label '설명=한국어 테스트' swtop/busybox:latest sh -c \
    'trap "exit 0" TERM; i=0; while :; do i=$((i+1)); echo "안녕하세요, 세계 $i"; echo "경고: 한국어 로그 $i" >&2; sleep 2; done' >/dev/null
  "${d[@]}" run -d --name swtop-demo-web "${L[@]}" \
    --label com.docker.compose.project=demo --label com.docker.compose.service=web \
    --label com.docker.compose.container-number=1 --label com.docker.compose.oneoff=False \
    swtop/busybox:latest sh -c "$LOOP" >/dev/null
  "${d[@]}" run -d --name swtop-demo-db "${L[@]}" \
    --label com.docker.compose.project=demo --label com.docker.compose.service=db \
    --label com.docker.compose.container-number=1 --label com.docker.compose.oneoff=False \
    swtop/busybox:latest sh -c "$LOOP" >/dev/null
  "${d[@]}" run -d --name swtop-web "${L[@]}" -p "127.0.0.1:$port:80" swtop/busybox:latest sh -c \
    'mkdir -p /www && echo "hello from swtop-web" > /www/index.html && trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
  "${d[@]}" run -d --name swtop-volume "${L[@]}" -v swtop-data:/data swtop/busybox:latest sh -c \
    "date > /data/started; $LOOP" >/dev/null
  "${d[@]}" run -d --name swtop-network "${L[@]}" --network swtop-net swtop/busybox:latest sh -c "$LOOP" >/dev/null
  "${d[@]}" run -d --name swtop-stopped "${L[@]}" swtop/busybox:latest sh -c "$LOOP" >/dev/null

  # Bring the non-running ones into their states.
  local code
  code="$("${d[@]}" wait swtop-exited)"
  [[ "$code" == 3 ]] || swtop_die "swtop-exited exited with $code, expected 3"
  "${d[@]}" pause swtop-paused >/dev/null
  "${d[@]}" stop swtop-stopped >/dev/null
  # swtop-logger's output is complete after ~1 s.
  sleep 1.5

  verify_seed "$name"
  rm -rf "$work"
  "${d[@]}" ps -a --filter label=swtop.sample=1 --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}'
  swtop_log "$name: seeded (API $api)"
}

verify_seed() {
  local name="$1" c want got port
  local -A expect=(
    [swtop-logger]=running [swtop-running]=running [swtop-layers]=running [swtop-exited]=exited
    [swtop-paused]=paused [swtop-created]=created [swtop-tty]=running [swtop-colors]=running
    [swtop-korean]=running [swtop-demo-web]=running [swtop-demo-db]=running [swtop-web]=running
    [swtop-volume]=running [swtop-network]=running [swtop-stopped]=exited
  )
  for c in "${!expect[@]}"; do
    want="${expect[$c]}"
    got="$(swtop_docker "$name" inspect -f '{{.State.Status}}' "$c")"
    [[ "$got" == "$want" ]] || swtop_die "$name: $c is $got, expected $want"
  done
  port="$(swtop_engine_port "$name")"
  local body=""
  for _ in $(seq 1 20); do
    body="$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null || true)"
    [[ -n "$body" ]] && break
    sleep 0.25
  done
  [[ "$body" == "hello from swtop-web" ]] || swtop_die "$name: swtop-web not reachable on 127.0.0.1:$port"
  local logs
  logs="$(swtop_docker "$name" logs swtop-logger 2>&1)"
  [[ "$(printf '%s' "$logs" | sort | tr '\n' ' ')" == "err-1 err-2 out-1 out-2 out-3 " ]] \
    || swtop_die "$name: swtop-logger logged: $logs"
}

# ---------------------------------------------------------------------------------------
# env, status

cmd_env() {
  local name="${1:-}"
  swtop_check_name "$name"
  printf 'export DOCKER_HOST=unix://%s\n' "$(swtop_engine_sock "$name")"
}

cmd_sock() {
  local name="${1:-}"
  swtop_check_name "$name"
  swtop_engine_sock "$name"
}

cmd_tls_host() {
  local name="${1:-}"
  swtop_check_name "$name"
  [[ "$name" == tls ]] || swtop_die "only the tls engine has a TLS listener"
  printf 'tcp://127.0.0.1:%s\n' "$(swtop_engine_tls_port "$name")"
}

cmd_certs() {
  local name="${1:-}"
  swtop_check_name "$name"
  [[ "$name" == tls ]] || swtop_die "only the tls engine has certificates"
  swtop_engine_certs "$name"
}

cmd_status() {
  local name pid ver any=0
  for name in "${SWTOP_ENGINE_NAMES[@]}"; do
    if pid="$(swtop_engine_pid "$name")"; then
      if [[ "$(swtop_engine_ping "$name" || true)" == OK ]]; then
        ver="$(curl -fsS --max-time 3 --unix-socket "$(swtop_engine_sock "$name")" http://localhost/version \
          | jq -r '"\(.Version) (API \(.ApiVersion))"')"
        printf '%-9s running  pid %-7s %s  unix://%s\n' "$name" "$pid" "$ver" "$(swtop_engine_sock "$name")"
      else
        printf '%-9s starting pid %-7s (no answer on /_ping yet)\n' "$name" "$pid"
      fi
      any=1
    else
      printf '%-9s down\n' "$name"
    fi
  done
  (( any )) || true
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    install) cmd_install "$@" ;;
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    seed) cmd_seed "$@" ;;
    import-busybox) cmd_import_busybox "$@" ;;
    env) cmd_env "$@" ;;
    sock) cmd_sock "$@" ;;
    compose) cmd_compose "$@" ;;
    tls-host) cmd_tls_host "$@" ;;
    certs) cmd_certs "$@" ;;
    status) cmd_status "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"

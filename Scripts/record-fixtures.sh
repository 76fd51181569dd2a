#!/usr/bin/env bash
# Records real Docker Engine API payloads from the private engines into
#   Tests/DockerEngineTests/Fixtures/engine-20.10/   (bookworm, API 1.41)
#   Tests/DockerEngineTests/Fixtures/engine-26.1/    (trixie,   API 1.45)
# Bodies are saved byte-for-byte as the engine sent them (curl -o, nothing
# reformatted). Each directory also gets requests.tsv: file, method, path, HTTP status.
#
# Engines that are not running are brought up and seeded here (and taken down again
# at the end); running engines are used as they are (seeded if swtop-logger is missing).
#
#   Scripts/record-fixtures.sh            both engines
#   Scripts/record-fixtures.sh trixie     one engine
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/engines-common.sh"
ENGINES_SH="$SWTOP_ROOT/Scripts/engines.sh"
FIXTURES="$SWTOP_ROOT/Tests/DockerEngineTests/Fixtures"

fixture_dir_name() {
  case "$1" in
    bookworm) echo engine-20.10 ;;
    trixie) echo engine-26.1 ;;
    *) swtop_die "fixtures are recorded from bookworm and trixie only, not '$1'" ;;
  esac
}

STARTED=()
cleanup() {
  local e
  for e in "${STARTED[@]}"; do
    "$ENGINES_SH" down "$e" || true
  done
}
trap cleanup EXIT

ensure_engine() {
  local e="$1"
  if ! swtop_engine_running "$e"; then
    "$ENGINES_SH" up "$e" >/dev/null
    STARTED+=("$e")
    "$ENGINES_SH" seed "$e" >/dev/null
  elif ! swtop_docker "$e" inspect swtop-logger >/dev/null 2>&1; then
    "$ENGINES_SH" seed "$e" >/dev/null
  fi
}

# fetch OUT_DIR FILE METHOD PATH EXPECTED_STATUS [HEADERS_FILE]
fetch() {
  local out="$1" file="$2" method="$3" path="$4" want="$5" headers="${6:-}"
  local args=(--silent --show-error --unix-socket "$SOCK" -X "$method" -o "$out/$file" -w '%{http_code}')
  [[ -n "$headers" ]] && args+=(-D "$out/$headers")
  local code
  code="$(curl "${args[@]}" "http://localhost$path")"
  [[ "$code" == "$want" ]] || swtop_die "$ENGINE: $method $path answered $code, expected $want"
  printf '%s\t%s\t%s\t%s\n' "$file" "$method" "$path" "$code" >>"$out/requests.tsv"
}

record_engine() {
  ENGINE="$1"
  SOCK="$(swtop_engine_sock "$ENGINE")"
  local api v out tmp
  api="$(swtop_engine_api "$ENGINE")"
  v="/v$api"
  out="$FIXTURES/$(fixture_dir_name "$ENGINE")"
  tmp="$(mktemp -d "$FIXTURES/.recording-XXXXXX")"
  printf 'file\tmethod\tpath\tstatus\n' >"$tmp/requests.tsv"

  local id_running id_logger id_tty
  id_running="$(swtop_docker "$ENGINE" inspect -f '{{.Id}}' swtop-running)"
  id_logger="$(swtop_docker "$ENGINE" inspect -f '{{.Id}}' swtop-logger)"
  id_tty="$(swtop_docker "$ENGINE" inspect -f '{{.Id}}' swtop-tty)"

  # /_ping unversioned: that is how a client learns the API version.
  fetch "$tmp" ping-body.txt GET /_ping 200 ping-headers.txt
  fetch "$tmp" version.json GET "$v/version" 200
  fetch "$tmp" info.json GET "$v/info" 200
  fetch "$tmp" containers.json GET "$v/containers/json?all=1" 200
  fetch "$tmp" container-inspect-running.json GET "$v/containers/$id_running/json" 200
  fetch "$tmp" container-inspect-exited.json GET "$v/containers/swtop-exited/json" 200
  fetch "$tmp" container-inspect-tty.json GET "$v/containers/$id_tty/json" 200
  fetch "$tmp" container-inspect-paused.json GET "$v/containers/swtop-paused/json" 200
  fetch "$tmp" container-inspect-created.json GET "$v/containers/swtop-created/json" 200
  fetch "$tmp" container-inspect-ports.json GET "$v/containers/swtop-web/json" 200
  fetch "$tmp" container-inspect-korean.json GET "$v/containers/swtop-korean/json" 200
  fetch "$tmp" images.json GET "$v/images/json" 200
  fetch "$tmp" image-inspect-layers.json GET "$v/images/swtop/layers:latest/json" 200
  fetch "$tmp" image-history-layers.json GET "$v/images/swtop/layers:latest/history" 200
  fetch "$tmp" stats-oneshot.json GET "$v/containers/$id_running/stats?stream=false&one-shot=true" 200
  local now filt
  now="$(date +%s)"
  # {"container":["swtop-stopped"]}: create, start, kill, die, stop of one container.
  filt='%7B%22container%22%3A%5B%22swtop-stopped%22%5D%7D'
  fetch "$tmp" events.ndjson GET "$v/events?since=0&until=$now&filters=$filt" 200
  # Everything the engine kept since it started (container, image, network, volume events).
  fetch "$tmp" events-all.ndjson GET "$v/events?since=0&until=$now" 200
  fetch "$tmp" error-404.json GET "$v/containers/swtop-no-such-container/json" 404
  fetch "$tmp" error-409.json POST "$v/containers/swtop-exited/pause" 409
  fetch "$tmp" logs-framed.bin GET "$v/containers/$id_logger/logs?stdout=1&stderr=1" 200 logs-framed-headers.txt
  fetch "$tmp" logs-framed-timestamps.bin GET "$v/containers/$id_logger/logs?stdout=1&stderr=1&timestamps=1" 200
  fetch "$tmp" logs-tty.bin GET "$v/containers/$id_tty/logs?stdout=1&stderr=1" 200 logs-tty-headers.txt

  check_recording "$tmp"
  mkdir -p "$out"
  local f
  for f in "$tmp"/*; do
    mv -f "$f" "$out/"
  done
  rmdir "$tmp"
  swtop_log "$ENGINE: recorded $(($(wc -l <"$out/requests.tsv") - 1)) payloads into ${out#"$SWTOP_ROOT"/}"
}

# Sanity checks, so that a bad seed never turns into fixtures.
check_recording() {
  local t="$1"
  [[ "$(cat "$t/ping-body.txt")" == OK ]] || swtop_die "$ENGINE: /_ping body is not OK"
  grep -qi '^Api-Version: ' "$t/ping-headers.txt" || swtop_die "$ENGINE: no Api-Version header"
  jq -e '.State.Running == true' "$t/container-inspect-running.json" >/dev/null
  jq -e '.State.Status == "exited" and .State.ExitCode == 3' "$t/container-inspect-exited.json" >/dev/null
  jq -e '.Config.Tty == true' "$t/container-inspect-tty.json" >/dev/null
  jq -e '.State.Paused == true' "$t/container-inspect-paused.json" >/dev/null
  jq -e '.State.Status == "created"' "$t/container-inspect-created.json" >/dev/null
  jq -e '[.[] | select(.Labels["swtop.sample"] == "1")] | length >= 15' "$t/containers.json" >/dev/null
  jq -e 'length >= 9' "$t/image-history-layers.json" >/dev/null
  jq -e '.RootFS.Layers | length >= 9' "$t/image-inspect-layers.json" >/dev/null
  jq -e '.cpu_stats.cpu_usage.total_usage > 0' "$t/stats-oneshot.json" >/dev/null
  jq -e '.message | length > 0' "$t/error-404.json" "$t/error-409.json" >/dev/null
  local actions
  actions="$(jq -r .Action "$t/events.ndjson" | sort -u | tr '\n' ' ')"
  for a in create start die stop; do
    [[ " $actions" == *" $a "* ]] || swtop_die "$ENGINE: events.ndjson lacks '$a' (has: $actions)"
  done
  # Framed: first header byte is the stream (1 stdout, 2 stderr); TTY: raw text.
  local first
  first="$(head -c 1 "$t/logs-framed.bin" | od -An -tu1 | tr -d ' ')"
  [[ "$first" == 1 ]] || swtop_die "$ENGINE: logs-framed.bin does not start with a stdout frame"
  head -c 5 "$t/logs-tty.bin" | grep -q '^tty-1' || swtop_die "$ENGINE: logs-tty.bin does not start with tty-1"
}

main() {
  [[ "$(id -u)" == 0 ]] || swtop_die "must run as root"
  local engines=("$@")
  (( ${#engines[@]} )) || engines=(bookworm trixie)
  local e
  for e in "${engines[@]}"; do
    fixture_dir_name "$e" >/dev/null
  done
  mkdir -p "$FIXTURES"
  for e in "${engines[@]}"; do
    ensure_engine "$e"
  done
  for e in "${engines[@]}"; do
    record_engine "$e"
  done
}

main "$@"

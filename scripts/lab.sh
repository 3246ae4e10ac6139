#!/usr/bin/env bash
# lrb test lab: installs and starts the real services lrb's tests talk to.
#
#   scripts/lab.sh [up]   install what is missing, start everything, wait until ready
#   scripts/lab.sh down   stop everything (state dir and images are kept)
#   scripts/lab.sh status print what is up; exit 1 if anything is down
#   scripts/lab.sh env    print `export` lines with the lab's addresses
#
# Idempotent: `up` on a running lab only checks it. State (PostgreSQL data,
# Redis pid/log files, the served www copy, the compose db/redis data, Prometheus) lives in
# ${LRB_LAB_DIR:-/tmp/lrb-lab}. See lab/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB_DIR="${LRB_LAB_DIR:-/tmp/lrb-lab}"
case "$LAB_DIR" in
  /*) ;;
  *) LAB_DIR="$(pwd)/$LAB_DIR" ;;
esac
export LRB_LAB_DIR="$LAB_DIR" # docker-compose.yml mounts ${LRB_LAB_DIR}/www

PG_PORT=55432
PG_USER=lrb
PG_PASSWORD=lrb-secret-pw
PG_DB=lineup
PG_DATA="$LAB_DIR/pg/data"
PG_SOCK="$LAB_DIR/pg/sock"
PG_LOG="$LAB_DIR/pg/postgres.log"

REDIS_PORT=56379
REDIS_AUTH_PORT=56380
REDIS_AUTH_PASSWORD=lrb-redis-pw

HTTP_PORT=53000
COMPOSE_FILE="$ROOT/lab/docker-compose.yml"
COMPOSE_PROJECT=lrblab
IMAGE=lrb-lab/busybox:latest
# The deployment rollback test's compose project (lab/deploy/), on its own port.
DEPLOY_PROJECT=lrbdeploy
DEPLOY_PORT=53001

# PostgreSQL and Redis as compose services (containers `postgres` and `redis`),
# for runbooks that act through docker-compose. Same role, password and
# database as the native cluster; the values are repeated in docker-compose.yml.
CPG_PORT=55433
CREDIS_PORT=56381
PGR_IMAGE=lrb-lab/pgredis:latest
PG15=/usr/lib/postgresql/15
# Host files copied into $PGR_IMAGE, plus the shared libraries they need (ldd),
# plus the static /bin/busybox for a shell. (initdb runs `locale -a`; setpriv
# drops root in the entrypoint.)
PGR_BINS=("$PG15"/bin/{postgres,initdb,pg_ctl,pg_isready,psql,pg_dump,pg_dumpall,pg_restore}
  /usr/bin/redis-server /usr/bin/redis-cli /usr/bin/setpriv /usr/bin/locale)
PGR_TREES=(/usr/share/postgresql/15 /usr/share/zoneinfo /usr/lib/locale/C.utf8)
PGR_OLD_ID="" # set by pgr_image_up when it replaces an image

# The fleet: three SSH hosts for `lrb export ansible` (tests/integration/export_ansible.rs),
# each its own sshd on 127.0.0.N:2222 with its own state dir, driven by Ansible from a venv.
FLEET_HOSTS=(11 12 13)
FLEET_PORT=2222
SSH_DIR="$LAB_DIR/ssh"
FLEET_DIR="$LAB_DIR/fleet"
VENV="$LAB_DIR/venv"
# Pinned: the newest that install on Debian 12's Python 3.11.
PIP_PACKAGES=(ansible-core==2.19.14 ansible-lint==26.10.1)

# Our own Prometheus (not Debian's service, not :9090, which is left alone) and a file exporter:
# busybox httpd serving the exposition files tests write, found through file_sd_configs.
PROM_PORT=59090
PROM_EXPORTER_PORT=59100
PROM_DIR="$LAB_DIR/prom"
PROM_USER=prometheus # the Debian package's user; root if it does not exist

# neovim: the editor of the end-to-end language-server test (tests/integration/editor_neovim.rs).
APT_PACKAGES=(postgresql postgresql-client redis-server redis-tools busybox-static shellcheck jq curl neovim
  openssh-server openssh-client python3-venv prometheus)

log() { printf '[lab] %s\n' "$*" >&2; }
die() {
  printf '[lab] ERROR: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '[lab]   %s\n' "$line" >&2; done
  exit 1
}

# wait_for SECONDS COMMAND...: retry COMMAND every 0.2s until it succeeds.
wait_for() {
  local secs="$1"
  shift
  local tries=$((secs * 5))
  while ((tries-- > 0)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  return 1
}

# wait_running SECONDS CONTAINER COMMAND...: like wait_for, but give up as soon
# as CONTAINER is no longer running (a crash should not cost the full timeout).
wait_running() {
  local secs="$1" c="$2"
  shift 2
  local tries=$((secs * 5))
  while ((tries-- > 0)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    [[ "$(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" == true ]] || return 1
    sleep 0.2
  done
  return 1
}

port_in_use() { # port_in_use PORT: true if something listens on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
port_free() { ! port_in_use "$1"; }

as_postgres() { runuser -u postgres -- "$@"; }

# ---------------------------------------------------------------- packages --
install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  [[ $(id -u) -eq 0 ]] || die "packages missing: ${missing[*]}" \
    "run as root, or: sudo apt-get install -y ${missing[*]}"
  log "installing with apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LAB_DIR/apt.log" 2>&1 ||
    die "step 'apt-get update' failed" "see $LAB_DIR/apt.log"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LAB_DIR/apt.log" 2>&1 ||
    die "step 'apt-get install ${missing[*]}' failed" "see $LAB_DIR/apt.log"
  if [[ " ${missing[*]} " == *" prometheus "* ]]; then prom_service_off; fi
}

# The package starts (and enables at boot) its own server on :9090. The lab runs its own instance
# on $PROM_PORT, so the packaged one is stopped and disabled, once, right after installing it.
prom_service_off() {
  log "prometheus: stopping and disabling the packaged service (the lab runs its own on :$PROM_PORT)"
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now prometheus.service >>"$LAB_DIR/apt.log" 2>&1 || true
  else
    invoke-rc.d prometheus stop >>"$LAB_DIR/apt.log" 2>&1 || true
    update-rc.d prometheus disable >>"$LAB_DIR/apt.log" 2>&1 || true
  fi
}

pg_bin() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$d" && -x "$d/pg_ctl" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql" \
    "install them: apt-get install -y postgresql"
  printf '%s\n' "$d"
}

# -------------------------------------------------------------- postgresql --
pg_running() { [[ -f "$PG_DATA/PG_VERSION" ]] && as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }
pg_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 1; }
pg_login() { PGPASSWORD="$PG_PASSWORD" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -tAc 'select 1'; }

pg_up() {
  local bin
  bin="$(pg_bin)"
  mkdir -p "$LAB_DIR/pg"
  chown postgres:postgres "$LAB_DIR/pg"
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "postgres: initdb $PG_DATA"
    install -d -o postgres -g postgres -m 700 "$PG_DATA"
    as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >"$LAB_DIR/pg/initdb.log" 2>&1 ||
      die "step 'postgres initdb' failed" "see $LAB_DIR/pg/initdb.log" "to start over: scripts/lab.sh down && rm -rf $LAB_DIR/pg"
  fi
  install -d -o postgres -g postgres -m 755 "$PG_SOCK"
  if ! pg_running; then
    if port_in_use "$PG_PORT"; then
      die "step 'postgres start': port 127.0.0.1:$PG_PORT is already taken by another program" \
        "find it: ss -ltnp 'sport = :$PG_PORT'; stop it, then rerun scripts/lab.sh up"
    fi
    log "postgres: starting on 127.0.0.1:$PG_PORT"
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCK" start >/dev/null ||
      die "step 'postgres start' failed" "see $PG_LOG (last lines below)" "$(tail -n 5 "$PG_LOG" 2>/dev/null || true)"
  fi
  wait_for 30 pg_ready ||
    die "step 'postgres wait': 127.0.0.1:$PG_PORT does not accept connections" "see $PG_LOG"
  if ! pg_login >/dev/null 2>&1; then
    log "postgres: creating role $PG_USER and database $PG_DB"
    local psql_su=(psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres)
    as_postgres "${psql_su[@]}" >/dev/null <<SQL || die "step 'postgres create role/database' failed" "try: runuser -u postgres -- ${psql_su[*]}"
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN;
  END IF;
END \$\$;
ALTER ROLE $PG_USER WITH LOGIN PASSWORD '$PG_PASSWORD';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
    pg_login >/dev/null 2>&1 ||
      die "step 'postgres login check': cannot log in as $PG_USER to $PG_DB" "see $PG_LOG"
  fi
}

pg_down() {
  if pg_running; then
    log "postgres: stopping"
    as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null ||
      die "step 'postgres stop' failed" "see $PG_LOG"
  fi
}

# ------------------------------------------------------------------- redis --
redis_ping() { # redis_ping PORT [PASSWORD]; redis-cli has no connect timeout of its own
  local out
  if [[ -n "${2:-}" ]]; then
    out="$(REDISCLI_AUTH="$2" timeout 3 redis-cli --no-auth-warning -h 127.0.0.1 -p "$1" ping 2>/dev/null)" || return 1
  else
    out="$(timeout 3 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" || return 1
  fi
  [[ "$out" == PONG ]]
}

redis_up() { # redis_up PORT [PASSWORD]
  local port="$1" pass="${2:-}" dir="$LAB_DIR/redis-$1"
  if redis_ping "$port" "$pass"; then return 0; fi
  if port_in_use "$port"; then
    die "step 'redis $port start': 127.0.0.1:$port is taken but does not answer PING${pass:+ with the lab password}" \
      "find it: ss -ltnp 'sport = :$port'; stop it, then rerun scripts/lab.sh up"
  fi
  mkdir -p "$dir"
  {
    echo "# written by scripts/lab.sh"
    echo "bind 127.0.0.1"
    echo "port $port"
    echo "daemonize yes"
    echo "pidfile $LAB_DIR/redis-$port.pid"
    echo "logfile $dir/redis.log"
    echo "dir $dir"
    echo 'save ""'
    echo "appendonly no"
    if [[ -n "$pass" ]]; then echo "requirepass $pass"; fi
  } >"$dir/redis.conf"
  chmod 600 "$dir/redis.conf"
  log "redis: starting on 127.0.0.1:$port${pass:+ (requirepass set)}"
  redis-server "$dir/redis.conf" ||
    die "step 'redis $port start' failed" "see $dir/redis.log"
  wait_for 15 redis_ping "$port" "$pass" ||
    die "step 'redis $port wait': no PONG from 127.0.0.1:$port" "see $dir/redis.log"
}

redis_down() { # redis_down PORT [PASSWORD]
  local port="$1" pass="${2:-}" pidfile="$LAB_DIR/redis-$1.pid" pid=""
  [[ -f "$pidfile" ]] && pid="$(cat "$pidfile" 2>/dev/null || true)"
  if redis_ping "$port" "$pass"; then
    log "redis: stopping 127.0.0.1:$port"
    if [[ -n "$pass" ]]; then
      REDISCLI_AUTH="$pass" timeout 5 redis-cli --no-auth-warning -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    else
      timeout 5 redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    fi
  fi
  # If it did not answer (or did not stop), use the pid file, but only if it
  # names a redis-server.
  if [[ -n "$pid" ]] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
  fi
  wait_for 10 port_free "$port" ||
    die "step 'redis $port stop': 127.0.0.1:$port is still listening" "find it: ss -ltnp 'sport = :$port'"
  rm -f "$pidfile"
}

# ------------------------------------------------------------------ docker --
docker_check() {
  command -v docker >/dev/null || die "docker CLI not found" "the lab needs a running Docker engine"
  docker info >/dev/null 2>&1 || die "step 'docker info': the Docker engine does not answer" \
    "start it (dockerd) and check: docker info"
  command -v docker-compose >/dev/null || die "docker-compose (v1) not found" \
    "install it: apt-get install -y docker-compose"
}

compose() { docker-compose --ansi never -p "$COMPOSE_PROJECT" -f "$COMPOSE_FILE" "$@"; }

image_up() {
  local ctx="$ROOT/lab/busybox" hash have
  if [[ ! -x /bin/busybox ]] || ! file_is_static /bin/busybox; then
    die "step 'image build': /bin/busybox is missing or not static" "install it: apt-get install -y busybox-static"
  fi
  # Rebuild only when the Dockerfile, rootfs/ or Debian's busybox changed.
  hash="$(cd "$ctx" && { cat Dockerfile /bin/busybox; find rootfs -print | LC_ALL=C sort; find rootfs -type f -print0 | LC_ALL=C sort -z | xargs -0 cat; } | sha256sum | cut -c1-16)"
  have="$(docker image inspect -f '{{index .Config.Labels "lrb.lab.hash"}}' "$IMAGE" 2>/dev/null || true)"
  local blog="$LAB_DIR/docker-build.log"
  if [[ "$have" != "$hash" ]]; then
    log "docker: building $IMAGE (FROM scratch, no registry)"
    cp /bin/busybox "$ctx/busybox"
    # The legacy builder: it needs no buildx plugin and never contacts a registry for FROM scratch
    # or for a local base image.
    DOCKER_BUILDKIT=0 docker build -q --build-arg LRB_LAB_VERSION=v1.0.0 --build-arg LRB_LAB_HASH="$hash" \
      -t "$IMAGE" "$ctx" >"$blog" 2>&1 ||
      die "step 'docker build $IMAGE' failed" "see $blog"
    rm -f "$ctx/busybox"
  fi
  # The releases are built on $IMAGE, so its hash is part of theirs. A change to the pages alone
  # rebuilds only them: the lab's own containers keep running on the unchanged $IMAGE.
  hash="$hash-$(cd "$ROOT/lab" && { cat deploy/Dockerfile; find backend/www -type f -print0 | LC_ALL=C sort -z | xargs -0 cat; } | sha256sum | cut -c1-8)"
  have="$(docker image inspect -f '{{index .Config.Labels "lrb.lab.hash"}}' lineup-backend:v0.9.0 lineup-backend:v1.0.0 2>/dev/null | sort -u || true)"
  if [[ "$have" == "$hash" ]] &&
    docker image inspect lineup-backend:bad lineup-backend:previous-version >/dev/null 2>&1; then
    return 0
  fi
  log "docker: building two lineup-backend releases on $IMAGE"
  release_image v0.9.0 0.1 previous-version "$hash"
  release_image v1.0.0 12.5 bad "$hash"
  docker tag lineup-backend:bad lineup-backend:latest
}

# release_image VERSION ERROR_RATE ALIAS HASH: the lineup backend as released at VERSION (see lab/deploy/).
release_image() {
  local blog="$LAB_DIR/docker-build.log"
  DOCKER_BUILDKIT=0 docker build -q --build-arg VERSION="$1" --build-arg ERROR_RATE="$2" --label lrb.lab.hash="$4" \
    -f "$ROOT/lab/deploy/Dockerfile" -t "lineup-backend:$1" -t "lineup-backend:$3" \
    "$ROOT/lab/backend" >>"$blog" 2>&1 ||
    die "step 'docker build lineup-backend:$1' failed" "see $blog"
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

# PostgreSQL's server modules, minus the LLVM JIT (it would pull in 100 MB of
# libLLVM; the image runs with jit = off).
pgr_pglibs() { find "$PG15/lib" -maxdepth 1 -type f -name '*.so' ! -name 'llvmjit*' | LC_ALL=C sort; }

# pgr_hash: fingerprint of the image's inputs. It looks at names, sizes and
# mtimes only (a package upgrade changes them), so it costs milliseconds; ldd
# runs only when the image is (re)built. Shared libraries are not part of it: a
# library upgrade alone leaves the image as it was, which stays self-consistent.
pgr_hash() {
  local ctx="$ROOT/lab/pgredis"
  {
    cd "$ctx"
    cat Dockerfile
    find rootfs -print | LC_ALL=C sort
    find rootfs -type f -print0 | LC_ALL=C sort -z | xargs -0 cat
    stat -L -c '%n %s %Y' "${PGR_BINS[@]}" /bin/busybox
    pgr_pglibs | xargs stat -c '%n %s %Y'
    find "${PGR_TREES[@]}" -printf '%p %s %T@\n' | LC_ALL=C sort
    getent passwd postgres redis
    getent group postgres redis
  } | sha256sum | cut -c1-16
}

pgr_copy() { # pgr_copy HOST_FILE DEST_ROOT: copy (dereferenced) under its canonical directory
  local dir
  dir="$(readlink -f "$(dirname "$1")")"
  mkdir -p "$2$dir"
  cp -L --preserve=mode "$1" "$2$dir/$(basename "$1")"
}

pgr_stage() { # pgr_stage CTX: the build context, in the state dir
  local ctx="$1" files="$1/files" f libs
  rm -rf "$ctx"
  mkdir -p "$files"
  cp "$ROOT/lab/pgredis/Dockerfile" "$ctx/"
  cp -a "$ROOT/lab/pgredis/rootfs" "$ctx/"
  # The host's ids for postgres and redis (their Debian packages created them).
  if ! id postgres >/dev/null 2>&1 || ! id redis >/dev/null 2>&1; then
    die "step 'image stage': no postgres or redis user on this host" "install: apt-get install -y postgresql-15 redis-server"
  fi
  local pu pg ru rg
  pu="$(id -u postgres)" pg="$(id -g postgres)" ru="$(id -u redis)" rg="$(id -g redis)"
  mkdir -p "$ctx/rootfs/etc"
  cat >"$ctx/rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
postgres:x:$pu:$pg:PostgreSQL administrator:/var/lib/postgresql:/bin/sh
redis:x:$ru:$rg:Redis:/data:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$ctx/rootfs/etc/group" <<EOF
root:x:0:
postgres:x:$pg:
redis:x:$rg:
nogroup:x:65534:
EOF
  # Debian is merged-/usr: ldd names /lib/..., /lib64/...; copies land under usr/.
  mkdir -p "$files/usr/lib" "$files/usr/lib64" "$files/bin"
  ln -s usr/lib "$files/lib"
  ln -s usr/lib64 "$files/lib64"
  cp /bin/busybox "$files/bin/busybox"
  mapfile -t libs < <(pgr_pglibs)
  for f in "${PGR_BINS[@]}" "${libs[@]}"; do pgr_copy "$f" "$files"; done
  # Every shared library (and the dynamic loader) the binaries and modules load.
  local deps
  deps="$(for f in "${PGR_BINS[@]}" "${libs[@]}"; do ldd "$f"; done)" ||
    die "step 'image stage': ldd failed" "try: ldd ${PGR_BINS[0]}"
  if grep -q 'not found' <<<"$deps"; then
    die "step 'image stage': a shared library is missing on this host" "$(grep 'not found' <<<"$deps" | sort -u | head -n 5)"
  fi
  while read -r f; do pgr_copy "$f" "$files"; done < <(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' <<<"$deps" | LC_ALL=C sort -u)
  for f in "${PGR_TREES[@]}"; do
    mkdir -p "$files$(dirname "$f")"
    cp -a "$f" "$files$(dirname "$f")/"
  done
  rm -f "$files/usr/share/zoneinfo/localtime" # -> /etc/localtime, dangling in the image
}

pgr_image_up() {
  local f hash have ctx="$LAB_DIR/pgredis-ctx" blog="$LAB_DIR/docker-build-pgredis.log"
  for f in "${PGR_BINS[@]}" /bin/busybox "${PGR_TREES[@]}"; do
    [[ -e "$f" ]] || die "step 'image $PGR_IMAGE': $f is missing on this host" \
      "install it: apt-get install -y postgresql-15 redis-server busybox-static util-linux tzdata"
  done
  hash="$(pgr_hash)"
  have="$(docker image inspect -f '{{index .Config.Labels "lrb.lab.hash"}}' "$PGR_IMAGE" 2>/dev/null || true)"
  [[ "$have" == "$hash" ]] && return 0
  PGR_OLD_ID="$(docker image inspect -f '{{.Id}}' "$PGR_IMAGE" 2>/dev/null || true)"
  log "docker: building $PGR_IMAGE (FROM scratch + Debian's PostgreSQL 15 and Redis, no registry)"
  pgr_stage "$ctx"
  DOCKER_BUILDKIT=0 docker build -q --build-arg LRB_LAB_HASH="$hash" -t "$PGR_IMAGE" "$ctx" >"$blog" 2>&1 ||
    die "step 'docker build $PGR_IMAGE' failed" "see $blog; the context is kept in $ctx"
  rm -rf "$ctx"
}

http_live() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/live"; }

compose_up() {
  # The backend serves a copy of lab/backend/www, refreshed on every `up`.
  mkdir -p "$LAB_DIR/www" "$LAB_DIR/compose/db" "$LAB_DIR/compose/redis"
  cp -a "$ROOT/lab/backend/www/." "$LAB_DIR/www/"
  chmod -R a+rX "$LAB_DIR/www"
  local clog="$LAB_DIR/compose.log"
  if ! compose up -d >"$clog" 2>&1; then
    if grep -qi 'port is already allocated\|address already in use' "$clog"; then
      die "step 'docker-compose up': one of 127.0.0.1:$HTTP_PORT, :$CPG_PORT, :$CREDIS_PORT is taken" \
        "find it: ss -ltnp 'sport = :$HTTP_PORT or sport = :$CPG_PORT or sport = :$CREDIS_PORT'; see $clog"
    fi
    if grep -qi 'container name .* is already in use' "$clog"; then
      die "step 'docker-compose up': a container named backend, worker, postgres or redis exists outside project $COMPOSE_PROJECT" \
        "remove it (docker rm -f <name>) and rerun scripts/lab.sh up; see $clog"
    fi
    die "step 'docker-compose up' failed" "see $clog (last lines below)" "$(tail -n 5 "$clog")"
  fi
  wait_for 30 http_live ||
    die "step 'backend wait': http://127.0.0.1:$HTTP_PORT/health/live does not answer 200" \
      "look: docker-compose -p $COMPOSE_PROJECT -f $COMPOSE_FILE logs --tail=20 backend"
  # The first start of `db` runs initdb (a few seconds); later starts take about one.
  wait_running 60 postgres cpg_login ||
    die "step 'db wait': SELECT 1 as $PG_USER on 127.0.0.1:$CPG_PORT/$PG_DB fails (container postgres is $(container_state postgres))" \
      "look: docker-compose -p $COMPOSE_PROJECT -f $COMPOSE_FILE logs --tail=50 db"
  wait_running 30 redis redis_ping "$CREDIS_PORT" ||
    die "step 'redis wait': no PONG from 127.0.0.1:$CREDIS_PORT (container redis is $(container_state redis))" \
      "look: docker-compose -p $COMPOSE_PROJECT -f $COMPOSE_FILE logs --tail=50 redis"
  local c
  for c in backend postgres redis; do
    wait_for 30 container_healthy "$c" ||
      die "step '$c healthcheck': container $c is $(container_state "$c"), not healthy" \
        "look: docker inspect -f '{{json .State.Health}}' $c | jq"
  done
}

# After a rebuild, drop the replaced image once compose has recreated its containers.
pgr_image_cleanup() {
  [[ -n "$PGR_OLD_ID" ]] || return 0
  [[ "$(docker image inspect -f '{{.Id}}' "$PGR_IMAGE" 2>/dev/null)" != "$PGR_OLD_ID" ]] || return 0
  docker rmi "$PGR_OLD_ID" >/dev/null 2>&1 || true
}

# SELECT 1 through the published port of compose service `db`.
cpg_login() { PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=3 psql -X -q -h 127.0.0.1 -p "$CPG_PORT" -U "$PG_USER" -d "$PG_DB" -tAc 'select 1'; }

container_state() {
  local st
  if st="$(docker inspect -f '{{.State.Status}}{{if .State.Health}}/{{.State.Health.Status}}{{end}}' "$1" 2>/dev/null)"; then
    printf '%s\n' "$st"
  else
    echo absent
  fi
}
container_healthy() { [[ "$(container_state "$1")" == running/healthy ]]; }

# ------------------------------------------------------------------- fleet --
addr_in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; } # addr_in_use ADDR PORT

# The fleet's ssh keys: one host key the three sshd share, one client key the tests log in with.
ssh_keys() {
  install -d -m 700 "$SSH_DIR"
  [[ -f "$SSH_DIR/host_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C lrb-lab-host -f "$SSH_DIR/host_ed25519"
  [[ -f "$SSH_DIR/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C lrb-lab-client -f "$SSH_DIR/id_ed25519"
  cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys"
  chmod 600 "$SSH_DIR/authorized_keys"
}

# fleet_host_up N: the sshd of host 127.0.0.N; its sessions get LRB_FLEET_DIR, the host's state.
fleet_host_up() {
  local n="$1" addr="127.0.0.$1" conf="$SSH_DIR/sshd-$1.conf" log="$SSH_DIR/sshd-$1.log"
  mkdir -p "$FLEET_DIR/host$n"
  if addr_in_use "$addr" "$FLEET_PORT"; then return 0; fi
  cat >"$conf" <<EOF
# written by scripts/lab.sh
ListenAddress $addr:$FLEET_PORT
HostKey $SSH_DIR/host_ed25519
PidFile $SSH_DIR/sshd-$n.pid
AuthorizedKeysFile $SSH_DIR/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
SetEnv LRB_FLEET_HOST=host$n LRB_FLEET_DIR=$FLEET_DIR/host$n
EOF
  mkdir -p /run/sshd
  log "fleet: sshd on $addr:$FLEET_PORT"
  /usr/sbin/sshd -f "$conf" -E "$log" || die "step 'sshd $addr' failed" "see $log"
  wait_for 10 addr_in_use "$addr" "$FLEET_PORT" || die "step 'sshd $addr wait': nothing listens" "see $log"
}

fleet_host_down() {
  local pidfile="$SSH_DIR/sshd-$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && grep -q sshd "/proc/$pid/cmdline" 2>/dev/null; then
    log "fleet: stopping sshd on 127.0.0.$1:$FLEET_PORT"
    kill "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# The venv with Ansible, made once; pip runs again only when the pins change.
venv_up() {
  local want="${PIP_PACKAGES[*]}"
  [[ -x "$VENV/bin/ansible-playbook" && "$(cat "$VENV/lrb-pins" 2>/dev/null)" == "$want" ]] && return 0
  log "venv: installing ${PIP_PACKAGES[*]} into $VENV"
  python3 -m venv "$VENV" >"$LAB_DIR/venv.log" 2>&1 || die "step 'python3 -m venv' failed" "see $LAB_DIR/venv.log"
  "$VENV/bin/pip" install -q "${PIP_PACKAGES[@]}" >>"$LAB_DIR/venv.log" 2>&1 ||
    die "step 'pip install ${PIP_PACKAGES[*]}' failed" "see $LAB_DIR/venv.log"
  printf '%s' "$want" >"$VENV/lrb-pins"
}

fleet_up() {
  local n
  ssh_keys
  for n in "${FLEET_HOSTS[@]}"; do fleet_host_up "$n"; done
  venv_up
}

# -------------------------------------------------------------- prometheus --
prom_ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PROM_PORT/-/ready"; }

# pid_of PIDFILE NAME: the pid in PIDFILE if that process is alive and its command line names NAME.
pid_of() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && grep -q "$2" "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

# spawn PIDFILE LOG CMD...: start CMD in the background as $PROM_USER, its pid in PIDFILE
# (the subshell and setpriv exec, so $! is CMD's own pid). The daemon gets no descriptor but
# 0-2: one inherited from the caller (a held lab.lock, a test's pipe) would stay open for
# as long as the daemon runs.
spawn() {
  local pidfile="$1" log="$2" run
  shift 2
  run=("$@")
  if id "$PROM_USER" >/dev/null 2>&1; then
    run=(setpriv --reuid="$PROM_USER" --regid="$PROM_USER" --init-groups -- "$@")
  fi
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec "${run[@]}"
  ) </dev/null >>"$log" 2>&1 &
  echo $! >"$pidfile"
}

prom_config() {
  cat <<EOF
# written by scripts/lab.sh
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  # The lab backend (container backend) and the rollback test's release (project $DEPLOY_PROJECT,
  # down unless that test runs). busybox httpd runs CGI only under /cgi-bin/.
  - job_name: lineup
    metrics_path: /cgi-bin/metrics
    static_configs: [{targets: ["127.0.0.1:$HTTP_PORT"]}]
  - job_name: lineup-deploy
    metrics_path: /cgi-bin/metrics
    static_configs: [{targets: ["127.0.0.1:$DEPLOY_PORT"]}]
  # One target per file sd/NAME.json, scraping www/NAME.prom; see lab/README.md.
  - job_name: lab-files
    file_sd_configs:
      - files: ["$PROM_DIR/sd/*.json"]
        refresh_interval: 1s
EOF
}

prom_args() {
  printf '%s\n' prometheus "--config.file=$PROM_DIR/prometheus.yml" "--storage.tsdb.path=$PROM_DIR/data" \
    --storage.tsdb.retention.time=1d "--web.listen-address=127.0.0.1:$PROM_PORT"
}

# The file exporter: busybox httpd on the host, serving $PROM_DIR/www.
exporter_up() {
  local pidfile="$PROM_DIR/exporter.pid" log="$PROM_DIR/exporter.log"
  printf '.prom:text/plain; version=0.0.4\n' >"$PROM_DIR/httpd.conf"
  if pid_of "$pidfile" httpd >/dev/null && port_in_use "$PROM_EXPORTER_PORT"; then return 0; fi
  if port_in_use "$PROM_EXPORTER_PORT"; then
    die "step 'exporter start': port 127.0.0.1:$PROM_EXPORTER_PORT is already taken by another program" \
      "find it: ss -ltnp 'sport = :$PROM_EXPORTER_PORT'; stop it, then rerun scripts/lab.sh up"
  fi
  log "prometheus: file exporter (busybox httpd) on 127.0.0.1:$PROM_EXPORTER_PORT"
  spawn "$pidfile" "$log" busybox httpd -f -p "127.0.0.1:$PROM_EXPORTER_PORT" -h "$PROM_DIR/www" -c "$PROM_DIR/httpd.conf"
  wait_for 10 port_in_use "$PROM_EXPORTER_PORT" ||
    die "step 'exporter wait': nothing listens on 127.0.0.1:$PROM_EXPORTER_PORT" "see $log"
}

prom_up() {
  local pidfile="$PROM_DIR/prometheus.pid" log="$PROM_DIR/prometheus.log" pid="" args
  command -v prometheus >/dev/null || die "prometheus not found" "install it: apt-get install -y prometheus"
  mkdir -p "$PROM_DIR/www" "$PROM_DIR/sd" "$PROM_DIR/data"
  chmod 755 "$PROM_DIR" "$PROM_DIR/www" "$PROM_DIR/sd"
  if id "$PROM_USER" >/dev/null 2>&1; then chown "$PROM_USER:" "$PROM_DIR/data"; fi
  exporter_up
  args="$(prom_args)"
  pid="$(pid_of "$pidfile" prometheus)" || pid=""
  # A server started with other flags (an older lab.sh) is restarted; a paused one resumed.
  if [[ -n "$pid" && "$(tr '\0' '\n' <"/proc/$pid/cmdline")" != "$args" ]]; then
    prom_stop "$pid"
    pid=""
  fi
  if [[ -n "$pid" && "$(awk '{ print $3 }' "/proc/$pid/stat")" == T ]]; then
    log "prometheus: resuming the stopped server (pid $pid)"
    kill -CONT "$pid"
  fi
  if ! cmp -s <(prom_config) "$PROM_DIR/prometheus.yml"; then
    prom_config >"$PROM_DIR/prometheus.yml"
    if [[ -n "$pid" ]]; then
      log "prometheus: config changed, reloading"
      kill -HUP "$pid"
    fi
  fi
  if [[ -z "$pid" ]]; then
    if port_in_use "$PROM_PORT"; then
      die "step 'prometheus start': port 127.0.0.1:$PROM_PORT is already taken by another program" \
        "find it: ss -ltnp 'sport = :$PROM_PORT'; stop it, then rerun scripts/lab.sh up"
    fi
    log "prometheus: starting on 127.0.0.1:$PROM_PORT"
    mapfile -t args < <(prom_args)
    spawn "$pidfile" "$log" "${args[@]}"
  fi
  wait_for 60 prom_ready ||
    die "step 'prometheus wait': http://127.0.0.1:$PROM_PORT/-/ready does not answer 200" "see $log (last lines below)" \
      "$(tail -n 5 "$log" 2>/dev/null || true)"
}

prom_stop() { # prom_stop PID: SIGTERM, then wait for the port to close
  log "prometheus: stopping (pid $1)"
  kill -CONT "$1" 2>/dev/null || true
  kill "$1" 2>/dev/null || true
  wait_for 30 port_free "$PROM_PORT" ||
    die "step 'prometheus stop': 127.0.0.1:$PROM_PORT is still listening" "find it: ss -ltnp 'sport = :$PROM_PORT'"
}

prom_down() {
  local pid
  if pid="$(pid_of "$PROM_DIR/prometheus.pid" prometheus)"; then prom_stop "$pid"; fi
  rm -f "$PROM_DIR/prometheus.pid"
  if pid="$(pid_of "$PROM_DIR/exporter.pid" httpd)"; then
    log "prometheus: stopping the file exporter"
    kill "$pid" 2>/dev/null || true
    wait_for 10 port_free "$PROM_EXPORTER_PORT" || true
  fi
  rm -f "$PROM_DIR/exporter.pid"
}

# --------------------------------------------------------------- commands --
cmd_up() {
  mkdir -p "$LAB_DIR"
  chmod 755 "$LAB_DIR"
  install_packages
  docker_check
  pg_up
  redis_up "$REDIS_PORT"
  redis_up "$REDIS_AUTH_PORT" "$REDIS_AUTH_PASSWORD"
  image_up
  pgr_image_up
  compose_up
  pgr_image_cleanup
  fleet_up
  prom_up
  log "up: postgres :$PG_PORT, redis :$REDIS_PORT and :$REDIS_AUTH_PORT, backend http :$HTTP_PORT, worker," \
    "compose db :$CPG_PORT and redis :$CREDIS_PORT, fleet sshd on :$FLEET_PORT of 127.0.0.${FLEET_HOSTS[*]}," \
    "prometheus :$PROM_PORT with the file exporter :$PROM_EXPORTER_PORT (state in $LAB_DIR)"
}

cmd_down() {
  if command -v docker-compose >/dev/null && docker info >/dev/null 2>&1; then
    log "docker: docker-compose down ($COMPOSE_PROJECT)"
    compose down --remove-orphans -t 10 >"$LAB_DIR/compose-down.log" 2>&1 ||
      die "step 'docker-compose down' failed" "see $LAB_DIR/compose-down.log"
    # The rollback test's own project, if a test left it up.
    docker-compose --ansi never -p "$DEPLOY_PROJECT" -f "$ROOT/lab/deploy/docker-compose.yml" \
      down -t 5 >>"$LAB_DIR/compose-down.log" 2>&1 || true
  fi
  if command -v redis-cli >/dev/null; then
    redis_down "$REDIS_PORT"
    redis_down "$REDIS_AUTH_PORT" "$REDIS_AUTH_PASSWORD"
  fi
  if [[ -d /usr/lib/postgresql ]]; then pg_down; fi
  local n
  for n in "${FLEET_HOSTS[@]}"; do fleet_host_down "$n"; done
  prom_down
  log "down (data kept in $LAB_DIR; rm -rf it for a fresh start)"
}

cmd_status() {
  local bad=0 s c
  row() { printf '%-13s %-28s %s\n' "$1" "$2" "$3"; }
  if command -v pg_isready >/dev/null && pg_login >/dev/null 2>&1; then
    row postgres "127.0.0.1:$PG_PORT" up
  else
    row postgres "127.0.0.1:$PG_PORT" DOWN
    bad=1
  fi
  if command -v redis-cli >/dev/null && redis_ping "$REDIS_PORT"; then
    row redis "127.0.0.1:$REDIS_PORT" up
  else
    row redis "127.0.0.1:$REDIS_PORT" DOWN
    bad=1
  fi
  if command -v redis-cli >/dev/null && redis_ping "$REDIS_AUTH_PORT" "$REDIS_AUTH_PASSWORD"; then
    row redis-auth "127.0.0.1:$REDIS_AUTH_PORT" up
  else
    row redis-auth "127.0.0.1:$REDIS_AUTH_PORT" DOWN
    bad=1
  fi
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    for s in "$IMAGE" "$PGR_IMAGE"; do
      if docker image inspect "$s" >/dev/null 2>&1; then row image "$s" present; else
        row image "$s" MISSING
        bad=1
      fi
    done
    for c in backend worker postgres redis; do
      s="$(container_state "$c")"
      case "$s" in
        running | running/healthy | running/starting) row "$c" "container" "$s" ;;
        *)
          row "$c" "container" "DOWN ($s)"
          bad=1
          ;;
      esac
    done
  else
    row docker engine DOWN
    bad=1
  fi
  if http_live 2>/dev/null; then row http "127.0.0.1:$HTTP_PORT/health/live" up; else
    row http "127.0.0.1:$HTTP_PORT/health/live" DOWN
    bad=1
  fi
  if command -v psql >/dev/null && cpg_login >/dev/null 2>&1; then
    row compose-db "127.0.0.1:$CPG_PORT" up
  else
    row compose-db "127.0.0.1:$CPG_PORT" DOWN
    bad=1
  fi
  if command -v redis-cli >/dev/null && redis_ping "$CREDIS_PORT"; then
    row compose-redis "127.0.0.1:$CREDIS_PORT" up
  else
    row compose-redis "127.0.0.1:$CREDIS_PORT" DOWN
    bad=1
  fi
  local n
  for n in "${FLEET_HOSTS[@]}"; do
    if addr_in_use "127.0.0.$n" "$FLEET_PORT"; then row "fleet-$n" "127.0.0.$n:$FLEET_PORT" up; else
      row "fleet-$n" "127.0.0.$n:$FLEET_PORT" DOWN
      bad=1
    fi
  done
  if [[ -x "$VENV/bin/ansible-playbook" ]]; then row ansible "$VENV" present; else
    row ansible "$VENV" MISSING
    bad=1
  fi
  if prom_ready 2>/dev/null; then row prometheus "127.0.0.1:$PROM_PORT" up; else
    row prometheus "127.0.0.1:$PROM_PORT" DOWN
    bad=1
  fi
  if port_in_use "$PROM_EXPORTER_PORT"; then row prom-exporter "127.0.0.1:$PROM_EXPORTER_PORT" up; else
    row prom-exporter "127.0.0.1:$PROM_EXPORTER_PORT" DOWN
    bad=1
  fi
  if ((bad)); then
    log "something is down: run scripts/lab.sh up"
    return 1
  fi
}

cmd_env() {
  local kv
  for kv in \
    "LRB_LAB_DIR=$LAB_DIR" \
    "LRB_LAB_PG_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB" \
    "LRB_LAB_REDIS_URL=redis://127.0.0.1:$REDIS_PORT" \
    "LRB_LAB_REDIS_AUTH_URL=redis://:$REDIS_AUTH_PASSWORD@127.0.0.1:$REDIS_AUTH_PORT" \
    "LRB_LAB_REDIS_AUTH_PASSWORD=$REDIS_AUTH_PASSWORD" \
    "LRB_LAB_HTTP_URL=http://127.0.0.1:$HTTP_PORT" \
    "LRB_LAB_COMPOSE_PG_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$CPG_PORT/$PG_DB" \
    "LRB_LAB_COMPOSE_REDIS_URL=redis://127.0.0.1:$CREDIS_PORT" \
    "LRB_LAB_COMPOSE_FILE=$COMPOSE_FILE" \
    "LRB_LAB_COMPOSE_PROJECT=$COMPOSE_PROJECT" \
    "LRB_LAB_DEPLOY_FILE=$ROOT/lab/deploy/docker-compose.yml" \
    "LRB_LAB_DEPLOY_PROJECT=$DEPLOY_PROJECT" \
    "LRB_LAB_DEPLOY_URL=http://127.0.0.1:$DEPLOY_PORT" \
    "LRB_LAB_FLEET_HOSTS=${FLEET_HOSTS[*]/#/127.0.0.}" \
    "LRB_LAB_FLEET_PORT=$FLEET_PORT" \
    "LRB_LAB_FLEET_DIR=$FLEET_DIR" \
    "LRB_LAB_SSH_KEY=$SSH_DIR/id_ed25519" \
    "LRB_LAB_ANSIBLE_BIN=$VENV/bin" \
    "LRB_LAB_PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT" \
    "LRB_LAB_PROM_WWW=$PROM_DIR/www" \
    "LRB_LAB_PROM_SD=$PROM_DIR/sd" \
    "LRB_LAB_PROM_EXPORTER=127.0.0.1:$PROM_EXPORTER_PORT"; do
    printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
  done
}

# `up` and `down` change shared state: a second one waits for the first instead of racing it
# (two concurrent builds of the same image context corrupt each other). The script runs again
# under flock(1), whose `-o` keeps the lock's descriptor from the servers it starts: a daemon
# holding it would make every later `up` wait forever.
lock() {
  [[ -n "${LRB_LAB_LOCKED:-}" ]] && return
  mkdir -p "$LAB_DIR"
  LRB_LAB_LOCKED=1 exec flock -o "$LAB_DIR/up.lock" "$BASH" "${BASH_SOURCE[0]}" "$@"
}

case "${1:-up}" in
  up)
    lock "$@"
    cmd_up
    ;;
  down)
    lock "$@"
    cmd_down
    ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h | --help | help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown subcommand '$1'" "usage: scripts/lab.sh [up|down|status|env]" ;;
esac
